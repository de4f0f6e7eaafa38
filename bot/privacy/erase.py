"""Erasing a guardian: what no duty requires is deleted, records the setting must keep stay.

Two steps. `revoke` takes away their access at once (the guardian row, links to children, chat
identities and conversations go, pending link codes too) and schedules the erasure, noting what
finds their data: phones, e-mail, name, chat ids, and the rows that named them (which lose that
link when the guardian row goes). `perform`, when due (at once for `parentbot erase`,
`erase_after_days` later for a guardian the roster dropped), deletes their messages in and out,
the staff alerts their messages caused and the items they raised, and keeps, with the person
replaced by a reference ("E7"): attendance records (absences, collection changes, first-day
chases), safeguarding items with the parent's words (child protection records; the message log
keeps only a pointer to them), and the audit log. Anything else still naming them (a call task
listing their number, another parent's message) keeps its text with their phone numbers,
e-mail, full name and words replaced. A guardian put back on the roster before it is done gets
their history back (`restore`). Their children's records stay whoever else cares for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Delete, Table, delete, select, update
from sqlalchemy.orm import Session

from bot.audit import audit
from bot.db.models import (
    SAFEGUARDING_HANDOFF,
    Absence,
    AuditLog,
    Base,
    ChannelIdentity,
    Child,
    Conversation,
    EmergencyContact,
    Erasure,
    Guardian,
    HandoffItem,
    InboundLog,
    Outbox,
    Setting,
    Staff,
)
from bot.privacy.scrub import KeepWords, Scrubber, scrub_tables
from bot.privacy.subject import Subject, guardian_subject, guardian_with_phone

ERASE_COMMAND = "erase_command"
REMOVED_FROM_ROSTER = "removed_from_roster"
REDACTED = "redacted"  # InboundLog.status of a message whose words a safeguarding item keeps

REPORTED_BY = "absences.reported_by_guardian_ids"
AUDIT_LINKS = ("audit_log.actor", "audit_log.subject")
SAFEGUARDING_WHY = (
    "safeguarding item (a child protection record, kept until the designated safeguarding lead "
    "decides; typically until the child is 25): the parent's words stay, their name and numbers "
    "are replaced"
)
# How each row that named the guardian is treated: kept (and why), or deleted.
KEPT_WHY = {
    REPORTED_BY: "attendance register: the child's absence stays, no longer linked to them",
    "collection_changes.guardian_id": "attendance: who was to collect the child",
    "absence_chases.answered_by_guardian_id": "first-day absence follow-up (EYFS 3.11)",
    "audit_log.actor": "accountability: what was done and when, by a reference",
    "audit_log.subject": "accountability: what was done and when, to a reference",
}
DELETED_LINKS = frozenset({"outbox.guardian_id"})
HANDOFF_LINK = "handoff_items.guardian_id"  # safeguarding items kept, the others deleted
GO_WITH_GUARDIAN = frozenset(
    {
        "channel_identities.guardian_id",
        "guardian_children.guardian_id",
        "meeting_guardians.guardian_id",  # their place at a meeting; the meeting stays for staff
        "poll_recipients.guardian_id",  # that they were asked (a parents' evening's poll)
        "poll_answers.guardian_id",  # what they answered
        "broadcast_recipients.guardian_id",  # an urgent broadcast's follow-up of them
        "consents.guardian_id",  # their consent answers (asked again if needed)
    }
)


@dataclass
class ErasureReport:
    """What an erasure deleted, what it kept and why, and where the roster still names them."""

    reference: str
    deleted: dict[str, int] = field(default_factory=dict)
    kept: list[dict[str, Any]] = field(default_factory=list)  # {"table", "id", "why"}
    on_roster: list[str] = field(default_factory=list)

    def keep(self, table: str, ids: list[Any], why: str) -> None:
        """Note rows kept, and why."""
        known = {(item["table"], item["id"]) for item in self.kept}
        self.kept += [{"table": table, "id": i, "why": why} for i in ids if (table, i) not in known]

    def count(self, table: str, rows: int) -> None:
        """Note rows deleted."""
        if rows:
            self.deleted[table] = self.deleted.get(table, 0) + rows

    def lines(self) -> list[str]:
        """The report as plain lines, for the command line."""
        lines = [f"Erasure {self.reference}:"]
        lines += [f"  deleted {n} from {table}" for table, n in sorted(self.deleted.items())]
        grouped: dict[tuple[str, str], int] = {}
        for item in self.kept:
            grouped[item["table"], item["why"]] = grouped.get((item["table"], item["why"]), 0) + 1
        lines += [f"  kept {n} in {table}: {why}" for (table, why), n in sorted(grouped.items())]
        lines += [f"  still in the setting folder: {line}" for line in self.on_roster]
        return lines


def erase_guardian(
    session: Session, setting_id: int, phone: str, now: datetime, actor: str
) -> ErasureReport:
    """Erase now the guardian with this E.164 phone: on the roster, or dropped from it and
    waiting for their erasure. LookupError when there is neither."""
    guardian = guardian_with_phone(session, setting_id, phone)
    if guardian is not None:
        erasure = revoke(session, guardian, reason=ERASE_COMMAND, actor=actor, due_at=now)
    elif (pending := pending_erasure(session, setting_id, phone)) is not None:
        erasure = pending
    else:
        raise LookupError(
            f"No guardian on the roster, or waiting for erasure, has the phone {phone}."
        )
    report = perform(session, erasure, now, actor)
    if guardian is not None:
        report.on_roster.insert(
            0, f"guardians.csv: {phone} (the next import would add them again, with none of this)"
        )
    return report


def revoke(
    session: Session, guardian: Guardian, *, reason: str, actor: str, due_at: datetime
) -> Erasure:
    """Take away the guardian's access now and schedule their erasure for `due_at`."""
    subject = guardian_subject(session, guardian)
    links = _links_to(session, guardian.id, subject)
    identities = select(ChannelIdentity.id).where(ChannelIdentity.guardian_id == guardian.id)
    revoked = {
        "conversations": deleted_rows(
            session, delete(Conversation).where(Conversation.identity_id.in_(identities))
        ),
        "channel_identities": deleted_rows(
            session, delete(ChannelIdentity).where(ChannelIdentity.guardian_id == guardian.id)
        ),
        "guardian_children": len(subject.child_ids),
        "guardians": 1,
    }
    erasure = Erasure(
        setting_id=guardian.setting_id,
        reason=reason,
        requested_by=actor,
        due_at=due_at,
        identifiers=subject.to_json() | {"revoked": revoked},
        links=links,
        kept=[],
    )
    session.add(erasure)
    for absence in session.scalars(select(Absence).where(Absence.id.in_(links[REPORTED_BY]))):
        absence.reported_by_guardian_ids = [
            i for i in absence.reported_by_guardian_ids if i != guardian.id
        ]
    _drop_link_codes(session, guardian.setting_id, guardian.id)
    session.delete(guardian)
    session.flush()
    details = {"reason": reason, "due_at": due_at.isoformat()}
    audit(session, actor, "access_revoked", f"erasure:{erasure.id}", details)
    return erasure


def pending_erasure(session: Session, setting_id: int, phone: str) -> Erasure | None:
    """The erasure not yet done of a guardian who had this phone."""
    pending = session.scalars(
        select(Erasure)
        .where(Erasure.setting_id == setting_id, Erasure.done_at.is_(None))
        .order_by(Erasure.id)
    )
    return next((e for e in pending if phone in e.identifiers.get("phones", [])), None)


def pending_subject(erasure: Erasure) -> Subject:
    """Who an erasure not yet done is about, with the items they raised (whose link to them
    went with the guardian row), for an export before it is done."""
    subject = Subject.from_json(erasure.setting_id, erasure.identifiers)
    return replace(subject, raised=frozenset(erasure.links.get(HANDOFF_LINK, [])))


def restore(session: Session, erasure: Erasure, guardian: Guardian, actor: str) -> None:
    """A guardian back on the roster before their erasure was done: it is cancelled and the
    rows that named them name them again."""
    for key, ids in erasure.links.items():
        table_name, column = key.split(".")
        table = _table(table_name)
        if key == REPORTED_BY:
            for absence in session.scalars(select(Absence).where(Absence.id.in_(ids))):
                absence.reported_by_guardian_ids = sorted(
                    {*absence.reported_by_guardian_ids, guardian.id}
                )
        elif ids:
            value: Any = f"guardian:{guardian.id}" if key in AUDIT_LINKS else guardian.id
            session.execute(update(table).where(table.c.id.in_(ids)).values({column: value}))
    audit(session, actor, "erasure_cancelled", f"erasure:{erasure.id}")
    session.delete(erasure)
    session.flush()


def perform(session: Session, erasure: Erasure, now: datetime, actor: str) -> ErasureReport:
    """Carry out a scheduled erasure now (see the module docstring)."""
    subject = Subject.from_json(erasure.setting_id, erasure.identifiers)
    report = ErasureReport(erasure.reference)
    for table, rows in erasure.identifiers.get("revoked", {}).items():
        report.count(table, rows)  # access taken away when it was scheduled
    links: dict[str, list[Any]] = erasure.links
    keep_words = _keep_safeguarding(session, links.get(HANDOFF_LINK, []), report)
    words = _erase_messages(session, subject, links, erasure.reference, keep_words, report)
    _keep_records(session, links, erasure.reference, report)
    scrubber = Scrubber(subject, erasure.reference, words)
    why = f"names them: name, numbers and words replaced by {erasure.reference}"
    for table_name, keys in scrub_tables(session, scrubber, keep_words).items():
        report.keep(table_name, keys, why)
    report.on_roster = roster_mentions(session, subject)
    erasure.done_at = now
    erasure.identifiers, erasure.links, erasure.kept = {}, {}, report.kept
    audit(session, actor, "erased", f"erasure:{erasure.id}", {"deleted": report.deleted})
    session.flush()
    return report


def _keep_records(
    session: Session, links: dict[str, list[Any]], reference: str, report: ErasureReport
) -> None:
    """Records that named them stay (their link is already gone); audit entries by or about
    them name the reference instead."""
    for key, why in KEPT_WHY.items():
        table = _table(key.split(".")[0])
        ids = session.scalars(select(table.c.id).where(table.c.id.in_(links.get(key, []))))
        report.keep(table.name, sorted(ids), why)
    for key in AUDIT_LINKS:
        values = {key.split(".")[1]: f"erased:{reference}"}
        session.execute(update(AuditLog).where(AuditLog.id.in_(links.get(key, []))).values(values))


def _keep_safeguarding(session: Session, ids: list[int], report: ErasureReport) -> KeepWords:
    """Safeguarding items they raised are kept (the rest they raised is deleted)."""
    items = session.execute(select(HandoffItem.id, HandoffItem.kind).where(HandoffItem.id.in_(ids)))
    kept = [item_id for item_id, kind in items if kind == SAFEGUARDING_HANDOFF]
    report.keep("handoff_items", kept, SAFEGUARDING_WHY)
    gone = delete(HandoffItem).where(HandoffItem.id.in_(ids), HandoffItem.id.not_in(kept))
    report.count("handoff_items", deleted_rows(session, gone))
    return {("handoff_items", item_id) for item_id in kept}


def _erase_messages(
    session: Session,
    subject: Subject,
    links: dict[str, list[Any]],
    reference: str,
    keep_words: KeepWords,
    report: ErasureReport,
) -> list[str]:
    """Delete their messages in and out, the alerts those caused and their identities; a
    message whose words a kept safeguarding item holds leaves only a pointer. Their words."""
    received = session.execute(
        select(InboundLog.id, InboundLog.text).where(
            subject.reached_at(InboundLog.channel, InboundLog.sender_id)
        )
    ).all()
    inbound_ids = [row_id for row_id, _ in received]
    gone = delete(Outbox).where(
        Outbox.id.in_(links.get("outbox.guardian_id", []))
        | subject.reached_at(Outbox.channel, Outbox.recipient_id)
        | Outbox.inbound_id.in_(inbound_ids)
    )
    report.count("outbox", deleted_rows(session, gone))
    pointers = _point_at_items(session, [(i, t) for i, t in received], keep_words, reference)
    report.keep("inbound_log", pointers, "its words are kept on the safeguarding item")
    gone = delete(InboundLog).where(InboundLog.id.in_(inbound_ids), InboundLog.id.not_in(pointers))
    report.count("inbound_log", deleted_rows(session, gone))
    identities = subject.reached_at(ChannelIdentity.channel, ChannelIdentity.external_id)
    report.count(
        "channel_identities", deleted_rows(session, delete(ChannelIdentity).where(identities))
    )
    return [text for _, text in received]


def _point_at_items(
    session: Session, received: list[tuple[int, str]], keep_words: KeepWords, reference: str
) -> list[int]:
    """Messages whose words a kept safeguarding item holds keep only a pointer to it, and the
    reference for their sender; their ids."""
    kept_items = [item_id for table, item_id in keep_words if table == "handoff_items"]
    held = dict(
        session.execute(
            select(HandoffItem.text, HandoffItem.id).where(HandoffItem.id.in_(kept_items))
        ).all()
    )
    pointers = {row_id: held[text] for row_id, text in received if text in held}
    for row_id, item_id in pointers.items():
        values: dict[str, str | None] = {"text": kept_on(item_id), "status": REDACTED}
        values |= {"sender_id": f"erased:{reference}", "choice_id": None, "error": None}
        session.execute(update(InboundLog).where(InboundLog.id == row_id).values(values))
    return list(pointers)


def kept_on(handoff_id: int) -> str:
    """What a message log row says once its words are kept only on a safeguarding item."""
    return f"[words kept on safeguarding item H{handoff_id}]"


def kept_on_item(text: str) -> int | None:
    """The safeguarding item a message log row points at (`kept_on`), if it is one."""
    found = re.fullmatch(r"\[words kept on safeguarding item H(\d+)\]", text)
    return int(found[1]) if found else None


def _links_to(session: Session, guardian_id: int, subject: Subject) -> dict[str, list[Any]]:
    """Every row that names the guardian by id and would lose that when the guardian row goes:
    foreign keys set to NULL on delete, absences they reported, audit entries by or about them."""
    links: dict[str, list[Any]] = {}
    for table in Base.metadata.sorted_tables:
        for foreign in table.foreign_keys:
            if foreign.column.table.name == "guardians" and foreign.ondelete == "SET NULL":
                ids = session.scalars(select(table.c.id).where(foreign.parent == guardian_id))
                links[f"{table.name}.{foreign.parent.name}"] = sorted(ids)
    absences = session.execute(
        select(Absence.id, Absence.reported_by_guardian_ids).where(
            Absence.child_id.in_(subject.child_ids)
        )
    )
    links[REPORTED_BY] = sorted(i for i, reporters in absences if guardian_id in reporters)
    for key in AUDIT_LINKS:
        column = _table("audit_log").c[key.split(".")[1]]
        by_or_about = select(AuditLog.id).where(column == f"guardian:{guardian_id}")
        links[key] = sorted(session.scalars(by_or_about))
    return links


def _drop_link_codes(session: Session, setting_id: int, guardian_id: int) -> None:
    """Telegram link codes issued for them stop working."""
    setting = session.get_one(Setting, setting_id)
    codes = setting.options.get("link_codes", {})
    left = {k: v for k, v in codes.items() if v.get("guardian_id") != guardian_id}
    if left != codes:
        setting.options = {**setting.options, "link_codes": left}


def roster_mentions(session: Session, subject: Subject) -> list[str]:
    """Where the setting folder still lists them (re-imported, so not erased here)."""
    lines = []
    contacts = session.execute(
        select(EmergencyContact.name, Child.first_name, Child.last_name)
        .join(Child, Child.id == EmergencyContact.child_id)
        .where(
            Child.setting_id == subject.setting_id,
            EmergencyContact.phone.in_(subject.phones) | EmergencyContact.name.in_(subject.names),
        )
    )
    lines += [
        f"emergency_contacts.csv: {name}, contact for {first} {last}"
        for name, first, last in contacts
    ]
    for child in session.scalars(select(Child).where(Child.setting_id == subject.setting_id)):
        if subject.names & set(child.authorised_collectors):
            lines.append(f"children.csv: an authorised collector of {child.display_name}")
    staff = session.scalars(
        select(Staff.name).where(
            Staff.setting_id == subject.setting_id, Staff.phone.in_(subject.phones)
        )
    )
    lines += [f"staff.csv: {name} has the same phone" for name in staff]
    return lines


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def deleted_rows(session: Session, statement: Delete) -> int:
    """Run a DELETE; how many rows it deleted."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
