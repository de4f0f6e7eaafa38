"""`parentbot evening show ID [--csv F] [--ics F]`: a parents' evening's grid, and its meetings
exported as CSV and iCalendar (added to the `parentbot` command in parentbot/cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.db.models import ParentsEvening
from bot.db.session import transaction
from parentbot import setup
from parentbot.cli_shared import DbOption, fail, setting_to_serve
from parentbot.config import AppConfig

commands = typer.Typer(help="Parents' evenings.")


@commands.command("show")
def show_command(
    evening_id: Annotated[int, typer.Argument(help="The evening's number (E3: 3).")],
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Write the meetings as CSV.")
    ] = None,
    ics_out: Annotated[Path | None, typer.Option("--ics", help="Write them as .ics.")] = None,
    db: DbOption = None,
) -> None:
    """Print the evening's grid (a row per slot, a column per member of staff)."""
    from bot.evenings.export import grid_csv, grid_ics, grid_text

    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url)
    setting_id = setting_to_serve(sessions, config.setting_slug)
    with transaction(sessions) as session:
        evening = session.get(ParentsEvening, evening_id)
        if evening is None or evening.setting_id != setting_id:
            raise fail(f"There is no parents' evening E{evening_id}.")
        typer.echo(grid_text(session, evening))
        if csv_out is not None:
            csv_out.write_text(grid_csv(session, evening), encoding="utf-8")
        if ics_out is not None:
            ics_out.write_bytes(grid_ics(session, evening))
