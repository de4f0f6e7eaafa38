"""The terminal channel: `parentbot chat --as PHONE`, numbered choices like SMS."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import typer

from bot.db.session import transaction
from bot.outbound.outbox import mark_shown
from bot.pipeline.engine import Engine
from bot.roster.fields import FieldError, phone_e164
from bot.types import ButtonStyle, ChannelCapabilities, InboundMessage, Reply

CAPABILITIES = ChannelCapabilities(
    name="terminal", max_text_length=10_000, buttons=ButtonStyle.NUMBERED, max_buttons=10
)


def render(reply: Reply) -> str:
    """Reply text followed by a numbered list of its choices."""
    lines = [reply.text]
    lines += [f"  {number}. {choice.label}" for number, choice in enumerate(reply.choices, 1)]
    return "\n".join(lines)


def run_terminal_chat(engine: Engine, phone: str) -> None:
    """Read lines from the terminal until end of input or `quit`, printing each reply."""
    try:
        sender = phone_e164(phone)
    except FieldError as problem:
        raise typer.BadParameter(str(problem)) from None
    typer.echo("Type a message (answer choices with their number); `quit` to leave.")
    while True:
        try:
            text = input("> ")
        except EOFError:
            return
        if text.strip().lower() in {"quit", "exit"}:
            return
        result = engine.receive(
            InboundMessage(
                channel="terminal",
                sender_id=sender,
                text=text,
                provider_message_id=f"terminal-{uuid.uuid4()}",
                received_at=datetime.now(UTC),
            )
        )
        if result is None:
            continue
        with transaction(engine.sessions) as session:
            mark_shown(session, result.inbound_id, "terminal")
        for reply in result.replies:
            typer.echo(render(reply))
