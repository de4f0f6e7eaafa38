"""The web chat channel: a page served by the app, same core path as every other channel.

In demo mode the page lets you pick any demo parent or member of staff. Without demo mode the web
chat is off: it has no login of its own, so it must not let anyone speak as a roster phone number.
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from babel.lists import format_list
from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from starlette.concurrency import run_in_threadpool

from bot.db.models import Guardian, Staff
from bot.db.session import transaction
from bot.i18n.names import parent_catalog
from bot.i18n.staff_view import language_name
from bot.outbound.outbox import mark_shown, take_pending
from bot.pipeline.engine import Engine
from bot.types import ButtonStyle, ChannelCapabilities, InboundMessage, Reply
from channels.client_limit import ClientRateLimit
from channels.limits import (
    LONE_SURROGATE,
    WEBCHAT_BODY_LIMIT,
    WEBCHAT_TEXT_LIMIT,
    clean_text,
)

CHANNEL = "webchat"
CAPABILITIES = ChannelCapabilities(
    name=CHANNEL, max_text_length=4000, buttons=ButtonStyle.INLINE, max_buttons=12
)
PAGE = Path(__file__).with_name("webchat.html")
ICON = Path(__file__).with_name("favicon.ico")  # 16 and 32 px PNGs: a speech bubble
STRANGER = "+447700900999"  # a drama-range number on no roster: the unknown-sender demo
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


def render(reply: Reply) -> dict[str, object]:
    """A reply as the page draws it: text plus buttons."""
    return {
        "text": reply.text,
        "choices": [{"id": choice.id, "label": choice.label} for choice in reply.choices],
    }


def build_router(engine: Engine) -> APIRouter:
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
        return {"people": demo_people(engine)}

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
        result = await run_in_threadpool(engine.receive, inbound)
        if result is None:
            return {"replies": []}
        await run_in_threadpool(_mark_shown, engine, result.inbound_id)
        return {
            "intent": result.intent,
            "language": result.language,
            "replies": [render(reply) for reply in result.replies],
        }

    @router.get("/api/inbox")
    async def inbox(sender: Annotated[Keepable, Query()]) -> dict[str, object]:
        return {"messages": await run_in_threadpool(_take_inbox, engine, sender)}

    return router


def demo_people(engine: Engine) -> list[dict[str, str]]:
    """Everyone the demo page can speak as, labelled so you can tell who is who: guardians family
    by family in roster order (relationship, children, language), staff with a phone (role, room),
    and a stranger. `group` is the heading the page lists them under."""
    with engine.sessions() as session:
        guardians = session.scalars(
            select(Guardian)
            .where(Guardian.setting_id == engine.setting_id)
            .options(selectinload(Guardian.children))
        ).all()
        staff = session.scalars(
            select(Staff)
            .where(Staff.setting_id == engine.setting_id, Staff.phone.is_not(None))
            .options(selectinload(Staff.room))
            .order_by(Staff.name)
        )
        return [
            *(
                {"phone": g.phone, "label": _guardian_label(g), "group": "Parents"}
                for g in sorted(guardians, key=_family_order)
            ),
            *({"phone": s.phone or "", "label": _staff_label(s), "group": "Staff"} for s in staff),
            {"phone": STRANGER, "label": "Someone not on the roster", "group": "Not on the roster"},
        ]


def _family_order(guardian: Guardian) -> tuple[float, int]:
    """A family's guardians together, families in roster order (children are ordered by id)."""
    return (guardian.children[0].id if guardian.children else math.inf, guardian.id)


def _guardian_label(guardian: Guardian) -> str:
    """'Sarah Thompson — mother of Maya and Leo (English)'."""
    relationship = guardian.relationship_to_child or "guardian"
    names = [child.known_as or child.first_name for child in guardian.children]
    whose = f" of {format_list(names, locale='en')}" if names else ""
    language = language_name(guardian.language, parent_catalog())
    return f"{guardian.name} — {relationship}{whose} ({language})"


def _staff_label(member: Staff) -> str:
    """'Jess Hughes — key person, Saplings room'; 'Priya Shah — manager, safeguarding lead'."""
    room = f", {member.room.name} room" if member.room else ""
    roles = ", ".join(role.replace("_", " ") for role in member.roles)
    return f"{member.name} — {roles}{room}"


def _mark_shown(engine: Engine, inbound_id: int) -> None:
    with transaction(engine.sessions) as session:
        mark_shown(session, inbound_id, CHANNEL)


def _take_inbox(engine: Engine, sender: str) -> list[dict[str, object]]:
    with transaction(engine.sessions) as session:
        return [
            {"kind": row.kind, "text": row.text, "choices": row.choices}
            for row in take_pending(session, CHANNEL, sender)
        ]
