"""Who is signed in, for every dashboard route; refusals and the audit of views and refusals.

A page route (`SignedInPage`) sends an anonymous browser to the sign-in page (303); a data route
(`SignedInData`: fragments and the live check, under /staff/api/) answers 401, with an
HX-Redirect header so an open page goes to the sign-in page by itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Any, NoReturn
from urllib.parse import quote

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import Scope

from bot.audit import audit
from bot.staff.access import Action, Target, Viewer, permits
from bot.staff.broadcasts_view import may_broadcast
from bot.staff.dashboard_views import Today
from bot.staff.sign_in import session_member
from parentbot.dashboard.context import Dashboard, dashboard_of
from parentbot.dashboard.live import live_state


@dataclass(frozen=True)
class Signed:
    """A signed-in member of staff, and the session token their browser holds."""

    viewer: Viewer
    token: str


class NotSignedIn(Exception):
    """No live session: 303 to the sign-in page for a page, 401 for data."""

    def __init__(self, data: bool) -> None:
        super().__init__("not signed in")
        self.data = data


class NotAllowed(Exception):
    """What was asked for is not there, or not for this member of staff: both answer 404, so
    that changing a number in the address tells nobody what exists."""


def _signed(request: Request, data: bool) -> Signed:
    dashboard = dashboard_of(request)
    token = dashboard.session_token(request)
    if token is not None:
        with dashboard.reading() as session:
            member = session_member(session, token, dashboard.config.clock())
            if member is not None and member.setting_id == dashboard.engine.setting_id:
                return Signed(Viewer.of(member), token)
    raise NotSignedIn(data)


def _page(request: Request) -> Signed:
    return _signed(request, data=False)


def _data(request: Request) -> Signed:
    return _signed(request, data=True)


SignedInPage = Annotated[Signed, Depends(_page)]
SignedInData = Annotated[Signed, Depends(_data)]


def require(
    dashboard: Dashboard, signed: Signed, action: Action, target: Target, subject: str
) -> None:
    """Go on only if the policy permits it; a refusal is audited and answered 404."""
    if not permits(signed.viewer, action, target):
        refuse(dashboard, signed, action, subject)


def refuse(dashboard: Dashboard, signed: Signed, action: Action, subject: str) -> NoReturn:
    """Audit the refusal and answer 404."""
    with dashboard.writing() as session:
        details = {"action": action.value}
        audit(session, f"staff:{signed.viewer.staff_id}", "dashboard_refused", subject, details)
    raise NotAllowed(subject)


def audited_view(dashboard: Dashboard, signed: Signed, subject: str) -> None:
    """A page or record the member of staff opened, in the audit log."""
    with dashboard.writing() as session:
        audit(session, f"staff:{signed.viewer.staff_id}", "dashboard_viewed", subject)


async def not_signed_in(request: Request, error: Exception) -> Response:
    """The answer to NotSignedIn."""
    assert isinstance(error, NotSignedIn)
    sign_in = f"{request.scope.get('root_path', '')}/sign-in"
    if error.data:
        return PlainTextResponse(
            "Sign in first.", status_code=401, headers={"HX-Redirect": sign_in}
        )
    if request.method == "GET":
        sign_in += "?next=" + quote(request.url.path, safe="/")
    return RedirectResponse(sign_in, status_code=303)


async def not_allowed(request: Request, error: Exception) -> Response:
    """The answer to NotAllowed: a plain 'not found' page."""
    dashboard = dashboard_of(request)
    return dashboard.render(request, "not_found.html", status_code=404)


def page_values(dashboard: Dashboard, signed: Signed, screen: str, **values: Any) -> dict[str, Any]:
    """What the page layout needs: the viewer, which screens to offer them, what waits for
    them (for the tab title) and the live marker the page polls with."""
    viewer = signed.viewer
    screens = {
        "delivery": permits(viewer, Action.VIEW_DELIVERY_PROBLEMS),
        "roster": permits(viewer, Action.MANAGE_ROSTER),
        "audit": permits(viewer, Action.VIEW_AUDIT),
        "policies": permits(viewer, Action.MANAGE_POLICIES),
        "all_meetings": permits(viewer, Action.VIEW_ALL_MEETINGS),
        "broadcasts": _may_broadcast(dashboard, viewer),
    }
    register = values.get("today")
    live = live_state(dashboard, viewer, register if isinstance(register, Today) else None)
    return {"viewer": viewer, "screens": screens, "screen": screen, "live": live, **values}


def _may_broadcast(dashboard: Dashboard, viewer: Viewer) -> bool:
    """The Broadcasts screen: by role, and for a key person only when the setting allows it."""
    if not permits(viewer, Action.BROADCAST):
        return False
    with dashboard.reading() as session:
        return may_broadcast(viewer, dashboard.setting(session))


def is_multipart(scope: Scope) -> bool:
    """A file upload: asgi-csrf's own multipart reader does not work with the python-multipart
    FastAPI needs (it passes an argument the parser no longer takes), so a route that takes
    files checks the token itself (`multipart_csrf`)."""
    content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
    return bool(content_type.split(b";", 1)[0].strip() == b"multipart/form-data")


def multipart_csrf(request: Request, csrftoken: Annotated[str, Form(max_length=200)] = "") -> None:
    """The same check asgi-csrf makes on other forms: the form's token must be the one its
    signed cookie holds (a form of this site); 403 otherwise."""
    expected = request.scope["csrftoken"]()
    header = request.headers.get("x-csrftoken", "")
    if not any(secrets.compare_digest(given, expected) for given in (csrftoken, header) if given):
        raise HTTPException(403, "CSRF token missing or wrong")
