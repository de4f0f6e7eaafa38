"""Read-only views staff use from the CLI (and later the dashboard)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import ChannelIdentity, Guardian, HandoffItem, InboundLog, Outbox, Staff


def unanswered_questions(sessions: sessionmaker[Session], limit: int = 200) -> list[str]:
    """Policy questions nothing in the policies covered: `date  status  guardian: question`."""
    with sessions() as session:
        rows = session.execute(
            select(HandoffItem, Guardian.name)
            .outerjoin(Guardian, Guardian.id == HandoffItem.guardian_id)
            .where(HandoffItem.kind == "policy_unanswered")
            .order_by(HandoffItem.created_at.desc(), HandoffItem.id.desc())
            .limit(limit)
        ).all()
    return [
        f"{item.created_at:%Y-%m-%d %H:%M}  {item.status:<6}  {name or 'unknown'}: {item.text}"
        for item, name in rows
    ]


PROBLEM_STATUSES = ("failed", "undelivered", "unknown", "dead", "undeliverable")
UNANSWERED_AFTER = timedelta(minutes=1)  # a kept message waiting longer: is the turns process up?


def delivery_problems(
    sessions: sessionmaker[Session], limit: int = 200, now: datetime | None = None
) -> list[str]:
    """Messages that did not (or may not) arrive, newest first; parents' messages kept but not
    answered after a minute (with queued turns: is `parentbot turns` running?); then numbers
    that opted out.

    `unknown` means the provider may have sent it (a timeout after create): check before resending.
    `undeliverable` means no configured channel could carry it: the reason says what is missing.
    """
    waited_since = (now or datetime.now(UTC)) - UNANSWERED_AFTER
    with sessions() as session:
        rows = session.execute(
            select(Outbox, Guardian.name, Staff.name)
            .outerjoin(Guardian, Guardian.id == Outbox.guardian_id)
            .outerjoin(Staff, Staff.id == Outbox.staff_id)
            .where(Outbox.status.in_(PROBLEM_STATUSES))
            .order_by(Outbox.created_at.desc(), Outbox.id.desc())
            .limit(limit)
        ).all()
        waiting = session.scalars(
            select(InboundLog)
            .where(InboundLog.status == "received", InboundLog.received_at < waited_since)
            .order_by(InboundLog.id)
            .limit(limit)
        ).all()
        opted_out = session.execute(
            select(ChannelIdentity, Guardian.name, Staff.name)
            .outerjoin(Guardian, Guardian.id == ChannelIdentity.guardian_id)
            .outerjoin(Staff, Staff.id == ChannelIdentity.staff_id)
            .where(ChannelIdentity.opted_out.is_(True))
            .order_by(ChannelIdentity.id)
        ).all()
    lines = [
        f"{row.created_at:%Y-%m-%d %H:%M}  {row.status:<13} {row.channel:<8} "
        f"{guardian or staff or row.recipient_id} ({row.kind}): {row.last_error or ''}"
        for row, guardian, staff in rows
    ]
    lines += [
        f"{row.received_at:%Y-%m-%d %H:%M}  not answered {row.channel:<8} {row.sender_id}: "
        f"{row.text[:80]}"
        for row in waiting
    ]
    lines += [
        f"opted out   {identity.channel:<8} {guardian or staff or 'not on the roster'} "
        f"{identity.external_id}"
        for identity, guardian, staff in opted_out
    ]
    return lines


def person_by_phone(session: Session, setting_id: int, phone: str) -> Guardian | Staff | None:
    """The guardian (else member of staff) with this E.164 phone in the setting."""
    guardian = session.scalar(
        select(Guardian).where(Guardian.setting_id == setting_id, Guardian.phone == phone)
    )
    return guardian or session.scalar(
        select(Staff).where(Staff.setting_id == setting_id, Staff.phone == phone)
    )
