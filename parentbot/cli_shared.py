"""What the `parentbot` commands share: the --db option, failing in one clear line, the setting,
the audit actor, and reading phones and times given on the command line."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from bot.audit import viewed
from bot.db.session import only_process, transaction
from bot.roster.fields import FieldError, phone_e164
from parentbot import setup

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: DATABASE_URL or the SQLite file in the data dir)."
    ),
]


def fail(message: str) -> typer.Exit:
    """Say what is wrong on stderr; raise the result to exit with code 1 (no traceback)."""
    typer.echo(message, err=True)
    return typer.Exit(code=1)


def setting_to_serve(sessions: sessionmaker[Session], slug: str | None) -> int:
    """The setting to serve, or a clear message (no traceback) when there is none or several."""
    try:
        return setup.find_setting_id(sessions, slug)
    except LookupError as problem:
        raise fail(str(problem)) from None


def only_one_on_sqlite(sessions: sessionmaker[Session], role: str) -> None:
    """Refuse, in one clear line, to start a second `role` process on a SQLite database."""
    if not only_process(sessions, role):
        raise fail(
            f"Another `parentbot {role}` process is running on this SQLite database: SQLite "
            f"runs exactly one. To run several, use PostgreSQL (DATABASE_URL; README, Deploying)."
        )


def observed() -> None:
    """A long-running process's logs through structlog and, when PARENTBOT_METRICS_PORT is
    set, its metrics served there (parentbot/observe.py); a bad value is a ConfigError."""
    from parentbot.observe import configure_logging, serve_metrics

    configure_logging()
    serve_metrics()


def cli_actor() -> str:
    """The audit log's actor for a command: "cli" and the OS user running it, when known."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (OSError, KeyError):  # no user name in the environment or the password database
        return "cli"


def viewed_at_cli(sessions: sessionmaker[Session], subject: str) -> None:
    """Audit that the person at the command line looked at `subject`."""
    with transaction(sessions) as session:
        viewed(session, cli_actor(), subject)


def phone_or_exit(value: str) -> str:
    try:
        return phone_e164(value)
    except FieldError as problem:
        raise fail(str(problem)) from None


def fixed_time(value: str) -> datetime:
    """An ISO 8601 date-time with its offset, in UTC; one clear line otherwise."""
    try:
        fixed = datetime.fromisoformat(value)
    except ValueError:
        raise fail(f"--now {value!r} is not an ISO 8601 date-time") from None
    if fixed.tzinfo is None:
        raise fail("--now needs a UTC offset, e.g. 2026-11-23T08:15:00+00:00")
    return fixed.astimezone(UTC)
