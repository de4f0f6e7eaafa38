"""The terminal channel: `parentbot chat --as PHONE`, choices numbered as on SMS."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import typer

from bot.outbound.render import render
from bot.service import CoreService, phone_e164
from bot.types import ChannelCapabilities, InboundMessage

CAPABILITIES = ChannelCapabilities(max_text_length=10_000)  # no buttons: a numbered list


def run_terminal_chat(core: CoreService, phone: str) -> None:
    """Read lines from the terminal until end of input or `quit`, printing each reply."""
    try:
        sender = phone_e164(phone)
    except ValueError as problem:
        raise typer.BadParameter(str(problem)) from None
    typer.echo("Type a message (answer choices with their number); `quit` to leave.")
    while True:
        try:
            text = input("> ")
        except EOFError:
            return
        if text.strip().lower() in {"quit", "exit"}:
            return
        answered = core.answer(
            InboundMessage(
                channel="terminal",
                sender_id=sender,
                text=text,
                provider_message_id=f"terminal-{uuid.uuid4()}",
                received_at=datetime.now(UTC),
            )
        )
        for reply in answered.replies if answered else ():
            typer.echo(render(reply, CAPABILITIES).body)
