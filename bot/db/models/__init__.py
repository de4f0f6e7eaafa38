"""Typed SQLAlchemy models, one module per area; every schema change comes with a migration.

Everything is importable from `bot.db.models` itself."""

from bot.db.models.base import NAMING, Base, UTCDateTime, table_of, utcnow
from bot.db.models.broadcasts import (
    CANCELLED,
    CONSENT,
    DRAFT,
    QUESTIONNAIRE,
    SCHEDULED,
    SENT,
    Broadcast,
    BroadcastOccurrence,
    BroadcastRecipient,
    Consent,
)
from bot.db.models.meetings import MEETING_BOOKED, Meeting, MeetingChild, MeetingGuardian
from bot.db.models.messages import (
    ChannelIdentity,
    Conversation,
    InboundLog,
    Outbox,
    TranslationCacheEntry,
)
from bot.db.models.operations import JobRun, StaffSession, StaffSignIn
from bot.db.models.policies import PolicyDocument, PolicyPassage, PolicySynonym
from bot.db.models.polls import ParentsEvening, Poll, PollAnswer, PollOption, PollRecipient
from bot.db.models.records import (
    SAFEGUARDING_ALERT,
    SAFEGUARDING_HANDOFF,
    Absence,
    AbsenceChase,
    Arrival,
    AuditLog,
    CollectionChange,
    Erasure,
    HandoffItem,
)
from bot.db.models.roster import (
    Child,
    EmergencyContact,
    Guardian,
    GuardianChild,
    Room,
    Setting,
    Staff,
)

__all__ = [
    "CANCELLED",
    "CONSENT",
    "DRAFT",
    "MEETING_BOOKED",
    "NAMING",
    "QUESTIONNAIRE",
    "SAFEGUARDING_ALERT",
    "SAFEGUARDING_HANDOFF",
    "SCHEDULED",
    "SENT",
    "Absence",
    "AbsenceChase",
    "Arrival",
    "AuditLog",
    "Base",
    "Broadcast",
    "BroadcastOccurrence",
    "BroadcastRecipient",
    "ChannelIdentity",
    "Child",
    "CollectionChange",
    "Consent",
    "Conversation",
    "EmergencyContact",
    "Erasure",
    "Guardian",
    "GuardianChild",
    "HandoffItem",
    "InboundLog",
    "JobRun",
    "Meeting",
    "MeetingChild",
    "MeetingGuardian",
    "Outbox",
    "ParentsEvening",
    "PolicyDocument",
    "PolicyPassage",
    "PolicySynonym",
    "Poll",
    "PollAnswer",
    "PollOption",
    "PollRecipient",
    "Room",
    "Setting",
    "Staff",
    "StaffSession",
    "StaffSignIn",
    "TranslationCacheEntry",
    "UTCDateTime",
    "table_of",
    "utcnow",
]
