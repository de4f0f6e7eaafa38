"""The web chat channel: a page served by the app, same core path as every other channel.

In demo mode the page lets you pick any demo parent or member of staff. Without demo mode the web
chat is off: it has no login of its own, so it must not let anyone speak as a roster phone number.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import AfterValidator, BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bot.outbound.render import render
from bot.service import CoreService
from bot.types import ChannelCapabilities, InboundMessage, Reply
from channels.client_limit import ClientRateLimit
from channels.limits import (
    LONE_SURROGATE,
    WEBCHAT_BODY_LIMIT,
    WEBCHAT_TEXT_LIMIT,
    clean_text,
)

CHANNEL = "webchat"
# The page wraps long labels onto more lines; past a dozen buttons, or 100 characters on one, a
# numbered list reads better.
CAPABILITIES = ChannelCapabilities(max_text_length=4096, max_buttons=12, max_button_label=100)
PAGE = Path(__file__).with_name("webchat.html")
ICON = Path(__file__).with_name("favicon.ico")  # 16 and 32 px PNGs: a speech bubble
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
BURST, PER_SECOND = 20, 2.0  # each client address: 20 requests at once, then 2 a second


def _keepable(value: str) -> str:
    """An id the database can hold: no control characters (PostgreSQL text holds no NUL) and
    no lone surrogate (UTF-8 holds none; JSON's "\\ud800" makes one)."""
    if CONTROL.search(value) or LONE_SURROGATE.search(value):
        raise ValueError("control characters or a lone surrogate")
    return value


Keepable = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_keepable)]


class OutgoingMessage(BaseModel):
    """What the page posts: who it speaks as, and the text or the tapped choice."""

    sender: Keepable
    text: str = ""  # over 4,096 characters: kept cut to that (the body is capped at 64 KiB)
    choice_id: Keepable | None = None


def shown(reply: Reply) -> dict[str, object]:
    """A reply as the page draws it: text (with any numbered list) and buttons."""
    rendered = render(reply, CAPABILITIES)
    return {
        "text": rendered.body,
        "choices": [{"id": choice.id, "label": choice.label} for choice in rendered.buttons],
    }


def build_router(core: CoreService) -> APIRouter:
    """Routes for the demo web chat: the page, its icon, the people list, sending, the inbox.
    Bodies are capped at 64 KiB and each client address is rate-limited."""
    limit = ClientRateLimit(BURST, PER_SECOND)
    router = APIRouter(max_body_size=WEBCHAT_BODY_LIMIT, dependencies=[Depends(limit)])

    @router.get("/", response_class=HTMLResponse)
    def page() -> str:
        return PAGE.read_text(encoding="utf-8")

    @router.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(ICON, media_type="image/x-icon")

    @router.get("/api/people")
    def people() -> dict[str, list[dict[str, str]]]:
        return {"people": core.demo_people()}

    @router.post("/api/messages")
    async def send(message: OutgoingMessage) -> dict[str, object]:
        if not message.text.strip() and not message.choice_id:
            raise HTTPException(422, "write a message or pick a choice")
        message_id = f"web-{uuid.uuid4()}"
        inbound = InboundMessage(
            channel=CHANNEL,
            sender_id=message.sender,
            text=clean_text(message.text, WEBCHAT_TEXT_LIMIT, f"web chat message {message_id}"),
            provider_message_id=message_id,
            received_at=datetime.now(UTC),
            choice_id=message.choice_id,
        )
        answered = await run_in_threadpool(core.answer, inbound)
        if answered is None:
            return {"replies": []}
        return {
            "intent": answered.intent,
            "language": answered.language,
            "replies": [shown(reply) for reply in answered.replies],
        }

    @router.get("/api/inbox")
    async def inbox(sender: Annotated[Keepable, Query()]) -> dict[str, object]:
        waiting = await run_in_threadpool(core.take_inbox, CHANNEL, sender)
        return {"messages": [{"kind": m.kind, **shown(m.reply)} for m in waiting]}

    return router
