"""What every dashboard route shares: the engine, the configuration, the staff text catalog, the
templates, and signed cookies (the session token and one-off notes shown after an action)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from bot.content import content_dir
from bot.db.models import Setting
from bot.db.session import transaction
from bot.i18n.catalog import Catalog
from bot.pipeline.engine import Engine
from bot.staff.sign_in import SESSION_LIFETIME
from parentbot.dashboard.config import DashboardConfig

PREFIX = "/staff"  # where the web app mounts the dashboard
TEMPLATES = Path(__file__).with_name("templates")
SESSION_COOKIE = "parentbot_staff"
NOTE_COOKIE = "parentbot_note"
NOTE_LIFETIME = 60  # seconds: a note is shown by the page the action redirects to


def staff_catalog() -> Catalog:
    """The dashboard's text (content/dashboard/<lang>.toml; English for now)."""
    return Catalog.load(content_dir() / "dashboard")


@dataclass
class Dashboard:
    """The dashboard's shared state, kept on the app (`request.app.state.dashboard`)."""

    engine: Engine
    config: DashboardConfig
    catalog: Catalog
    templates: Jinja2Templates

    @classmethod
    def create(cls, engine: Engine, config: DashboardConfig) -> Dashboard:
        catalog = staff_catalog()
        templates = Jinja2Templates(directory=TEMPLATES)
        templates.env.globals["t"] = lambda key, **values: catalog.text(key, "en", **values)
        templates.env.globals["t_has"] = lambda key: catalog.has(key, "en")
        return cls(engine, config, catalog, templates)

    def say(self, key: str, **values: object) -> str:
        """Staff text from the dashboard catalog (English)."""
        return self.catalog.text(key, "en", **values)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only (no writer lock on SQLite)."""
        with self.engine.sessions() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction: committed on success."""
        with transaction(self.engine.sessions) as session:
            yield session

    def setting(self, session: Session) -> Setting:
        return session.get_one(Setting, self.engine.setting_id)

    def zone(self, setting: Setting) -> ZoneInfo:
        return ZoneInfo(setting.timezone)

    def today(self, setting: Setting) -> date:
        """The setting's date now, by the engine's clock (simulate and tests fix it)."""
        return self.engine.clock().astimezone(self.zone(setting)).date()

    def render(
        self, request: Request, template: str, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        """A page or fragment, with what every template uses (the prefix, the CSRF token, a
        note left by the last action); the note is then forgotten."""
        note = self._signer("note").loads_or_none(request.cookies.get(NOTE_COOKIE), NOTE_LIFETIME)
        values = {
            "base": request.scope.get("root_path", ""),
            "csrf_token": request.scope["csrftoken"](),
            "note": note,
            "setting_name": self.engine_setting_name(),
            "poll": self.config.poll_seconds,
            "viewer": None,
            "live": None,
            "screen": None,
            **context,
        }
        response = self.templates.TemplateResponse(request, template, values, status_code)
        if note is not None:
            response.delete_cookie(NOTE_COOKIE, path=PREFIX)
        return response

    def engine_setting_name(self) -> str:
        with self.reading() as session:
            return self.setting(session).name

    def leave_note(self, response: Response, text: str) -> None:
        """A one-off note for the next page this browser opens (after a redirect)."""
        value = self._signer("note").dumps(text)
        self._cookie(response, NOTE_COOKIE, value, NOTE_LIFETIME)

    def keep_session(self, response: Response, token: str) -> None:
        """Give the browser its session token: HttpOnly, SameSite=Lax, Secure behind https."""
        value = self._signer("session").dumps(token)
        self._cookie(response, SESSION_COOKIE, value, int(SESSION_LIFETIME.total_seconds()))

    def session_token(self, request: Request) -> str | None:
        """The session token this browser holds, if its signature holds and it is not older
        than a session lasts (the database has the last word)."""
        lifetime = int(SESSION_LIFETIME.total_seconds())
        return self._signer("session").loads_or_none(request.cookies.get(SESSION_COOKIE), lifetime)

    def forget_session(self, response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path=PREFIX)

    def _cookie(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=PREFIX,
            httponly=True,
            samesite="lax",
            secure=self.config.secure_cookies,
        )

    def _signer(self, purpose: str) -> _Signer:
        return _Signer(URLSafeTimedSerializer(self.config.secret, salt=f"parentbot.{purpose}"))


@dataclass(frozen=True)
class _Signer:
    serializer: URLSafeTimedSerializer

    def dumps(self, value: str) -> str:
        return str(self.serializer.dumps(value))

    def loads_or_none(self, value: str | None, max_age: int) -> str | None:
        if not value:
            return None
        try:
            loaded = self.serializer.loads(value, max_age=max_age)
        except BadSignature:  # also SignatureExpired
            return None
        return loaded if isinstance(loaded, str) else None


def dashboard_of(request: Request) -> Dashboard:
    """The dashboard state of the app serving this request."""
    found = request.app.state.dashboard
    assert isinstance(found, Dashboard)
    return found


def dashboard_path(path: str) -> str | None:
    """`path` when it is a dashboard page's (never another site's, a data route or sign-in):
    where a form may send the browser back to."""
    plain = path.startswith(f"{PREFIX}/") and not path.startswith("//")
    if not plain or "\\" in path or "/api/" in path or "/sign-" in path:
        return None
    return path
