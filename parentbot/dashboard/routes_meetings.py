"""The Meetings screen: one week's meetings (a member of staff sees those they hold, managers
all), a week at a time, and the same rows as a CSV file. Read from the meetings tables only, so
the meetings flow's actions can be added to each row once it lands."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from bot.staff.access import Action
from bot.staff.meetings_view import MeetingRow, meetings_csv, week_meetings, week_of
from parentbot.dashboard.auth import Signed, SignedInPage, audited_view, page_values, require
from parentbot.dashboard.context import Dashboard, dashboard_of

SUBJECT = "dashboard:meetings"
Week = Annotated[date | None, Query()]


def add_routes(router: APIRouter) -> None:
    """Add this module's routes to the dashboard's router."""
    router.add_api_route("/meetings", meetings_page, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route("/meetings/export.csv", meetings_export, methods=["GET"])


def _rows(dashboard: Dashboard, signed: Signed, week: date | None) -> tuple[date, list[MeetingRow]]:
    """The week's Monday (this week unless asked) and its meetings the viewer may see."""
    require(dashboard, signed, Action.VIEW_MEETINGS, None, SUBJECT)
    with dashboard.reading() as session:
        setting = dashboard.setting(session)
        monday = week_of(week or dashboard.today(setting))
        zone = dashboard.zone(setting)
        rows = week_meetings(session, setting.id, signed.viewer, monday, zone)
    return monday, rows


def meetings_page(request: Request, signed: SignedInPage, week: Week = None) -> Response:
    dashboard = dashboard_of(request)
    monday, rows = _rows(dashboard, signed, week)
    audited_view(dashboard, signed, f"{SUBJECT}:{monday.isoformat()}")
    values = page_values(
        dashboard,
        signed,
        "meetings",
        monday=monday,
        sunday=monday + timedelta(days=6),
        previous=monday - timedelta(days=7),
        next=monday + timedelta(days=7),
        rows=rows,
    )
    return dashboard.render(request, "meetings.html", **values)


def meetings_export(request: Request, signed: SignedInPage, week: Week = None) -> Response:
    """The week's meetings the viewer may see, as CSV (audited as an export)."""
    dashboard = dashboard_of(request)
    monday, rows = _rows(dashboard, signed, week)
    audited_view(dashboard, signed, f"{SUBJECT}:export:{monday.isoformat()}")
    filename = f"meetings-{monday.isoformat()}.csv"
    return Response(
        meetings_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
