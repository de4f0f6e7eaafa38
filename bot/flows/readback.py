"""Read-backs in the parent's language: the parsed notice said back with names and dates."""

from __future__ import annotations

from datetime import date

from bot.flows.dates import short_date
from bot.flows.turn import Turn


def when(turn: Turn, start: date, end: date) -> str:
    """`today, Mon 23 Nov`, `tomorrow, Tue 24 Nov`, `Thu 26 Nov` or a range."""
    language = turn.language
    if start != end:
        return turn.say(
            "when.range", start=short_date(start, language), end=short_date(end, language)
        )
    if start == turn.today:
        return turn.say("when.today", date=short_date(start, language))
    if (start - turn.today).days == 1:
        return turn.say("when.tomorrow", date=short_date(start, language))
    return turn.say("when.day", date=short_date(start, language))


def child_names(turn: Turn, child_ids: tuple[int, ...]) -> str:
    """`Maya`, `Maya and Leo`, `Maya, Leo and Isla` in the reply language."""
    names = [child.name for child_id in child_ids if (child := turn.sender.child(child_id))]
    if len(names) <= 1:
        return "".join(names)
    return turn.say("list.and", items=", ".join(names[:-1]), last=names[-1])


def absence(
    turn: Turn,
    child_ids: tuple[int, ...],
    days: list[date],
    reason: str | None,
    symptoms: tuple[str, ...],
) -> str:
    """`Thanks Sarah. Maya is marked absent today, Mon 23 Nov (temperature).`"""
    key = "absence.readback_one" if len(child_ids) == 1 else "absence.readback_many"
    text = turn.say(
        key,
        name=turn.sender.first_name,
        children=child_names(turn, child_ids),
        when=when(turn, days[0], days[-1]),
        why=_why(turn, reason, symptoms),
    )
    if len(days) > 1:
        text += " " + turn.say("absence.open_days", count=len(days))
    return text


def collection(
    turn: Turn,
    child_ids: tuple[int, ...],
    day: date,
    collector_name: str | None,
    relationship: str | None,
    time: str | None,
    minutes_late: int | None,
) -> str:
    """Who collects which children when, and whether staff will check ID."""
    children = child_names(turn, child_ids)
    if minutes_late is not None:
        return turn.say(
            "collection.late_readback",
            name=turn.sender.first_name,
            children=children,
            minutes=minutes_late,
        )
    collector = collector_label(turn, collector_name, relationship)
    at = turn.say("collection.at_time", time=time) if time else ""
    text = turn.say(
        "collection.readback",
        name=turn.sender.first_name,
        collector=collector,
        children=children,
        when=when(turn, day, day),
        at=at,
    )
    if not is_authorised(turn, child_ids, collector_name):
        key = (
            "collection.check_id_password"
            if turn.setting.options.get("collection_password")
            else "collection.check_id"
        )
        text += " " + turn.say(key, collector=collector)
    return text


def collector_label(turn: Turn, name: str | None, relationship: str | None) -> str:
    """`Halina (grandmother)`, `Sarah`, or `grandmother` in the reply language."""
    relation = _relationship(turn, relationship) if relationship else None
    if name and relation:
        return f"{name} ({relation})"
    return name or relation or ""


def is_authorised(turn: Turn, child_ids: tuple[int, ...], name: str | None) -> bool:
    """Whether a named collector is on every child's authorised list (first name or full name)."""
    if not name:
        return False
    wanted = name.casefold().split()
    for child_id in child_ids:
        child = turn.sender.child(child_id)
        listed = [
            entry.casefold().split() for entry in (child.authorised_collectors if child else ())
        ]
        if not any(entry[: len(wanted)] == wanted for entry in listed):
            return False
    return True


def _relationship(turn: Turn, relationship: str) -> str:
    key = f"relationship.{relationship}"
    return turn.say(key) if turn.catalog.has(key, "en") else relationship


def _why(turn: Turn, reason: str | None, symptoms: tuple[str, ...]) -> str:
    if symptoms:
        words = [
            turn.say(f"symptom.{s}") if turn.catalog.has(f"symptom.{s}", "en") else s
            for s in symptoms
        ]
        return f" ({', '.join(words)})"
    if reason and reason != "other":
        return f" ({turn.say(f'reason.{reason}')})"
    return ""
