"""Where personal data lives: one entry per table says which of its rows are about a subject.

Every table is in HELD or in NOT_HELD (with its reason), but the audit log, which the export
reads last (entries by them, or about the rows it exported): tests/privacy checks it, so a new
table cannot be forgotten by the export. Erasure reaches new tables too: it scans every text
and JSON column outside ROSTER_TABLES (bot.privacy.scrub).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from bot.db.models import (
    SAFEGUARDING_ALERT,
    SAFEGUARDING_HANDOFF,
    Absence,
    AbsenceChase,
    Arrival,
    Base,
    BroadcastRecipient,
    ChannelIdentity,
    Child,
    CollectionChange,
    Consent,
    Conversation,
    EmergencyContact,
    Guardian,
    GuardianChild,
    HandoffItem,
    InboundLog,
    Meeting,
    MeetingChild,
    MeetingGuardian,
    Outbox,
    PollAnswer,
    PollRecipient,
)
from bot.privacy.subject import Subject

Where = Callable[[Subject], ColumnElement[bool]]
CALL_TASK = "call_task"  # HandoffItem.kind of a first-day call task (bot.jobs.chase)


@dataclass(frozen=True)
class Held:
    """A table's rows about a subject; `withheld` marks those only the safeguarding lead may
    release (`--include-safeguarding`); `shown` leaves other people's details out of a row;
    `audit_kind` is how audit subjects name its rows."""

    model: type[Base]
    about: Where
    withheld: Where | None = None
    shown: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    audit_kind: str | None = None


def _staff_address_hidden(row: dict[str, Any]) -> dict[str, Any]:
    """A staff alert keeps its text, not the member of staff's phone or chat id."""
    if row["staff_id"] is None:
        return row
    return row | {"recipient_id": f"staff:{row['staff_id']}"}


def _identities(subject: Subject) -> ColumnElement[bool]:
    return or_(
        ChannelIdentity.guardian_id.in_(subject.guardian_ids),
        subject.reached_at(ChannelIdentity.channel, ChannelIdentity.external_id),
    )


def _messages_in(subject: Subject) -> ColumnElement[bool]:
    return subject.reached_at(InboundLog.channel, InboundLog.sender_id)


def _disclosure_words(subject: Subject) -> ColumnElement[bool]:
    """Inbound messages whose words are a safeguarding item's."""
    words = select(HandoffItem.text).where(
        HandoffItem.setting_id == subject.setting_id, HandoffItem.kind == SAFEGUARDING_HANDOFF
    )
    return InboundLog.text.in_(words)


def _messages_out(subject: Subject) -> ColumnElement[bool]:
    """Messages to them, and staff alerts their own messages caused (quoting their words)."""
    return or_(
        Outbox.guardian_id.in_(subject.guardian_ids),
        subject.reached_at(Outbox.channel, Outbox.recipient_id),
        Outbox.inbound_id.in_(select(InboundLog.id).where(_messages_in(subject))),
    )


def _disclosure_alerts(subject: Subject) -> ColumnElement[bool]:
    said = select(InboundLog.id).where(_messages_in(subject), _disclosure_words(subject))
    return or_(Outbox.kind == SAFEGUARDING_ALERT, Outbox.inbound_id.in_(said))


def _handoffs(subject: Subject) -> ColumnElement[bool]:
    """Items they raised, and their children's call tasks (raised by no parent). Another
    parent's items, even once that parent is erased, are not theirs: that parent's words."""
    return or_(
        HandoffItem.guardian_id.in_(subject.guardian_ids),
        HandoffItem.id.in_(subject.raised),
        HandoffItem.child_id.in_(subject.child_ids)
        & HandoffItem.guardian_id.is_(None)
        & (HandoffItem.kind == CALL_TASK),
    )


def _meetings(subject: Subject) -> ColumnElement[bool]:
    """Meetings about their children (whoever booked them: the child's), or that they attend."""
    about = select(MeetingChild.meeting_id).where(MeetingChild.child_id.in_(subject.child_ids))
    attends = select(MeetingGuardian.meeting_id).where(
        MeetingGuardian.guardian_id.in_(subject.guardian_ids)
    )
    return or_(Meeting.id.in_(about), Meeting.id.in_(attends))


def _topic_left_out(row: dict[str, Any]) -> dict[str, Any]:
    """A meeting's topic is the words of the message that asked for it, perhaps another
    parent's (each parent's own messages are exported with their messages)."""
    return row | {"topic": ""}


HELD: tuple[Held, ...] = (
    Held(Guardian, lambda s: Guardian.id.in_(s.guardian_ids), audit_kind="guardian"),
    Held(
        GuardianChild,
        lambda s: or_(
            GuardianChild.guardian_id.in_(s.guardian_ids), GuardianChild.child_id.in_(s.child_ids)
        ),
    ),
    Held(Child, lambda s: Child.id.in_(s.child_ids), audit_kind="child"),
    Held(EmergencyContact, lambda s: EmergencyContact.child_id.in_(s.child_ids)),
    Held(ChannelIdentity, _identities),
    Held(
        Conversation,
        lambda s: Conversation.identity_id.in_(select(ChannelIdentity.id).where(_identities(s))),
    ),
    Held(InboundLog, _messages_in, withheld=_disclosure_words),
    Held(Outbox, _messages_out, withheld=_disclosure_alerts, shown=_staff_address_hidden),
    Held(
        HandoffItem,
        _handoffs,
        withheld=lambda s: HandoffItem.kind == SAFEGUARDING_HANDOFF,
        audit_kind="handoff",
    ),
    Held(Absence, lambda s: Absence.child_id.in_(s.child_ids), audit_kind="absence"),
    Held(
        CollectionChange,
        lambda s: CollectionChange.child_id.in_(s.child_ids),
        audit_kind="collection_change",
    ),
    Held(Arrival, lambda s: Arrival.child_id.in_(s.child_ids)),
    Held(AbsenceChase, lambda s: AbsenceChase.child_id.in_(s.child_ids)),
    Held(Meeting, _meetings, shown=_topic_left_out, audit_kind="meeting"),
    Held(MeetingChild, lambda s: MeetingChild.child_id.in_(s.child_ids)),
    Held(MeetingGuardian, lambda s: MeetingGuardian.guardian_id.in_(s.guardian_ids)),
    Held(PollRecipient, lambda s: PollRecipient.guardian_id.in_(s.guardian_ids)),
    Held(PollAnswer, lambda s: PollAnswer.guardian_id.in_(s.guardian_ids)),
    Held(BroadcastRecipient, lambda s: BroadcastRecipient.guardian_id.in_(s.guardian_ids)),
    Held(
        Consent,
        lambda s: or_(Consent.guardian_id.in_(s.guardian_ids), Consent.child_id.in_(s.child_ids)),
    ),
)

NOT_HELD: dict[str, str] = {
    "settings": "the setting's own details",
    "rooms": "the setting's rooms",
    "staff": "members of staff (their own data)",
    "policy_documents": "the setting's policies",
    "policy_passages": "the setting's policies",
    "policy_synonyms": "the setting's own words for its policies: no family in them",
    "job_runs": "when the scheduled jobs ran: no person in them",
    "staff_sign_ins": "members of staff signing in to the dashboard (their own data)",
    "staff_sessions": "members of staff signed in to the dashboard (their own data)",
    "translation_cache": (
        "machine translations of the setting's own texts, names and numbers masked; parents' "
        "words are never cached"
    ),
    "broadcasts": "the setting's own broadcasts and reminders (what each family got is in outbox)",
    "broadcast_occurrences": "when a broadcast was sent: no person in them",
    "erasures": "a guardian on the roster has none; once done, one holds no personal data",
    "polls": "the setting's own questions to families",
    "poll_options": "the setting's own questions to families",
    "parents_evenings": "the setting's parents' evenings: dates and hours",
}

# Rows re-imported from the setting folder (or the setting's own): erasure leaves them to the
# roster files, and says where the person is still listed.
ROSTER_TABLES = frozenset(
    {
        "settings",
        "rooms",
        "staff",
        "children",
        "guardians",
        "guardian_children",
        "emergency_contacts",
        "policy_documents",
        "policy_passages",
        "erasures",
    }
)
