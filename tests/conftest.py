"""Shared fixtures: a clean database on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.db.migrate import upgrade
from bot.db.models import Base
from bot.db.session import make_engine, make_session_factory, normalise_url
from bot.pipeline.engine import Engine
from parentbot import setup

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "content" / "demo"
MONDAY_MORNING = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)  # Mon 23 Nov 2026, 08:15 in London
BACKENDS = ["sqlite", *(["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked `postgres_only` (what only PostgreSQL has: advisory locks, several turns
    processes) runs on PostgreSQL alone: its other variants are deselected, not skipped."""
    kept, dropped = [], []
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("db_url")  # type: ignore[attr-defined]
        only_pg = item.get_closest_marker("postgres_only") is not None
        (dropped if only_pg and backend != "postgresql" else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def dashboard_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside demo mode the web app needs PARENTBOT_SECRET_KEY (the staff dashboard signs its
    cookies with it); tests use a fixed one."""
    monkeypatch.setenv("PARENTBOT_SECRET_KEY", "test-secret-" + "x" * 32)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """TEST_DATABASE_URL with the schema rebuilt by the migrations once per test session."""
    url = normalise_url(os.environ["TEST_DATABASE_URL"])
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)
    return url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """An empty, migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = create_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on the clean database."""
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def demo_setting(sessions: sessionmaker[Session]) -> int:
    """The demo nursery imported; its setting id."""
    return setup.import_setting_folder(sessions, DEMO).setting_id


@pytest.fixture
def make_engine_at(
    sessions: sessionmaker[Session], demo_setting: int
) -> Callable[[datetime], Engine]:
    """An engine for the demo nursery whose clock is fixed at the given time."""
    return lambda now: Engine(sessions, demo_setting, clock=lambda: now)


@pytest.fixture
def engine(make_engine_at: Callable[[datetime], Engine]) -> Engine:
    """The demo nursery's engine on Monday 23 November 2026 at 08:15."""
    return make_engine_at(MONDAY_MORNING)
