"""The inbox: handoffs and concerns with the parent's own words and the English; replying in the
parent's language, closing, and passing one to someone else."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from bot.staff.access import Action, permits
from bot.staff.dashboard_views import Handoff, assignees, handoff, inbox
from parentbot.dashboard.actions import StaffActions
from parentbot.dashboard.auth import (
    NotAllowed,
    Signed,
    SignedInData,
    SignedInPage,
    audited_view,
    page_values,
    refuse,
    require,
)
from parentbot.dashboard.context import PREFIX, Dashboard, dashboard_of
from parentbot.dashboard.routes_today import done

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Answer = Annotated[str, Form(min_length=1, max_length=1600)]  # what one SMS message may carry


def add_routes(router: APIRouter) -> None:
    """Add this module's routes to the dashboard's router."""
    router.add_api_route("/inbox", inbox_page, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route("/api/inbox", inbox_panel, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(
        "/inbox/{handoff_id}", handoff_page, methods=["GET"], response_class=HTMLResponse
    )
    router.add_api_route("/inbox/{handoff_id}/reply", reply, methods=["POST"])
    router.add_api_route("/inbox/{handoff_id}/close", close, methods=["POST"])
    router.add_api_route("/inbox/{handoff_id}/reassign", reassign, methods=["POST"])


def _inbox(request: Request, dashboard: Dashboard, signed: Signed, template: str) -> Response:
    require(dashboard, signed, Action.VIEW_INBOX, None, "dashboard:inbox")
    with dashboard.reading() as session:
        setting = dashboard.setting(session)
        items = inbox(session, setting.id, signed.viewer)
    values = page_values(dashboard, signed, "inbox", items=items, zone=dashboard.zone(setting))
    return dashboard.render(request, template, **values)


def inbox_page(request: Request, signed: SignedInPage) -> Response:
    dashboard = dashboard_of(request)
    audited_view(dashboard, signed, "dashboard:inbox")
    return _inbox(request, dashboard, signed, "inbox.html")


def inbox_panel(request: Request, signed: SignedInData) -> Response:
    """The list alone, for the open page to swap in when something changed."""
    return _inbox(request, dashboard_of(request), signed, "inbox_panel.html")


def _handoff(dashboard: Dashboard, signed: Signed, handoff_id: int, action: Action) -> Handoff:
    """The setting's handoff, if the viewer may do `action` to it; else 404 (audited)."""
    subject = f"handoff:{handoff_id}"
    with dashboard.reading() as session:
        found = handoff(session, dashboard.engine.setting_id, handoff_id)
    if found is None:
        raise NotAllowed(subject)
    require(dashboard, signed, action, found.facts, subject)
    return found


def handoff_page(request: Request, signed: SignedInPage, handoff_id: Id) -> Response:
    dashboard = dashboard_of(request)
    item = _handoff(dashboard, signed, handoff_id, Action.VIEW_HANDOFF)
    audited_view(dashboard, signed, f"handoff:{handoff_id}")
    with dashboard.reading() as session:
        setting = dashboard.setting(session)
        others = assignees(session, setting.id, item)
    values = page_values(
        dashboard,
        signed,
        "inbox",
        item=item,
        others=others,
        may_reassign=_may(signed, item, Action.REASSIGN_HANDOFF),
        zone=dashboard.zone(setting),
    )
    return dashboard.render(request, "handoff.html", **values)


def _may(signed: Signed, item: Handoff, action: Action) -> bool:
    return permits(signed.viewer, action, item.facts)


def reply(request: Request, signed: SignedInPage, handoff_id: Id, answer: Answer) -> Response:
    dashboard = dashboard_of(request)
    _handoff(dashboard, signed, handoff_id, Action.VIEW_HANDOFF)
    if not answer.strip():
        page = f"{PREFIX}/inbox/{handoff_id}"
        return done(dashboard, dashboard.say("inbox.answer_empty"), page)
    note = StaffActions(dashboard).reply(signed.viewer.staff_id, handoff_id, answer)
    return done(dashboard, note, "", to="/inbox")


def close(request: Request, signed: SignedInPage, handoff_id: Id) -> Response:
    dashboard = dashboard_of(request)
    _handoff(dashboard, signed, handoff_id, Action.VIEW_HANDOFF)
    note = StaffActions(dashboard).close(signed.viewer.staff_id, handoff_id)
    return done(dashboard, note, "", to="/inbox")


def reassign(
    request: Request, signed: SignedInPage, handoff_id: Id, to: Annotated[int, Form()]
) -> Response:
    dashboard = dashboard_of(request)
    item = _handoff(dashboard, signed, handoff_id, Action.REASSIGN_HANDOFF)
    with dashboard.reading() as session:
        allowed = {
            staff_id for staff_id, _ in assignees(session, dashboard.engine.setting_id, item)
        }
    if to not in allowed:
        refuse(dashboard, signed, Action.REASSIGN_HANDOFF, f"handoff:{handoff_id}")
    note = StaffActions(dashboard).reassign(signed.viewer.staff_id, handoff_id, to)
    return done(dashboard, note, "", to="/inbox")
