"""Signing in (a one-time code to the member's own channel, or the demo's "sign in as" picker)
and signing out, here or everywhere."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Staff
from bot.outbound.outbox import enqueue_to, staff_addresses
from bot.staff.sign_in import (
    CODE_LIFETIME,
    Locked,
    SignedIn,
    check_code,
    end_all_sessions,
    end_session,
    identifier_of,
    request_code,
    start_session,
)
from bot.types import Reply
from parentbot.dashboard.auth import SignedInPage
from parentbot.dashboard.context import PREFIX, Dashboard, dashboard_of, dashboard_path

SIGN_IN_CODE = "sign_in_code"  # the outbox kind of a sign-in code
Text = Annotated[str, Form(max_length=500)]


def add_routes(router: APIRouter, demo: bool) -> None:
    """The sign-in routes; in demo mode the picker replaces the code."""
    router.add_api_route("/sign-in", sign_in_page, methods=["GET"], response_class=HTMLResponse)
    if demo:
        router.add_api_route("/sign-in/as", sign_in_as, methods=["POST"])
    else:
        router.add_api_route("/sign-in", ask_for_code, methods=["POST"])
        router.add_api_route("/sign-in/code", enter_code, methods=["POST"])
    router.add_api_route("/sign-out", sign_out, methods=["POST"])
    router.add_api_route("/sign-out-everywhere", sign_out_everywhere, methods=["POST"])


def sign_in_page(request: Request, next: str = "") -> Response:
    dashboard = dashboard_of(request)
    if not dashboard.config.demo:
        return dashboard.render(request, "sign_in.html", next=_next(next))
    with dashboard.reading() as session:
        staff = session.scalars(
            select(Staff)
            .where(Staff.setting_id == dashboard.engine.setting_id)
            .order_by(Staff.name)
        )
        people = [(member.id, _label(member)) for member in staff]
    return dashboard.render(request, "sign_in_demo.html", people=people, next=_next(next))


def _label(member: Staff) -> str:
    roles = ", ".join(role.replace("_", " ") for role in member.roles)
    return f"{member.name} ({roles})"


def ask_for_code(request: Request, identifier: Text, next: Text = "") -> Response:
    """Send a code to the member of staff with this number or address (if there is one)."""
    dashboard = dashboard_of(request)
    found = identifier_of(identifier)
    if found is None:
        error = dashboard.say("sign_in.not_an_identifier")
        return dashboard.render(
            request, "sign_in.html", status_code=422, error=error, typed=identifier, next=next
        )
    with dashboard.writing() as session:
        answer = request_code(
            session,
            dashboard.engine.setting_id,
            found,
            dashboard.config.clock(),
            dashboard.config.secret,
            lambda member, code: _send_code(dashboard, session, member, code),
        )
    if isinstance(answer, Locked):
        return _locked(request, dashboard, answer.until)
    return dashboard.render(request, "sign_in_code.html", identifier=found, next=_next(next))


def _send_code(dashboard: Dashboard, session: Session, member: Staff, code: str) -> None:
    """The code goes to the member's own channel through the outbox, like any staff alert."""
    reach = dashboard.engine.reach
    address = staff_addresses(session, [member], reach)[member.id]
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    text = dashboard.say("sign_in.code_message", code=code, minutes=minutes)
    enqueue_to(session, reach, address, Reply(text), kind=SIGN_IN_CODE, staff_id=member.id)


def enter_code(request: Request, identifier: Text, code: Text, next: Text = "") -> Response:
    """Check the code; a right one starts a session."""
    dashboard = dashboard_of(request)
    found = identifier_of(identifier)
    if found is None:
        return RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
    now = dashboard.config.clock()
    with dashboard.writing() as session:
        answer = check_code(session, found, code, now, dashboard.config.secret)
        token = start_session(session, answer.staff_id, now) if isinstance(answer, SignedIn) else ""
    if isinstance(answer, Locked):
        return _locked(request, dashboard, answer.until)
    if not token:
        error = dashboard.say("sign_in.wrong_code")
        return dashboard.render(
            request,
            "sign_in_code.html",
            status_code=422,
            identifier=found,
            error=error,
            next=_next(next),
        )
    return _signed_in(dashboard, token, next)


def sign_in_as(request: Request, staff_id: Annotated[int, Form()], next: Text = "") -> Response:
    """Demo mode only: sign in as any member of the demo staff."""
    dashboard = dashboard_of(request)
    with dashboard.writing() as session:
        member = session.get(Staff, staff_id)
        if member is None or member.setting_id != dashboard.engine.setting_id:
            return RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
        token = start_session(session, member.id, dashboard.config.clock())
    return _signed_in(dashboard, token, next)


def _signed_in(dashboard: Dashboard, token: str, next: str) -> Response:
    response = RedirectResponse(_next(next) or f"{PREFIX}/", status_code=303)
    dashboard.keep_session(response, token)
    return response


def _next(path: str) -> str:
    """Where to go after signing in: only a dashboard page (never another site)."""
    return dashboard_path(path) or ""


def _locked(request: Request, dashboard: Dashboard, until: datetime) -> Response:
    with dashboard.reading() as session:
        zone = dashboard.zone(dashboard.setting(session))
    minutes = max(1, round((until - dashboard.config.clock()).total_seconds() / 60))
    return dashboard.render(
        request,
        "sign_in_locked.html",
        status_code=429,
        minutes=minutes,
        until=until.astimezone(zone).strftime("%H:%M"),
    )


def sign_out(request: Request, signed: SignedInPage) -> Response:
    """End this browser's session."""
    dashboard = dashboard_of(request)
    with dashboard.writing() as session:
        end_session(session, signed.token, dashboard.config.clock())
    response = RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
    dashboard.forget_session(response)
    return response


def sign_out_everywhere(request: Request, signed: SignedInPage) -> Response:
    """End every session of this member of staff, on every device."""
    dashboard = dashboard_of(request)
    with dashboard.writing() as session:
        end_all_sessions(session, signed.viewer.staff_id, dashboard.config.clock())
    response = RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
    dashboard.forget_session(response)
    return response
