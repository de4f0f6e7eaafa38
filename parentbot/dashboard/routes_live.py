"""The live check an open page polls (see `parentbot.dashboard.live`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from parentbot.dashboard.auth import SignedInData
from parentbot.dashboard.context import dashboard_of
from parentbot.dashboard.live import CHANGED, live_state


def add_routes(router: APIRouter) -> None:
    """Add this module's routes to the dashboard's router."""
    router.add_api_route("/api/live", live, methods=["GET"], response_class=HTMLResponse)


SCREENS = ("today", "inbox", "child", "handoff", "delivery", "roster", "audit")


def live(
    request: Request,
    signed: SignedInData,
    seen: Annotated[str, Query(max_length=40)] = "",
    screen: Annotated[str, Query(max_length=20)] = "today",
) -> Response:
    """204 while nothing the viewer sees changed; else the new marker and the tab title."""
    dashboard = dashboard_of(request)
    state = live_state(dashboard, signed.viewer)
    if seen == state.marker:
        return Response(status_code=204)
    shown = screen if screen in SCREENS else "today"
    response = dashboard.render(request, "live_answer.html", live=state, screen=shown)
    response.headers["HX-Trigger"] = CHANGED
    return response
