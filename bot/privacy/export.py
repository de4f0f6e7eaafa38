"""Everything held about a guardian or a child, as JSON, for a subject access request."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from bot.audit import audit
from bot.db.models import AuditLog, Setting
from bot.pipeline.identity import PHONE_CHANNELS
from bot.privacy.erase import pending_erasure, pending_subject
from bot.privacy.subject import (
    Subject,
    child_subject,
    children_named,
    guardian_subject,
    guardian_with_phone,
)
from bot.privacy.tables import HELD, NOT_HELD, Held

WITHHELD_WHY = (
    "safeguarding: the designated safeguarding lead decides what of it to disclose (the ICO's "
    "right of access guidance lets information be withheld whose disclosure would be likely to "
    "cause serious harm); export again with --include-safeguarding once they have"
)


def export_for(
    session: Session,
    setting_id: int,
    now: datetime,
    actor: str,
    *,
    phone: str | None = None,
    child: str | None = None,
    include_safeguarding: bool = False,
) -> dict[str, Any]:
    """The export for the guardian with this E.164 phone, or the child with this name, audited;
    LookupError says who could not be found."""
    subject, audited = _subject(session, setting_id, phone, child)
    exported = export_subject(session, subject, now, include_safeguarding=include_safeguarding)
    rows = sum(len(rows) for rows in exported["held"].values())
    details = {"rows": rows, "withheld": len(exported["withheld"])}
    audit(session, actor, "exported", audited, details | {"safeguarding": include_safeguarding})
    return exported


def _subject(
    session: Session, setting_id: int, phone: str | None, child: str | None
) -> tuple[Subject, str]:
    if phone is not None:
        guardian = guardian_with_phone(session, setting_id, phone)
        if guardian is not None:
            return guardian_subject(session, guardian), f"guardian:{guardian.id}"
        pending = pending_erasure(session, setting_id, phone)
        if pending is None:
            raise LookupError(f"No guardian on the roster, or waiting for erasure, has {phone}.")
        return pending_subject(pending), f"erasure:{pending.id}"
    found = children_named(session, setting_id, child or "")
    if len(found) != 1:
        names = ", ".join(f"{c.first_name} {c.last_name}" for c in found)
        raise LookupError(
            f"{len(found)} children are called {child!r}: {names}; give the full name."
            if found
            else f"No child on the roll is called {child!r}."
        )
    return child_subject(found[0]), f"child:{found[0].id}"


def export_subject(
    session: Session, subject: Subject, now: datetime, *, include_safeguarding: bool = False
) -> dict[str, Any]:
    """The subject's rows in every table that holds personal data, the audit entries by them or
    about those rows, what was withheld and why, and what is not included and why."""
    setting = session.get_one(Setting, subject.setting_id)
    held: dict[str, list[dict[str, Any]]] = {}
    withheld: list[dict[str, Any]] = []
    about: set[str] = set()  # audit subjects naming exported rows
    hidden: set[str] = set()  # audit subjects naming withheld rows
    for entry in HELD:
        rows, kept_back = _rows(session, entry, subject, include_safeguarding)
        table = _table(entry)
        held[table.name] = rows
        withheld += [
            {"table": table.name, "id": row_id, "why": WITHHELD_WHY} for row_id in kept_back
        ]
        if entry.audit_kind:
            about |= {f"{entry.audit_kind}:{row['id']}" for row in rows}
            hidden |= {f"{entry.audit_kind}:{row_id}" for row_id in kept_back}
    audit_rows, audit_hidden = _audit(session, subject, about, hidden)
    held[AuditLog.__tablename__] = audit_rows
    withheld += [{"table": "audit_log", "id": i, "why": WITHHELD_WHY} for i in audit_hidden]
    return {
        "subject": subject.label,
        "setting": setting.name,
        "exported_at": now.isoformat(),
        "held": held,
        "withheld": withheld,
        "not_included": NOT_HELD,
    }


def _table(entry: Held) -> Table:
    table = entry.model.__table__
    assert isinstance(table, Table)
    return table


def _rows(
    session: Session, entry: Held, subject: Subject, include_safeguarding: bool
) -> tuple[list[dict[str, Any]], list[int]]:
    """(rows to export, ids withheld)."""
    table = _table(entry)
    key = next(iter(table.primary_key.columns))
    rows = session.execute(select(table).where(entry.about(subject)).order_by(*table.primary_key))
    exported = [as_json(dict(row._mapping)) for row in rows]
    if entry.shown is not None:
        exported = [entry.shown(row) for row in exported]
    if entry.withheld is None or include_safeguarding:
        return exported, []
    secret = set(session.scalars(select(key).where(entry.about(subject), entry.withheld(subject))))
    return [row for row in exported if row[key.name] not in secret], sorted(secret)


def _audit(
    session: Session, subject: Subject, about: set[str], hidden: set[str]
) -> tuple[list[dict[str, Any]], list[int]]:
    """Entries by them or about their rows or addresses: (to export, ids withheld)."""
    actors = {f"guardian:{guardian_id}" for guardian_id in subject.guardian_ids}
    addresses = {f"{channel}:{external}" for channel, external in subject.addresses}
    addresses |= {f"{channel}:{phone}" for channel in PHONE_CHANNELS for phone in subject.phones}
    rows = session.execute(
        select(AuditLog.__table__)
        .where(
            or_(
                AuditLog.actor.in_(sorted(actors)),
                AuditLog.subject.in_(sorted(about | hidden | addresses)),
            )
        )
        .order_by(AuditLog.id)
    )
    entries = [as_json(dict(row._mapping)) for row in rows]
    return (
        [entry for entry in entries if entry["subject"] not in hidden],
        [entry["id"] for entry in entries if entry["subject"] in hidden],
    )


def as_json(row: dict[str, Any]) -> dict[str, Any]:
    """A row with dates and times as ISO 8601 text."""
    return {
        key: value.isoformat() if isinstance(value, date | datetime) else value
        for key, value in row.items()
    }
