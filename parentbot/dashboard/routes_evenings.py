"""The Parents' evenings screen: every evening with its status and its poll's progress, and for
one evening who answered and who has not, and once scheduled its grid (a row per slot, a column
per member of staff, as `parentbot evening show` prints it) with CSV and .ics exports. Managers
see every column and may export; a key person sees their own column."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from bot.db.models import ParentsEvening
from bot.evenings.command import EveningSpec
from bot.evenings.export import evening_grid, grid_csv, grid_ics
from bot.evenings.progress import poll_progress
from bot.evenings.staff import SCHEDULED
from bot.staff.access import Action, permits
from parentbot.dashboard.auth import (
    NotAllowed,
    Signed,
    SignedInPage,
    audited_view,
    page_values,
    require,
)
from parentbot.dashboard.context import Dashboard, dashboard_of

SUBJECT = "dashboard:evenings"
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def add_routes(router: APIRouter) -> None:
    """Add this module's routes to the dashboard's router."""
    router.add_api_route("/evenings", evenings_page, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(
        "/evenings/{evening_id}", evening_page, methods=["GET"], response_class=HTMLResponse
    )
    router.add_api_route("/evenings/{evening_id}/export.csv", export_csv, methods=["GET"])
    router.add_api_route("/evenings/{evening_id}/export.ics", export_ics, methods=["GET"])


def evenings_page(request: Request, signed: SignedInPage) -> Response:
    dashboard = dashboard_of(request)
    require(dashboard, signed, Action.VIEW_EVENINGS, None, SUBJECT)
    audited_view(dashboard, signed, SUBJECT)
    with dashboard.reading() as session:
        setting = dashboard.setting(session)
        evenings = session.scalars(
            select(ParentsEvening)
            .where(ParentsEvening.setting_id == setting.id)
            .order_by(ParentsEvening.id.desc())
        ).all()
        rows = [
            (evening, EveningSpec.from_json(evening.spec), poll_progress(session, evening))
            for evening in evenings
        ]
    values = page_values(dashboard, signed, "evenings", rows=rows)
    return dashboard.render(request, "evenings.html", **values)


def _evening(dashboard: Dashboard, signed: Signed, evening_id: int, action: Action) -> None:
    """Go on only for the setting's evening and a viewer allowed `action`; else 404 (audited)."""
    subject = f"evening:{evening_id}"
    require(dashboard, signed, action, None, subject)
    with dashboard.reading() as session:
        evening = session.get(ParentsEvening, evening_id)
        if evening is None or evening.setting_id != dashboard.engine.setting_id:
            raise NotAllowed(subject)


def evening_page(request: Request, signed: SignedInPage, evening_id: Id) -> Response:
    dashboard = dashboard_of(request)
    _evening(dashboard, signed, evening_id, Action.VIEW_EVENINGS)
    audited_view(dashboard, signed, f"evening:{evening_id}")
    every_column = permits(signed.viewer, Action.VIEW_ALL_EVENINGS)
    with dashboard.reading() as session:
        evening = session.get_one(ParentsEvening, evening_id)
        grid = evening_grid(session, evening) if evening.status == SCHEDULED else None
        if grid is not None and not every_column:
            grid = grid.only(signed.viewer.name)
        spec = EveningSpec.from_json(evening.spec)
        progress = poll_progress(session, evening)
    values = page_values(
        dashboard,
        signed,
        "evenings",
        evening=evening,
        spec=spec,
        progress=progress,
        grid=grid,
        exports=every_column and grid is not None,
    )
    return dashboard.render(request, "evening.html", **values)


def export_csv(request: Request, signed: SignedInPage, evening_id: Id) -> Response:
    """The evening's meetings as CSV (managers; audited as an export)."""
    dashboard = dashboard_of(request)
    _evening(dashboard, signed, evening_id, Action.VIEW_ALL_EVENINGS)
    audited_view(dashboard, signed, f"evening:{evening_id}:export:csv")
    with dashboard.reading() as session:
        body = grid_csv(session, session.get_one(ParentsEvening, evening_id))
    return _file(body.encode(), "text/csv; charset=utf-8", f"evening-{evening_id}.csv")


def export_ics(request: Request, signed: SignedInPage, evening_id: Id) -> Response:
    """The evening's meetings as an iCalendar file (managers; audited as an export)."""
    dashboard = dashboard_of(request)
    _evening(dashboard, signed, evening_id, Action.VIEW_ALL_EVENINGS)
    audited_view(dashboard, signed, f"evening:{evening_id}:export:ics")
    with dashboard.reading() as session:
        body = grid_ics(session, session.get_one(ParentsEvening, evening_id))
    return _file(body, "text/calendar; charset=utf-8", f"evening-{evening_id}.ics")


def _file(body: bytes, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, media_type=media_type, headers=headers)
