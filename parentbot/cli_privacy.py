"""The `parentbot` data-protection commands (bot.privacy): a subject access export, erasure of a
guardian's personal data, and one run of the retention job (added to the `parentbot` command in
parentbot/cli.py). Each is audited with the person at the command line as the actor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.db.models import utcnow
from bot.db.session import transaction
from parentbot import setup
from parentbot.cli_shared import (
    DbOption,
    cli_actor,
    fail,
    fixed_time,
    phone_or_exit,
    setting_to_serve,
)
from parentbot.config import AppConfig

commands = typer.Typer()


@commands.command("export")
def export_command(
    guardian: Annotated[
        str | None, typer.Option("--guardian", help="The guardian's phone (any UK format).")
    ] = None,
    child: Annotated[
        str | None, typer.Option("--child", help="The child's name, e.g. 'Maya Thompson'.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the JSON to this file (default: stdout).")
    ] = None,
    include_safeguarding: Annotated[
        bool,
        typer.Option(
            "--include-safeguarding",
            help="Include safeguarding items, once the designated safeguarding lead agrees.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Everything held about a guardian (and their children) or a child, as JSON: for a subject
    access request. Audited."""
    from bot.privacy.export import export_for

    if (guardian is None) == (child is None):
        raise fail("Give --guardian PHONE or --child NAME (one of them).")
    phone = phone_or_exit(guardian) if guardian is not None else None
    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url)
    setting_id = setting_to_serve(sessions, config.setting_slug)
    try:
        with transaction(sessions) as session:
            exported = export_for(
                session,
                setting_id,
                utcnow(),
                cli_actor(),
                phone=phone,
                child=child,
                include_safeguarding=include_safeguarding,
            )
    except LookupError as problem:
        raise fail(str(problem)) from None
    text = json.dumps(exported, ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    withheld = len(exported["withheld"])
    typer.echo(f"Wrote {out} ({withheld} safeguarding rows withheld).", err=True)


class _Preview(Exception):
    """Rolls back an erasure that was only to be shown (no --yes)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("preview")
        self.lines = lines


@commands.command("erase")
def erase_command(
    guardian: Annotated[str, typer.Option("--guardian", help="The guardian's phone.")],
    yes: Annotated[bool, typer.Option("--yes", help="Erase (without it: only say what).")] = False,
    db: DbOption = None,
) -> None:
    """Erase a guardian's personal data now (messages, replies, identities, preferences); the
    records the setting must keep stay, with a reference instead of them. Says what it kept."""
    from bot.privacy.erase import erase_guardian

    phone = phone_or_exit(guardian)
    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url)
    setting_id = setting_to_serve(sessions, config.setting_slug)
    try:
        with transaction(sessions) as session:
            report = erase_guardian(session, setting_id, phone, utcnow(), cli_actor())
            if not yes:
                raise _Preview(report.lines())
    except LookupError as problem:
        raise fail(str(problem)) from None
    except _Preview as preview:
        for line in preview.lines:
            typer.echo(line)
        raise fail("Nothing was erased: run again with --yes to erase.") from None
    for line in report.lines():
        typer.echo(line)


@commands.command("retention")
def retention_command(
    now: Annotated[
        str | None, typer.Option("--now", help="Run as at this time (ISO 8601 with offset).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Run the daily retention job once: due erasures, and messages and records older than the
    setting keeps them (retain_messages_days, retain_records_years). Prints the counts."""
    from bot.privacy.retention import run_retention

    at = fixed_time(now) if now else utcnow()
    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url)
    setting_id = setting_to_serve(sessions, config.setting_slug)
    with transaction(sessions) as session:
        report = run_retention(session, setting_id, at)
    for line in report.lines():
        typer.echo(line)
