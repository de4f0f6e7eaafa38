"""Carrying out one staff command inside the turn's transaction. Staff never get parent flows.

StaffRequest and StaffOutcome live in bot.staff.request and are re-exported here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db.models import (
    Absence,
    Arrival,
    Child,
    CollectionChange,
    Guardian,
    Staff,
)
from bot.flows.dates import describe_days
from bot.outbound.outbox import enqueue_to, guardian_addresses
from bot.pipeline.outcome import record_row
from bot.staff.commands import (
    Acknowledge,
    Arrived,
    Broadcast,
    Register,
    ReplyToParent,
    match_children,
    parse,
)
from bot.staff.messages import broadcast_from_chat, reply_to_parent
from bot.staff.register import register_text
from bot.staff.request import StaffOutcome, StaffRequest
from bot.types import ChildRef, Reply

__all__ = ["StaffOutcome", "StaffRequest", "handle"]


def handle(request: StaffRequest) -> StaffOutcome:
    """Parse and carry out one staff command; anything not understood gets the staff help."""
    match parse(request.text):
        case Register():
            text = register_text(request.session, request.setting, request.now, request.say)
            request.audit("viewed", f"register:{request.now.date().isoformat()}")
            return StaffOutcome(Reply(text))
        case Arrived(names=names):
            return _arrived(request, names)
        case Acknowledge() as command:
            return _acknowledge(request, command)
        case ReplyToParent() as command:
            return reply_to_parent(request, command)
        case Broadcast(text=text):
            return broadcast_from_chat(request, text)
    return StaffOutcome(Reply(request.say("staff.help", name=request.staff.name.split()[0])))


def _arrived(request: StaffRequest, names: tuple[str, ...]) -> StaffOutcome:
    session, day = request.session, request.now.date()
    children = {
        child.id: child
        for child in session.scalars(
            select(Child).where(Child.setting_id == request.setting.id).order_by(Child.id)
        )
    }
    refs = [ChildRef(c.id, c.first_name, c.last_name, c.known_as) for c in children.values()]
    lines: list[str] = []
    marked: list[Child] = []
    for name in names:
        found = match_children(refs, name)
        if len(found) != 1:
            matches = " or ".join(ref.display_name for ref in found)
            key = "staff.ambiguous" if found else "staff.not_found"
            lines.append(request.say(key, name=name, matches=matches))
            continue
        child = children[found[0].id]
        note = _mark_in(request, child)
        if note is None:
            marked.append(child)
        else:
            lines.append(note)
    for child in marked:
        absence = session.scalar(
            select(Absence).where(
                Absence.child_id == child.id,
                Absence.status == "active",
                Absence.start <= day,
                Absence.end >= day,
            )
        )
        if absence is not None:
            lines.append(
                request.say("staff.was_absent", child=child.display_name, ref=f"A{absence.id}")
            )
    at = request.now.strftime("%H:%M")
    if marked:
        listed = ", ".join(child.display_name for child in marked)
        lines.insert(0, request.say("staff.arrived", time=at, children=listed))
    records = [record_row("arrival", marked, day, day, time=at, status="arrived")] if marked else []
    return StaffOutcome(Reply("\n".join(lines)), records)


def _mark_in(request: StaffRequest, child: Child) -> str | None:
    """Record the arrival; a note instead when the child was already marked in today."""
    session, day = request.session, request.now.date()
    existing = session.scalar(
        select(Arrival).where(Arrival.child_id == child.id, Arrival.on_date == day)
    )
    if existing is None:
        try:
            with session.begin_nested():
                arrival = Arrival(
                    child_id=child.id, on_date=day, at=request.now, staff_id=request.staff.id
                )
                session.add(arrival)
            request.audit("arrival_recorded", f"child:{child.id}", {"date": day.isoformat()})
            return None
        except IntegrityError:  # marked in by someone else a moment ago
            existing = session.scalar(
                select(Arrival).where(Arrival.child_id == child.id, Arrival.on_date == day)
            )
    assert existing is not None
    at = existing.at.astimezone(request.now.tzinfo).strftime("%H:%M")
    return request.say("staff.already_in", child=child.display_name, time=at)


def _acknowledge(request: StaffRequest, command: Acknowledge) -> StaffOutcome:
    session = request.session
    notice: Absence | CollectionChange | None = session.get(
        Absence if command.kind == "A" else CollectionChange, command.notice_id
    )
    child = session.get(Child, notice.child_id) if notice is not None else None
    if notice is None or child is None or child.setting_id != request.setting.id:
        return StaffOutcome(Reply(request.say("staff.ack_unknown", ref=command.ref)))
    if notice.acknowledged_by_staff_id is not None:
        seen_by = session.get(Staff, notice.acknowledged_by_staff_id)
        text = request.say(
            "staff.ack_already", ref=command.ref, staff=seen_by.name if seen_by else "?"
        )
        return StaffOutcome(Reply(text))
    notice.acknowledged_by_staff_id = request.staff.id
    kind = "absence" if isinstance(notice, Absence) else "collection_change"
    request.audit("notice_acknowledged", f"{kind}:{notice.id}")
    if isinstance(notice, Absence):
        start, end, guardian_ids = notice.start, notice.end, list(notice.reported_by_guardian_ids)
        summary_key = "staff.absence_summary"
    else:
        start = end = notice.on_date
        guardian_ids, summary_key = [notice.guardian_id], "staff.collection_summary"
    when = describe_days([start] if start == end else [start, end], "en")
    lines = [
        request.say(
            "staff.ack_done",
            ref=command.ref,
            summary=request.say(summary_key, child=child.display_name, when=when),
        )
    ]
    told = _tell_guardians(request, child, guardian_ids)
    if told:
        lines.append(request.say("staff.ack_told", guardians=" and ".join(told)))
    record = record_row(kind, [child], start, end, status="acknowledged", notice=command.ref)
    return StaffOutcome(Reply("\n".join(lines)), [record | {"told": told}])


def _tell_guardians(request: StaffRequest, child: Child, guardian_ids: list[int]) -> list[str]:
    """When the setting says so, tell each reporting guardian that staff have seen the notice."""
    if not request.setting.options.get("tell_parent_when_acknowledged"):
        return []
    session, catalog = request.session, request.catalog
    told = []
    for guardian in session.scalars(
        select(Guardian).where(Guardian.id.in_(guardian_ids)).order_by(Guardian.id)
    ):
        language = guardian.language if guardian.language in catalog.languages else "en"
        text = catalog.text(
            "ack.seen",
            language,
            staff=request.staff.name.split()[0],
            children=child.known_as or child.first_name,
        )
        address = guardian_addresses(session, [guardian], request.reach)[guardian.id]
        enqueue_to(
            session,
            request.reach,
            address,
            Reply(text),
            kind="acknowledgement",
            guardian_id=guardian.id,
        )
        told.append(guardian.name)
    return told
