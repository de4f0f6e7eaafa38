"""The Broadcasts screen: compose one (room, an optional WHEN, the text) and see its preview,
send or drop it, the scheduled list with cancel, and each broadcast's status per family. Every
change is the chat's own broadcast command (`StaffActions`), so the rule on who may send to
whom is the chat's: managers; key persons to their own room when the setting allows it."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from bot.db.models import SCHEDULED, Room
from bot.staff.access import Action
from bot.staff.broadcasts import latest_draft
from bot.staff.broadcasts_view import (
    BroadcastStatus,
    broadcast_status,
    may_broadcast,
    may_see,
    own_room,
    visible_broadcasts,
)
from bot.staff.roles import MANAGER
from parentbot.dashboard.actions import StaffActions
from parentbot.dashboard.auth import Signed, SignedInPage, audited_view, page_values, refuse
from parentbot.dashboard.context import Dashboard, dashboard_of
from parentbot.dashboard.routes_today import done

SUBJECT = "dashboard:broadcasts"
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form(min_length=1, max_length=1600)]
Short = Annotated[str, Form(max_length=80)]
_NOT_A_TIME_COLON = re.compile(r"(?<!\d):|:(?!\d)")


def add_routes(router: APIRouter) -> None:
    """Add this module's routes to the dashboard's router."""
    router.add_api_route(
        "/broadcasts", broadcasts_page, methods=["GET"], response_class=HTMLResponse
    )
    router.add_api_route(
        "/broadcasts/{broadcast_id}", status_page, methods=["GET"], response_class=HTMLResponse
    )
    router.add_api_route("/broadcasts/compose", compose, methods=["POST"])
    router.add_api_route("/broadcasts/draft/{choice}", decide, methods=["POST"])
    router.add_api_route("/broadcasts/{broadcast_id}/cancel", cancel, methods=["POST"])


def _plain(words: str) -> str:
    """A room or a WHEN without a colon that could end it early ("9:00" keeps its own)."""
    return _NOT_A_TIME_COLON.sub(" ", words).strip()


def _allowed(dashboard: Dashboard, signed: Signed, subject: str) -> None:
    """Go on only for those the chat lets broadcast (refusals audited, answered 404)."""
    with dashboard.reading() as session:
        allowed = may_broadcast(signed.viewer, dashboard.setting(session))
    if not allowed:
        refuse(dashboard, signed, Action.BROADCAST, subject)


def broadcasts_page(request: Request, signed: SignedInPage) -> Response:
    dashboard = dashboard_of(request)
    _allowed(dashboard, signed, SUBJECT)
    audited_view(dashboard, signed, SUBJECT)
    with dashboard.reading() as session:
        setting = dashboard.setting(session)
        rows = visible_broadcasts(session, setting, signed.viewer)
        manager = signed.viewer.holds(MANAGER)
        rooms = (
            list(session.scalars(select(Room.name).where(Room.setting_id == setting.id)))
            if manager
            else [own_room(session, signed.viewer) or ""]
        )
        draft = latest_draft(session, signed.viewer.staff_id)
        zone = dashboard.zone(setting)
    values = page_values(
        dashboard,
        signed,
        "broadcasts",
        scheduled=[row for row in rows if row.status == SCHEDULED],
        others=[row for row in rows if row.status != SCHEDULED],
        rooms=rooms,
        everyone=manager,
        draft=draft,
        zone=zone,
    )
    return dashboard.render(request, "broadcasts.html", **values)


def _status(dashboard: Dashboard, signed: Signed, broadcast_id: int) -> BroadcastStatus:
    """The broadcast and its families, if the viewer may see it; else 404 (audited)."""
    subject = f"broadcast:{broadcast_id}"
    _allowed(dashboard, signed, subject)
    with dashboard.reading() as session:
        try:
            found = broadcast_status(session, dashboard.engine.setting_id, broadcast_id)
        except LookupError:
            found = None
        room = own_room(session, signed.viewer)
    if found is None or not may_see(signed.viewer, found.broadcast, room):
        refuse(dashboard, signed, Action.BROADCAST, subject)
    return found


def status_page(request: Request, signed: SignedInPage, broadcast_id: Id) -> Response:
    """One broadcast's status per family (what `parentbot broadcast-status` prints)."""
    dashboard = dashboard_of(request)
    found = _status(dashboard, signed, broadcast_id)
    audited_view(dashboard, signed, f"broadcast:{broadcast_id}")
    values = page_values(dashboard, signed, "broadcasts", found=found)
    return dashboard.render(request, "broadcast.html", **values)


def compose(
    request: Request, signed: SignedInPage, text: Text, room: Short = "", when: Short = ""
) -> Response:
    """The preview, as the chat's `broadcast to ROOM WHEN: TEXT` answers it."""
    dashboard = dashboard_of(request)
    _allowed(dashboard, signed, SUBJECT)
    note = StaffActions(dashboard).broadcast(
        signed.viewer.staff_id, _plain(room), _plain(when), text.strip()
    )
    return done(dashboard, note, "", to="/broadcasts")


def decide(request: Request, signed: SignedInPage, choice: Literal["send", "cancel"]) -> Response:
    """The preview's Send or Cancel (`broadcast:send` / `broadcast:cancel`)."""
    dashboard = dashboard_of(request)
    _allowed(dashboard, signed, SUBJECT)
    note = StaffActions(dashboard).broadcast_choice(signed.viewer.staff_id, choice)
    return done(dashboard, note, "", to="/broadcasts")


def cancel(request: Request, signed: SignedInPage, broadcast_id: Id) -> Response:
    """Cancel a scheduled broadcast or reminder ("cancel B12")."""
    dashboard = dashboard_of(request)
    _status(dashboard, signed, broadcast_id)
    note = StaffActions(dashboard).cancel_scheduled(signed.viewer.staff_id, broadcast_id)
    return done(dashboard, note, "", to="/broadcasts")
