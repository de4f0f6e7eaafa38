"""The daily retention job: what a setting keeps no longer than its options say.

- Messages (`retain_messages_days`, default 365): the message log, the outbox (replies, staff
  alerts, broadcasts), conversations, unknown senders' identities, the translation cache and
  the items parents raised for staff that are messages (questions, meeting requests, concerns).
  A message whose words a safeguarding item holds keeps only a pointer to that item.
- Records (`retain_records_years`, default 6): absences, arrivals, collection changes, first-day
  chases and call tasks; audit entries after the longest period any setting keeps records.
- Safeguarding items are never deleted here: the designated safeguarding lead decides.
- Erasures whose time has come are carried out (bot.privacy.erase).

Running it twice changes nothing the second time. In a database holding several settings, a
message belongs to the setting of the person who sent or got it; one nobody's (an unknown
sender's) is kept no longer than the shortest period of any setting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Delete, Table, and_, delete, func, not_, or_, select, update
from sqlalchemy.orm import Session

from bot.db.models import (
    SAFEGUARDING_HANDOFF,
    Absence,
    AbsenceChase,
    Arrival,
    AuditLog,
    ChannelIdentity,
    Child,
    CollectionChange,
    Conversation,
    Erasure,
    Guardian,
    HandoffItem,
    InboundLog,
    Outbox,
    Setting,
    Staff,
    TranslationCacheEntry,
)
from bot.jobs.effects import ExpireData
from bot.jobs.job import JobContext, JobResult
from bot.privacy.erase import REDACTED, deleted_rows, kept_on, kept_on_item, perform
from bot.privacy.options import RETAIN_RECORDS_YEARS, privacy_options
from bot.privacy.subject import Subject
from bot.privacy.tables import CALL_TASK

log = logging.getLogger(__name__)
RECORD_HANDOFFS = (CALL_TASK,)  # kept as records; safeguarding items are never expired


@dataclass
class RetentionReport:
    """What one run deleted or redacted, per table, and the erasures it carried out."""

    deleted: dict[str, int] = field(default_factory=dict)
    redacted: dict[str, int] = field(default_factory=dict)
    erased: list[str] = field(default_factory=list)

    def count(self, table: str, rows: int, *, redacted: bool = False) -> None:
        """Note rows deleted (or redacted)."""
        counts = self.redacted if redacted else self.deleted
        if rows:
            counts[table] = counts.get(table, 0) + rows

    @property
    def changed(self) -> bool:
        """Whether the run changed anything."""
        return bool(self.deleted or self.redacted or self.erased)

    def lines(self) -> list[str]:
        """The report as plain lines."""
        if not self.changed:
            return ["Retention: nothing was due."]
        lines = [f"erased {reference}" for reference in self.erased]
        lines += [f"deleted {n} from {table}" for table, n in sorted(self.deleted.items())]
        lines += [f"redacted {n} in {table}" for table, n in sorted(self.redacted.items())]
        return lines


def run_retention(session: Session, setting_id: int, now: datetime) -> RetentionReport:
    """Carry out due erasures and delete (or redact) what is older than the setting keeps it
    (`parentbot retention`; the scheduler runs the same as a job)."""
    return expire(session, setting_id, retention_due(session, setting_id, now))


def retention_due(session: Session, setting_id: int, now: datetime) -> ExpireData:
    """What is due at `now`: the erasures whose time has come, and the setting's cut-offs."""
    setting = session.get_one(Setting, setting_id)
    options = privacy_options(setting.options)
    due = session.scalars(
        select(Erasure.id)
        .where(Erasure.setting_id == setting_id, Erasure.done_at.is_(None), Erasure.due_at <= now)
        .order_by(Erasure.id)
    )
    zone = ZoneInfo(setting.timezone)
    before = _years_before(now.astimezone(zone).date(), options.retain_records_years)
    return ExpireData(
        tuple(due),
        now - timedelta(days=options.retain_messages_days),
        datetime.combine(before, time(), zone),
        now,
    )


def expire(session: Session, setting_id: int, due: ExpireData) -> RetentionReport:
    """Carry out what `retention_due` found."""
    report = RetentionReport()
    for erasure_id in due.erasure_ids:
        erasure = session.get_one(Erasure, erasure_id)
        perform(session, erasure, due.at, "system")
        report.erased.append(erasure.reference)
    others = _other_settings(session, setting_id)
    _expire_messages(session, setting_id, due.messages_before, others, report)
    _expire_records(session, setting_id, due.records_before, report)
    _expire_audit(session, due.at, report)
    return report


def retention_job(context: JobContext) -> JobResult:
    """The daily job: decides what is due; applying it (bot/recording) deletes and reports."""
    return JobResult((retention_due(context.session, context.setting.id, context.now),))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _other_settings(session: Session, setting_id: int) -> Subject:
    """The phones and chat addresses of people of other settings in the same database, but not
    of this one's (a parent at two nurseries of a group has their messages kept by neither
    longer than the shorter period)."""
    own_phones, own_addresses = _people(
        session, Guardian.setting_id == setting_id, Staff.setting_id == setting_id
    )
    phones, addresses = _people(
        session, Guardian.setting_id != setting_id, Staff.setting_id != setting_id
    )
    return Subject(
        setting_id,
        "other settings",
        phones=frozenset(phones - own_phones),
        addresses=frozenset(addresses - own_addresses),
    )


def _people(
    session: Session, guardians_where: ColumnElement[bool], staff_where: ColumnElement[bool]
) -> tuple[set[str], set[tuple[str, str]]]:
    """(phones, chat addresses) of the guardians and staff these conditions choose."""
    guardians = select(Guardian.id).where(guardians_where)
    staff = select(Staff.id).where(staff_where)
    phones = session.scalars(
        select(Guardian.phone)
        .where(Guardian.id.in_(guardians))
        .union(select(Staff.phone).where(Staff.id.in_(staff), Staff.phone.is_not(None)))
    )
    addresses = session.execute(
        select(ChannelIdentity.channel, ChannelIdentity.external_id).where(
            ChannelIdentity.guardian_id.in_(guardians) | ChannelIdentity.staff_id.in_(staff)
        )
    )
    return {str(phone) for phone in phones}, {(ch, ext) for ch, ext in addresses}


def _expire_messages(
    session: Session, setting_id: int, before: datetime, others: Subject, report: RetentionReport
) -> None:
    ours = not_(others.reached_at(InboundLog.channel, InboundLog.sender_id))
    _expire_inbound(session, setting_id, and_(InboundLog.received_at < before, ours), report)
    foreign_people = or_(
        Outbox.guardian_id.in_(select(Guardian.id).where(Guardian.setting_id != setting_id)),
        Outbox.staff_id.in_(select(Staff.id).where(Staff.setting_id != setting_id)),
        others.reached_at(Outbox.channel, Outbox.recipient_id),
    )
    _delete(session, report, delete(Outbox).where(Outbox.created_at < before, not_(foreign_people)))
    identities = select(ChannelIdentity.id).where(
        not_(others.reached_at(ChannelIdentity.channel, ChannelIdentity.external_id))
    )
    _delete(
        session,
        report,
        delete(Conversation).where(
            Conversation.updated_at < before, Conversation.identity_id.in_(identities)
        ),
    )
    last_seen = func.coalesce(ChannelIdentity.last_inbound_at, ChannelIdentity.created_at)
    unknown = and_(ChannelIdentity.guardian_id.is_(None), ChannelIdentity.staff_id.is_(None))
    _delete(session, report, delete(ChannelIdentity).where(unknown, last_seen < before))
    _delete(
        session,
        report,
        delete(TranslationCacheEntry).where(TranslationCacheEntry.created_at < before),
    )
    kept_kinds = (SAFEGUARDING_HANDOFF, *RECORD_HANDOFFS)
    _delete(
        session,
        report,
        delete(HandoffItem).where(
            HandoffItem.setting_id == setting_id,
            HandoffItem.kind.not_in(kept_kinds),
            HandoffItem.created_at < before,
        ),
    )


def _expire_inbound(
    session: Session, setting_id: int, due: ColumnElement[bool], report: RetentionReport
) -> None:
    """Old messages go; one whose words a safeguarding item holds keeps a pointer to it, until
    that item is gone."""
    items = dict(
        session.execute(
            select(HandoffItem.text, HandoffItem.id).where(
                HandoffItem.setting_id == setting_id, HandoffItem.kind == SAFEGUARDING_HANDOFF
            )
        ).all()
    )
    rows = session.execute(
        select(InboundLog.id, InboundLog.text, InboundLog.status).where(due)
    ).all()
    gone, redacted = [], 0
    for row_id, text, status in rows:
        if status == REDACTED:
            if kept_on_item(text) not in items.values():
                gone.append(row_id)
        elif text in items:
            values = {"text": kept_on(items[text]), "status": REDACTED, "choice_id": None}
            session.execute(update(InboundLog).where(InboundLog.id == row_id).values(values))
            redacted += 1
        else:
            gone.append(row_id)
    report.count("inbound_log", redacted, redacted=True)
    _delete(session, report, delete(InboundLog).where(InboundLog.id.in_(gone)))


def _expire_records(
    session: Session, setting_id: int, since: datetime, report: RetentionReport
) -> None:
    """Records of days before `since` (the setting's midnight) go."""
    before = since.date()
    children = select(Child.id).where(Child.setting_id == setting_id)
    for statement in (
        delete(Absence).where(Absence.child_id.in_(children), Absence.end < before),
        delete(Arrival).where(Arrival.child_id.in_(children), Arrival.on_date < before),
        delete(CollectionChange).where(
            CollectionChange.child_id.in_(children), CollectionChange.on_date < before
        ),
        delete(AbsenceChase).where(
            AbsenceChase.child_id.in_(children), AbsenceChase.on_date < before
        ),
        delete(HandoffItem).where(
            HandoffItem.setting_id == setting_id,
            HandoffItem.kind.in_(RECORD_HANDOFFS),
            HandoffItem.created_at < since,
        ),
    ):
        _delete(session, report, statement)


def _expire_audit(session: Session, now: datetime, report: RetentionReport) -> None:
    """Audit entries outlive the records of every setting, and entries about a safeguarding
    item last as long as the item."""
    every = [
        privacy_options(o).retain_records_years for o in session.scalars(select(Setting.options))
    ]
    before = datetime.combine(
        _years_before(now.date(), max(every, default=RETAIN_RECORDS_YEARS)), now.timetz()
    )
    items = session.scalars(select(HandoffItem.id).where(HandoffItem.kind == SAFEGUARDING_HANDOFF))
    held = [f"handoff:{item_id}" for item_id in items]
    _delete(
        session,
        report,
        delete(AuditLog).where(AuditLog.at < before, AuditLog.subject.not_in(held)),
    )


def _delete(session: Session, report: RetentionReport, statement: Delete) -> None:
    table = statement.table
    assert isinstance(table, Table)
    report.count(table.name, deleted_rows(session, statement))
