"""Opening the database and loading a setting: shared by the CLI, the web app and the scheduler."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.content import content_dir
from bot.db.migrate import upgrade
from bot.db.models import Setting
from bot.db.session import make_engine, make_session_factory, transaction
from bot.roster import reach
from bot.roster.apply import ImportSummary, import_folder

DEMO_FOLDER = "demo"


def open_database(url: str, *, migrate: bool = True) -> sessionmaker[Session]:
    """A session factory for `url`, with the schema brought up to date first."""
    if migrate:
        upgrade(url)
    return make_session_factory(make_engine(url))


def import_setting_folder(sessions: sessionmaker[Session], folder: Path) -> ImportSummary:
    """Validate and import a setting folder in one transaction (all or nothing)."""
    with transaction(sessions) as session:
        return import_folder(session, folder)


def reach_warnings(
    sessions: sessionmaker[Session], setting_id: int, channels: Collection[str]
) -> list[str]:
    """Lines naming each person none of `channels` (the configured ones) can reach."""
    with sessions() as session:
        return reach.reach_warnings(session, setting_id, channels)


def demo_folder() -> Path:
    """The fictional demo nursery shipped in content/demo."""
    return content_dir() / DEMO_FOLDER


def find_setting_id(sessions: sessionmaker[Session], slug: str | None = None) -> int:
    """The setting to serve: by slug, or the only one; a clear error otherwise."""
    with sessions() as session:
        settings = list(session.scalars(select(Setting).order_by(Setting.id)))
    if slug:
        matches = [setting.id for setting in settings if setting.slug == slug]
        if not matches:
            raise LookupError(f"no setting with slug {slug!r}; import one with `parentbot import`")
        return matches[0]
    if len(settings) != 1:
        raise LookupError(
            f"{len(settings)} settings in the database: set PARENTBOT_SETTING "
            "to a slug, or import one with `parentbot import DIR`"
        )
    return settings[0].id


def setting_count(sessions: sessionmaker[Session]) -> int:
    """How many settings the database holds (0 on a fresh one)."""
    with sessions() as session:
        return session.scalar(select(func.count(Setting.id))) or 0
