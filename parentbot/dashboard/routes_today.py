"""Today (the register: expected, in, absent with reasons, collection changes and lateness, not
yet seen), marking children in, acknowledging notices, and a child's own page."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.db.models import Absence, Child, CollectionChange
from bot.staff.access import Action, ChildFacts
from bot.staff.dashboard_views import child_page, today
from parentbot.dashboard.actions import StaffActions
from parentbot.dashboard.auth import (
    NotAllowed,
    Signed,
    SignedInData,
    SignedInPage,
    audited_view,
    page_values,
    require,
)
from parentbot.dashboard.context import PREFIX, Dashboard, dashboard_of, dashboard_path

NOTICE_REF = re.compile(r"^([AC])(\d{1,9})$")
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Back = Annotated[str, Form(max_length=300)]  # the page the form was on


def add_routes(router: APIRouter) -> None:
    """Add this module's routes to the dashboard's router."""
    router.add_api_route("/", today_page, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route("/api/today", today_panel, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(
        "/children/{child_id}", child, methods=["GET"], response_class=HTMLResponse
    )
    router.add_api_route("/children/{child_id}/arrived", mark_in, methods=["POST"])
    router.add_api_route("/notices/{ref}/acknowledge", acknowledge, methods=["POST"])


def _today(request: Request, dashboard: Dashboard, signed: Signed, template: str) -> Response:
    with dashboard.reading() as session:
        setting = dashboard.setting(session)
        register = today(session, setting, dashboard.today(setting), signed.viewer)
    values = page_values(dashboard, signed, "today", today=register, zone=dashboard.zone(setting))
    return dashboard.render(request, template, **values)


def today_page(request: Request, signed: SignedInPage) -> Response:
    dashboard = dashboard_of(request)
    require(dashboard, signed, Action.VIEW_TODAY, None, "dashboard:today")
    audited_view(dashboard, signed, "dashboard:today")
    return _today(request, dashboard, signed, "today.html")


def today_panel(request: Request, signed: SignedInData) -> Response:
    """The register alone, for the open page to swap in when something changed."""
    dashboard = dashboard_of(request)
    require(dashboard, signed, Action.VIEW_TODAY, None, "dashboard:today")
    return _today(request, dashboard, signed, "today_panel.html")


def child(request: Request, signed: SignedInPage, child_id: Id) -> Response:
    dashboard = dashboard_of(request)
    _require_child(dashboard, signed, child_id)
    audited_view(dashboard, signed, f"child:{child_id}")
    with dashboard.reading() as session:
        setting = dashboard.setting(session)
        page = child_page(session, setting.id, child_id, dashboard.today(setting))
    values = page_values(dashboard, signed, "today", page=page)
    return dashboard.render(request, "child.html", **values)


def mark_in(request: Request, signed: SignedInPage, child_id: Id, back: Back = "") -> Response:
    dashboard = dashboard_of(request)
    _require_child(dashboard, signed, child_id)
    note = StaffActions(dashboard).mark_in(signed.viewer.staff_id, child_id)
    return done(dashboard, note, back)


def acknowledge(request: Request, signed: SignedInPage, ref: str, back: Back = "") -> Response:
    dashboard = dashboard_of(request)
    match = NOTICE_REF.match(ref)
    if match is None:
        raise NotAllowed(f"notice:{ref[:20]}")
    with dashboard.reading() as session:
        notice: Absence | CollectionChange | None = (
            session.get(Absence, int(match[2]))
            if match[1] == "A"
            else session.get(CollectionChange, int(match[2]))
        )
        child_id = notice.child_id if notice is not None else 0
    _require_child(dashboard, signed, child_id, subject=f"notice:{ref}")
    note = StaffActions(dashboard).acknowledge(signed.viewer.staff_id, ref)
    return done(dashboard, note, back)


def _require_child(
    dashboard: Dashboard, signed: Signed, child_id: int, subject: str | None = None
) -> None:
    """The child is the setting's and the viewer may see them; else 404 (audited)."""
    subject = subject or f"child:{child_id}"
    with dashboard.reading() as session:
        found = session.get(Child, child_id)
        facts = (
            ChildFacts.of(found)
            if found is not None and found.setting_id == dashboard.engine.setting_id
            else None
        )
    if facts is None:
        raise NotAllowed(subject)
    require(dashboard, signed, Action.VIEW_CHILD, facts, subject)


def done(dashboard: Dashboard, note: str, back: str, to: str = "/") -> Response:
    """After an action: back to the dashboard page it was taken on (or `to`), with its note."""
    response = RedirectResponse(dashboard_path(back) or f"{PREFIX}{to}", status_code=303)
    dashboard.leave_note(response, note)
    return response
