"""The staff dashboard, served by the web app under /staff: sign-in by a one-time code to the
member's own channel (a picker in demo mode), Today, the Inbox, Meetings, Policies, Delivery
problems, the Roster upload, the Audit log, Broadcasts and Parents' evenings, each role-checked
on the server (`bot.staff.access`) and audited.

Server-rendered Jinja2 templates with HTMX (vendored in static/, see static/HTMX.md) and a
small stylesheet; no build step. Every string comes from content/dashboard/en.toml.

Adding a screen: a `routes_<screen>.py`
with `add_routes(router)`, its templates, an `Action` in `bot.staff.access` and a line in
`permits`, a nav entry in templates/layout.html, and the module in `create_dashboard` below.
"""

from __future__ import annotations

from pathlib import Path

from asgi_csrf import asgi_csrf  # type: ignore[import-untyped]
from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import RequestResponseEndpoint

from bot.pipeline.engine import Engine
from parentbot.dashboard import (
    routes_broadcasts,
    routes_evenings,
    routes_inbox,
    routes_live,
    routes_meetings,
    routes_office,
    routes_policies,
    routes_sign_in,
    routes_today,
)
from parentbot.dashboard.auth import (
    NotAllowed,
    NotSignedIn,
    is_multipart,
    not_allowed,
    not_signed_in,
)
from parentbot.dashboard.config import DashboardConfig
from parentbot.dashboard.context import PREFIX, Dashboard

__all__ = ["PREFIX", "build_app", "create_dashboard"]

STATIC = Path(__file__).with_name("static")
# Asked for before any cookie exists, so the CSRF check must not wait for one.
SIGN_IN_FORMS = {f"{PREFIX}/sign-in", f"{PREFIX}/sign-in/code", f"{PREFIX}/sign-in/as"}
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
        " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def build_app(engine: Engine, *, demo: bool) -> FastAPI:
    """The dashboard for the web app to mount at PREFIX, configured from the environment
    (ConfigError without PARENTBOT_SECRET_KEY outside demo mode)."""
    return create_dashboard(engine, DashboardConfig.from_env(demo=demo))


def create_dashboard(engine: Engine, config: DashboardConfig) -> FastAPI:
    """The dashboard app: its routes, static files, CSRF check and security headers."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.dashboard = Dashboard.create(engine, config)
    app.add_exception_handler(NotSignedIn, not_signed_in)
    app.add_exception_handler(NotAllowed, not_allowed)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    routes_sign_in.add_routes(app.router, config.demo)
    modules = (routes_today, routes_inbox, routes_meetings, routes_policies, routes_office)
    modules += (routes_broadcasts, routes_evenings)
    for module in (*modules, routes_live):
        module.add_routes(app.router)
    app.middleware("http")(_security_headers)
    app.add_middleware(
        asgi_csrf,  # untyped: a function of (app, **options), as middleware classes are
        signing_secret=config.secret.decode(),
        always_protect=SIGN_IN_FORMS,
        skip_if_scope=is_multipart,  # checked by the route itself: see `multipart_csrf`
        cookie_path=PREFIX,
        cookie_secure=config.secure_cookies,
        cookie_samesite="Lax",
    )
    return app


async def _security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
    """No framing, no scripts or styles from anywhere else, and nothing signed-in cached."""
    response = await call_next(request)
    response.headers.update(HEADERS)
    if not request.url.path.startswith(f"{PREFIX}/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response
