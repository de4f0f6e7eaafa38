"""The manager's parents' evening commands, decided: plan (a preview kept as a draft, with Send and
Cancel), send (the poll to every guardian in scope), cancel. Only managers; deciding here, writing
in bot/recording/evenings.py."""

from __future__ import annotations

from collections import Counter

from bot.db.models import ParentsEvening
from bot.evenings.command import EveningError, parse_evening
from bot.evenings.effects import AskPoll, CancelEvening, CreateEvening, SendEvening
from bot.evenings.grid import grid_for, windows_for
from bot.evenings.progress import poll_progress
from bot.evenings.scope import evening_spec, in_scope, poll_options, poll_question
from bot.flows.dates import short_date
from bot.staff.request import StaffRequest, StaffStep
from bot.staff.roles import MANAGER

DRAFT, POLLING, SCHEDULED, CANCELLED = "draft", "polling", "scheduled", "cancelled"


def plan(request: StaffRequest, text: str) -> StaffStep:
    """The preview of the evening the command asks for, kept as a draft; nothing is sent."""
    if not request.staff.has_role(MANAGER):
        return StaffStep.say(request, "evening.managers_only")
    spec = parse_evening(text, request.now.date())
    if isinstance(spec, EveningError):
        return StaffStep.say(request, "evening.problem", problem=spec.problem)
    grid = grid_for(spec, request.setting.timezone)
    windows = windows_for(spec, grid)
    families = in_scope(request.session, request.setting, spec.rooms)
    needed: Counter[str] = Counter()
    seen: set[int] = set()
    for _, children in families:
        for child in children:
            if child.id not in seen and child.key_person is not None:
                seen.add(child.id)
                needed[child.key_person.name] += 1
    open_slots = len(grid.slots) - len(grid.breaks)
    per_staff = ", ".join(f"{name} {count}/{open_slots}" for name, count in sorted(needed.items()))
    households = {frozenset(c.id for c in children) for _, children in families}
    preview = request.say(
        "evening.preview",
        id="{id}",
        dates=", ".join(short_date(day, "en") for day in spec.dates),
        hours=f"{spec.start:%H:%M}-{spec.end:%H:%M}",
        minutes=spec.slot_minutes,
        reply_by=short_date(spec.reply_by, "en"),
        families=len(households),
        guardians=len(families),
        per_staff=per_staff or "none",
        windows="; ".join(window.label("en") for window in windows),
    )
    warnings = [
        request.say("evening.short", staff=name, needed=count, slots=open_slots)
        for name, count in sorted(needed.items())
        if count > open_slots
    ]
    return StaffStep((), (CreateEvening(spec.to_json(), "\n".join([preview, *warnings])),))


def send(request: StaffRequest, evening_id: int) -> StaffStep:
    """The poll to every guardian in scope, each in their language, on their channel."""
    if not request.staff.has_role(MANAGER):
        return StaffStep.say(request, "evening.managers_only")
    evening = request.session.get(ParentsEvening, evening_id)
    if evening is None or evening.setting_id != request.setting.id or evening.status != DRAFT:
        return StaffStep.say(request, "evening.unknown", id=evening_id)
    spec = evening_spec(evening)
    windows = windows_for(spec, grid_for(spec, request.setting.timezone))
    asks = []
    for guardian, children in in_scope(request.session, request.setting, spec.rooms):
        language = guardian.language if guardian.language in request.catalog.languages else "en"
        question, labels = poll_question(
            request.catalog,
            language,
            request.setting.name,
            [child.display_name for child in children],
            spec.reply_by,
            windows,
            evening.id,
        )
        asks.append(AskPoll(guardian.id, tuple(c.id for c in children), question, labels))
    report = request.say(
        "evening.sent", id=evening.id, count=len(asks), reply_by=short_date(spec.reply_by, "en")
    )
    effect = SendEvening(evening.id, poll_options(windows), tuple(asks), report, request.now)
    return StaffStep((), (effect,))


def cancel(request: StaffRequest, evening_id: int) -> StaffStep:
    """Drop a draft evening."""
    if not request.staff.has_role(MANAGER):
        return StaffStep.say(request, "evening.managers_only")
    evening = request.session.get(ParentsEvening, evening_id)
    if evening is None or evening.setting_id != request.setting.id or evening.status != DRAFT:
        return StaffStep.say(request, "evening.unknown", id=evening_id)
    return StaffStep.say(request, "evening.cancelled", CancelEvening(evening_id), id=evening_id)


def status(request: StaffRequest, evening_id: int) -> StaffStep:
    """Who has not answered the evening's poll yet (any member of staff may ask)."""
    evening = request.session.get(ParentsEvening, evening_id)
    if evening is None or evening.setting_id != request.setting.id or evening.poll_id is None:
        return StaffStep.say(request, "evening.unknown", id=evening_id)
    waiting = poll_progress(request.session, evening).waiting
    names = ", ".join(waiting) or "none"
    return StaffStep.say(
        request, "evening.not_answered", id=evening.id, count=len(waiting), names=names
    )
