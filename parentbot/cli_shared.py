"""What the `parentbot` commands share: the --db option, failing in one clear line, the setting."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

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
