"""The office screens: delivery problems, the roster upload and the audit log."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from bot.roster.apply import import_roster
from bot.roster.errors import RosterInvalid
from bot.roster.folder import ROSTER_FILES, read_roster
from bot.roster.reach import reach_warnings
from bot.staff.access import Action
from bot.staff.dashboard_views import audit_page, room_names
from bot.staff.views import delivery_problems
from parentbot.dashboard.auth import (
    SignedInPage,
    audited_view,
    multipart_csrf,
    page_values,
    require,
)
from parentbot.dashboard.context import Dashboard, dashboard_of

ROSTER_BODY_LIMIT = 4 * 1024 * 1024  # four CSVs of a few thousand rows fit many times over
REQUIRED = ROSTER_FILES[:3]


def add_routes(router: APIRouter) -> None:
    """Add this module's routes to the dashboard's router."""
    router.add_api_route("/delivery", delivery, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route("/roster", roster_page, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route("/audit", audit, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(
        "/roster",
        upload_roster,
        methods=["POST"],
        response_class=HTMLResponse,
        max_body_size=ROSTER_BODY_LIMIT,
    )


def delivery(request: Request, signed: SignedInPage) -> Response:
    dashboard = dashboard_of(request)
    require(dashboard, signed, Action.VIEW_DELIVERY_PROBLEMS, None, "dashboard:delivery")
    audited_view(dashboard, signed, "dashboard:delivery")
    lines = delivery_problems(dashboard.engine.sessions, now=dashboard.config.clock())
    values = page_values(dashboard, signed, "delivery", lines=lines)
    return dashboard.render(request, "delivery.html", **values)


def roster_page(request: Request, signed: SignedInPage) -> Response:
    dashboard = dashboard_of(request)
    require(dashboard, signed, Action.MANAGE_ROSTER, None, "dashboard:roster")
    audited_view(dashboard, signed, "dashboard:roster")
    values = page_values(dashboard, signed, "roster", files=ROSTER_FILES, required=REQUIRED)
    return dashboard.render(request, "roster.html", **values)


async def upload_roster(
    request: Request,
    signed: SignedInPage,
    checked: Annotated[None, Depends(multipart_csrf)],  # after signing in: anonymous is 303
    files: Annotated[list[UploadFile], File()],
) -> Response:
    """Check the uploaded CSVs against each other and the setting's rooms: every problem is
    listed as `file:line: column: problem` and nothing changes until there are none."""
    dashboard = dashboard_of(request)
    require(dashboard, signed, Action.MANAGE_ROSTER, None, "dashboard:roster")
    with tempfile.TemporaryDirectory(prefix="parentbot-roster-") as scratch:
        folder = Path(scratch)
        problems = [await _keep(upload, folder) for upload in files]
        outcome = _import(dashboard, folder, signed.viewer.staff_id)
    problems = [problem for problem in problems if problem] + outcome[0]
    values = page_values(
        dashboard,
        signed,
        "roster",
        files=ROSTER_FILES,
        required=REQUIRED,
        problems=problems,
        summary=None if problems else outcome[1],
        warnings=[] if problems else outcome[2],
    )
    return dashboard.render(request, "roster.html", status_code=422 if problems else 200, **values)


async def _keep(upload: UploadFile, folder: Path) -> str:
    """Save one uploaded roster file by its own name; a problem line when it is not one."""
    name = Path(upload.filename or "").name.lower()
    if name not in ROSTER_FILES:
        return f"{upload.filename or '?'}: not a roster file (upload {', '.join(ROSTER_FILES)})"
    (folder / name).write_bytes(await upload.read())
    return ""


def _import(dashboard: Dashboard, folder: Path, staff_id: int) -> tuple[list[str], str, list[str]]:
    """Problems, or the import's summary and reach warnings (one transaction, all or nothing)."""
    setting_id = dashboard.engine.setting_id
    with dashboard.writing() as session:
        rooms = set(room_names(session, setting_id).values())
        try:
            roster = read_roster(folder, rooms)
        except RosterInvalid as invalid:
            return [str(error) for error in invalid.errors], "", []
        done = import_roster(session, setting_id, roster, f"staff:{staff_id}")
        warnings = reach_warnings(session, setting_id, dashboard.engine.reach.channels)
    summary = dashboard.say(
        "roster.imported",
        staff=done.staff,
        children=done.children,
        guardians=done.guardians,
        removed=done.removed,
    )
    return [], summary, warnings


def audit(
    request: Request, signed: SignedInPage, page: Annotated[int, Query(ge=1, le=10**6)] = 1
) -> Response:
    dashboard = dashboard_of(request)
    require(dashboard, signed, Action.VIEW_AUDIT, None, "dashboard:audit")
    audited_view(dashboard, signed, "dashboard:audit")
    with dashboard.reading() as session:
        entries = audit_page(session, page)
    values = page_values(dashboard, signed, "audit", log=entries)
    return dashboard.render(request, "audit.html", **values)
