"""`parentbot simulate`: JSON lines in, exactly one JSON line out per input. A stable contract."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.jobs.job import JobResult
from bot.jobs.registry import JOBS, run_job
from bot.pipeline.engine import Engine
from bot.pipeline.outcome import TurnResult
from bot.roster.fields import FieldError, phone_e164
from bot.types import InboundMessage

CHANNELS = ("sms", "whatsapp", "telegram", "webchat", "terminal")


class BadLine(ValueError):
    """An input line that cannot be handled; its message goes back as {"error": ...}."""


@dataclass
class SimClock:
    """simulate's clock: fixed (--now, then each tick) or real time."""

    fixed: datetime | None = None

    def __call__(self) -> datetime:
        return self.fixed or datetime.now(UTC)


def run(engine: Engine, lines: Iterable[str], clock: Callable[[], datetime]) -> Iterator[str]:
    """Handle each input line; yield one output JSON line for each."""
    for line in lines:
        if not line.strip():
            continue
        try:
            output = handle_line(engine, line, clock)
        except BadLine as problem:
            output = {"error": str(problem)}
        yield json.dumps(output, ensure_ascii=False)


def handle_line(engine: Engine, line: str, clock: Callable[[], datetime]) -> dict[str, Any]:
    """One input object -> one turn (or one tick) -> the documented output object."""
    tick = _tick_value(line)
    if tick is not None:
        return run_tick(engine, tick)
    message = parse_line(line, clock)
    if message.raw.get("fresh"):
        engine.forget_pending(message.channel, message.sender_id)
    result = engine.receive(message)
    if result is None:  # a duplicate id cannot happen with generated ids; kept explicit
        raise BadLine("duplicate message")
    return to_output(result)


def run_tick(engine: Engine, value: object) -> dict[str, Any]:
    """Move the clock to `value` and run every scheduled job due by then, as a scheduler catching
    up would: a daily job whose time today has come and that has not run today, a polling job at
    each tick (bot/jobs/registry.py). `jobs` lists the runs that did or reported anything."""
    clock = engine.clock
    if not isinstance(clock, SimClock):
        raise BadLine("tick lines need simulate's clock")
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError as problem:
        raise BadLine(f'"tick" {value!r} is not an ISO 8601 date-time') from problem
    if at.tzinfo is None:
        raise BadLine('"tick" needs a UTC offset, e.g. 2026-11-23T09:30:00+00:00')
    clock.fixed = at.astimezone(UTC)
    output: dict[str, Any] = {"tick": at.isoformat(), "jobs": [], **JobResult().report()}
    for job in JOBS:
        result = run_job(
            engine.sessions,
            engine.setting_id,
            job,
            clock.fixed,
            engine.reach,
            catalog=engine.catalog,
            staff_catalog=engine.staff_catalog,
        )
        if result is None or not result.did_anything:
            continue
        output["jobs"].append(job.name)
        for key, values in result.report().items():
            output[key] += values
    return output


def _tick_value(line: str) -> object | None:
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    return data.get("tick") if isinstance(data, dict) else None


def parse_line(line: str, clock: Callable[[], datetime]) -> InboundMessage:
    """Validate one input line into an InboundMessage."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as problem:
        raise BadLine(f"not JSON: {problem.msg} at column {problem.colno}") from problem
    if not isinstance(data, dict):
        raise BadLine("each line must be a JSON object")
    sender, text = data.get("from"), data.get("text", "")
    channel = data.get("channel", "sms")
    if not isinstance(sender, str) or not sender:
        raise BadLine('"from" is required: a phone number or "telegram:<user id>"')
    if not isinstance(text, str):
        raise BadLine('"text" must be a string')
    if channel not in CHANNELS:
        raise BadLine(f'"channel" must be one of {", ".join(CHANNELS)}')
    channel, external_id = _address(sender, channel)
    return InboundMessage(
        channel=channel,
        sender_id=external_id,
        text=text,
        provider_message_id=f"sim-{uuid.uuid4()}",
        received_at=clock(),
        choice_id=data.get("choice") if isinstance(data.get("choice"), str) else None,
        raw={"fresh": bool(data.get("fresh", False))},
    )


def _address(sender: str, channel: str) -> tuple[str, str]:
    if sender.startswith("telegram:"):
        user_id = sender.removeprefix("telegram:")
        if not user_id.isdigit():
            raise BadLine('"from" telegram:<user id> needs a numeric id')
        return "telegram", user_id
    try:
        return channel, phone_e164(sender)
    except FieldError as problem:
        raise BadLine(f'"from": {problem}') from problem


def to_output(result: TurnResult) -> dict[str, Any]:
    """The documented output shape (fields are only ever added, never renamed)."""
    return {
        "intent": result.intent,
        "language": result.language,
        "replies": [
            {
                "text": reply.text,
                "choices": [choice.label for choice in reply.choices],
                "choice_ids": [choice.id for choice in reply.choices],
            }
            for reply in result.replies
        ],
        "handoff": result.handoff,
        "sources": result.sources,
        "records": result.records,
        "staff_notifications": result.staff_notifications,
        "messages": result.messages,
    }
