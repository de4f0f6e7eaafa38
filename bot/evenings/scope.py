"""What a parents' evening reads from the database: the families in scope, the poll each guardian
gets, and the answers as the solver takes them. Reading only; bot/recording/evenings.py writes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    Child,
    Guardian,
    GuardianChild,
    ParentsEvening,
    PollAnswer,
    PollOption,
    PollRecipient,
    Room,
    Setting,
)
from bot.evenings.command import EveningSpec
from bot.evenings.grid import NONE, REMOTE, Window, window_slots
from bot.evenings.parties import Asked
from bot.flows.dates import short_date
from bot.i18n.catalog import Catalog
from bot.types import Choice, Reply

PREF = "evening:pref:"


def in_scope(
    session: Session, setting: Setting, rooms: tuple[str, ...]
) -> list[tuple[Guardian, list[Child]]]:
    """Each guardian with their children in the evening's rooms (every room when none is named)
    who have a key person, in a stable order."""
    query = select(Child).where(Child.setting_id == setting.id, Child.key_person_id.is_not(None))
    if rooms:
        wanted = [name.casefold() for name in rooms]
        room_ids = [
            r.id
            for r in session.scalars(select(Room).where(Room.setting_id == setting.id))
            if r.name.casefold() in wanted
        ]
        query = query.where(Child.room_id.in_(room_ids))
    children = {child.id: child for child in session.scalars(query.order_by(Child.id))}
    links = session.execute(
        select(GuardianChild.guardian_id, GuardianChild.child_id).where(
            GuardianChild.child_id.in_(list(children))
        )
    ).all()
    theirs: dict[int, list[Child]] = {}
    for guardian_id, child_id in links:
        theirs.setdefault(guardian_id, []).append(children[child_id])
    guardians = session.scalars(
        select(Guardian).where(Guardian.id.in_(list(theirs))).order_by(Guardian.id)
    )
    return [(g, sorted(theirs[g.id], key=lambda c: c.id)) for g in guardians]


def names_list(catalog: Catalog, language: str, names: list[str]) -> str:
    """ "Maya", "Maya and Leo", "Maya, Leo and Ella" in the reader's language."""
    if len(names) == 1:
        return names[0]
    return catalog.text("list.and", language, items=", ".join(names[:-1]), last=names[-1])


def poll_question(
    catalog: Catalog,
    language: str,
    setting: str,
    children: list[str],
    reply_by: date,
    windows: list[Window],
    evening_id: int,
) -> tuple[Reply, tuple[str, ...]]:
    """The poll as one guardian reads it: the windows, "None of these times", "By phone or video
    instead", each a choice `evening:pref:<evening>:<n>`; and the option labels in order."""
    labels = (
        *(window.label(language) for window in windows),
        catalog.text("evening.none", language),
        catalog.text("evening.remote", language),
    )
    text = catalog.text(
        "evening.poll",
        language,
        setting=setting,
        children=names_list(catalog, language, children),
        reply_by=short_date(reply_by, language),
    )
    choices = tuple(Choice(f"{PREF}{evening_id}:{n}", label) for n, label in enumerate(labels, 1))
    return Reply(text, choices), labels


def poll_options(windows: list[Window]) -> tuple[tuple[str, str], ...]:
    """The poll's options as stored: value and English label."""
    return (
        *((window.value, window.label("en")) for window in windows),
        (NONE, "None of these times"),
        (REMOTE, "By phone or video instead"),
    )


def answers(session: Session, evening: ParentsEvening, windows: list[Window]) -> list[Asked]:
    """Every guardian asked, with their children's key persons and their answer."""
    assert evening.poll_id is not None
    recipients = session.scalars(
        select(PollRecipient)
        .where(PollRecipient.poll_id == evening.poll_id)
        .order_by(PollRecipient.guardian_id)
    ).all()
    chosen: dict[int, list[str]] = {}
    for guardian_id, value in session.execute(
        select(PollAnswer.guardian_id, PollOption.value)
        .join(PollOption, PollOption.id == PollAnswer.option_id)
        .where(PollAnswer.poll_id == evening.poll_id)
    ):
        chosen.setdefault(guardian_id, []).append(value)
    rows = session.execute(
        select(Child.id, Child.key_person_id).where(
            Child.id.in_([c for r in recipients for c in r.child_ids])
        )
    ).all()
    staff_of = {child_id: staff_id for child_id, staff_id in rows}
    asked = []
    for recipient in recipients:
        values = chosen.get(recipient.guardian_id)
        children: dict[int, int] = {}
        for child_id in recipient.child_ids:
            staff_id = staff_of.get(child_id)
            if staff_id is not None:
                children[child_id] = staff_id
        slots: frozenset[int] | None = None
        if recipient.answered_at is not None:
            slots = window_slots(windows, values or []) or frozenset()
        asked.append(Asked(recipient.guardian_id, children, slots, REMOTE in (values or [])))
    return asked


def evening_spec(evening: ParentsEvening) -> EveningSpec:
    """The evening's parsed command."""
    return EveningSpec.from_json(evening.spec)


def slot_line(
    catalog: Catalog,
    language: str,
    start: datetime,
    end: datetime,
    mode: str,
    staff: str,
    children: list[str],
) -> str:
    """ "Tue 8 Dec 15:30-15:40 with Jess Hughes about Maya" in the reader's language (start and
    end in the setting's zone)."""
    when = f"{short_date(start.date(), language)} {start:%H:%M}-{end:%H:%M}"
    if mode == "phone":
        when += f" ({catalog.text('evening.by_phone', language)})"
    names = names_list(catalog, language, children)
    return catalog.text("evening.slot", language, when=when, staff=staff, children=names)
