"""The `parentbot` command: import, simulate, chat, serve, evaluate, broadcast, staff look-ups."""

from __future__ import annotations

import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from bot.audit import audit
from bot.db.models import Guardian
from bot.db.session import transaction
from bot.outbound.outbox import EVERY_CHANNEL, Reach
from bot.pipeline.engine import Engine
from bot.roster.errors import RosterInvalid
from parentbot import setup
from parentbot.cli_channels import commands as channel_commands
from parentbot.cli_evening import commands as evening_commands
from parentbot.cli_privacy import commands as privacy_commands
from parentbot.cli_shared import (
    DbOption,
    cli_actor,
    fail,
    fixed_time,
    observed,
    only_one_on_sqlite,
    setting_to_serve,
    viewed_at_cli,
)
from parentbot.config import AppConfig, ConfigError

if TYPE_CHECKING:
    from bot.i18n.services import Translation

app = typer.Typer(
    help="parentbot: a nursery's assistant for parents and staff.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(channel_commands)  # serve, deliver, chat, telegram (parentbot/cli_channels.py)
app.add_typer(privacy_commands)  # export, erase, retention (parentbot/cli_privacy.py)
app.add_typer(evening_commands, name="evening")  # evening show (parentbot/cli_evening.py)

NO_CHANNEL = (
    "No channel is configured (TELEGRAM_BOT_TOKEN, TWILIO_*): notices and broadcasts reach "
    "nobody; the web chat reaches only people who open it."
)

UNCURATED = (
    "note: no curated messages in {}: those guardians get the bot's own messages in English, "
    "and broadcasts machine-translated when TRANSLATOR is set."
)


def _import_or_exit(url: str, folder: Path) -> int:
    sessions = setup.open_database(url)
    try:
        summary = setup.import_setting_folder(sessions, folder)
    except RosterInvalid as invalid:
        for error in invalid.errors:
            typer.echo(str(error), err=True)
        raise fail(f"{len(invalid.errors)} problem(s) in {folder}; nothing was changed.") from None
    for problem in summary.policy_problems:
        typer.echo(f"policy not imported: {problem}", err=True)
    typer.echo(
        f"Imported {folder}: {summary.rooms} rooms, {summary.staff} staff, "
        f"{summary.children} children, {summary.guardians} guardians, "
        f"{summary.policies} policy documents ({summary.removed} removed).",
        err=True,
    )
    if summary.uncurated_languages:
        typer.echo(UNCURATED.format(", ".join(summary.uncurated_languages)), err=True)
    return summary.setting_id


@app.command("import")
def import_command(folder: Path, db: DbOption = None) -> None:
    """Validate and import a setting folder (setting.toml, CSVs, policies/): all or nothing."""
    if not folder.is_dir():
        raise fail(f"{folder} is not a folder")
    url = db or AppConfig.from_env().database_url
    _warn_unreachable(url, _import_or_exit(url, folder))


def _warn_unreachable(url: str, setting_id: int) -> None:
    """After the summary, each person no configured channel can reach (the import stands)."""
    from parentbot.wiring import configured_channels

    channels = configured_channels()
    sessions = setup.open_database(url, migrate=False)
    warnings = setup.reach_warnings(sessions, setting_id, channels) if channels else [NO_CHANNEL]
    for line in warnings:
        typer.echo(line, err=True)


@app.command()
def simulate(
    setting: Annotated[Path, typer.Option("--setting", help="Setting folder to import.")],
    now: Annotated[
        str | None, typer.Option("--now", help="Fixed clock, ISO 8601 with offset.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Read JSON lines on stdin, write one JSON line per input (see README for the contract)."""
    from parentbot import simulate as simulation

    clock = simulation.SimClock(fixed_time(now) if now else None)
    with tempfile.TemporaryDirectory(prefix="parentbot-sim-") as scratch:
        url = db or f"sqlite:///{Path(scratch) / 'simulate.sqlite3'}"
        setting_id = _import_or_exit(url, setting)
        # simulate stands in for every provider: each channel counts as configured
        engine = Engine(
            setup.open_database(url, migrate=False), setting_id, clock=clock, reach=EVERY_CHANNEL
        )
        for output in simulation.run(engine, sys.stdin, clock):
            sys.stdout.write(output + "\n")
            sys.stdout.flush()


@app.command()
def scheduler(db: DbOption = None) -> None:
    """Run THE scheduler process (absence chase, call tasks, outbox clean-up): exactly one."""
    from parentbot.scheduler import run_forever
    from parentbot.wiring import reach

    config = AppConfig.from_env()
    observed()
    run_forever(setup.open_database(db or config.database_url), reach(config.demo))


@app.command()
def turns(db: DbOption = None) -> None:
    """Run a turns process: answer the messages webhooks kept (PARENTBOT_TURNS=queued), each
    parent's in order. Several may run on PostgreSQL; exactly one on SQLite."""
    from bot.pipeline.turns import run_turns
    from parentbot.wiring import reach

    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url, migrate=False)
    only_one_on_sqlite(sessions, "turns")
    observed()
    setting_id = setting_to_serve(sessions, config.setting_slug)
    engine = Engine(sessions, setting_id, reach=reach(config.demo))
    engine.warm()
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    typer.echo("Answering kept messages until interrupted", err=True)
    run_turns(engine, stop)


@app.command()
def migrate(db: DbOption = None) -> None:
    """Bring the database schema up to date (the Procfile's release step does this too)."""
    setup.open_database(db or AppConfig.from_env().database_url)
    typer.echo("Schema is up to date.", err=True)


@app.command("eval-nlu")
def eval_nlu(json_out: Annotated[Path | None, typer.Option("--json")] = None) -> None:
    """Score the understanding step on the labelled examples (train and held-out splits)."""
    from bot.nlu.evaluate import cli_main

    raise typer.Exit(cli_main(json_out))


@app.command("eval-qa")
def eval_qa(
    json_out: Annotated[Path | None, typer.Option("--json")] = None,
    splits: Annotated[
        list[str] | None,
        typer.Option(
            "--split",
            help="A split to measure (repeat for more; default: every split but fresh3).",
        ),
    ] = None,
    turns: Annotated[
        bool,
        typer.Option(
            "--turns",
            help="Whole turns through the engine as a known parent (routing, setting facts, "
            "policy flow) instead of the policy index alone.",
        ),
    ] = False,
    ask_back: Annotated[
        bool,
        typer.Option(
            "--ask-back",
            help="The policy index with asking back (answer, choose a section, or hand off).",
        ),
    ] = False,
) -> None:
    """Score policy answers on the question sets (answered, abstained, wrongly abstained)."""
    from bot.policies.evaluate import DEFAULT_SPLITS, SPLITS

    unknown = sorted(set(splits or ()) - set(SPLITS))
    if unknown:
        raise fail(f"unknown split {', '.join(unknown)}; the splits are {', '.join(SPLITS)}")
    if turns and ask_back:
        raise fail("--turns and --ask-back measure different things: choose one")
    chosen = tuple(splits) if splits else DEFAULT_SPLITS
    if turns:
        from parentbot.eval_turns import cli_main as turns_main

        raise typer.Exit(turns_main(json_out, chosen))
    if ask_back:
        from bot.policies.evaluate_askback import cli_main as ask_back_main

        raise typer.Exit(ask_back_main(json_out, chosen))
    from bot.policies.evaluate import cli_main

    raise typer.Exit(cli_main(json_out, chosen))


@app.command()
def unanswered(db: DbOption = None) -> None:
    """Questions the policies did not answer, newest first, so staff can improve the policies."""
    from bot.staff.views import unanswered_questions

    sessions = setup.open_database(db or AppConfig.from_env().database_url)
    for line in unanswered_questions(sessions):
        typer.echo(line)
    viewed_at_cli(sessions, "handoffs:policy_unanswered")


@app.command("delivery-problems")
def delivery_problems_command(db: DbOption = None) -> None:
    """Messages that failed, may not have arrived (unknown), were given up (dead) or that no
    configured channel can carry (undeliverable), parents' messages not answered after a
    minute, and the numbers that opted out."""
    from bot.staff.views import delivery_problems

    sessions = setup.open_database(db or AppConfig.from_env().database_url, migrate=False)
    for line in delivery_problems(sessions) or ["No delivery problems."]:
        typer.echo(line)
    viewed_at_cli(sessions, "outbox:delivery_problems")


@app.command("link-code")
def link_code(
    phone: Annotated[str, typer.Option("--phone", help="The guardian's or staff member's phone.")],
    db: DbOption = None,
) -> None:
    """A one-time code (48 h) a guardian sends the Telegram bot as `/link CODE` to connect."""
    from bot.pipeline.linking import issue_link_code
    from bot.roster.fields import FieldError, phone_e164
    from bot.staff.views import person_by_phone

    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url, migrate=False)
    try:
        e164 = phone_e164(phone)
    except FieldError as problem:
        raise fail(str(problem)) from None
    setting_id = setting_to_serve(sessions, config.setting_slug)
    with transaction(sessions) as session:
        person = person_by_phone(session, setting_id, e164)
        if person is None:
            raise fail(f"Nobody on the roster has the phone {e164}.")
        role = (
            {"guardian_id": person.id} if isinstance(person, Guardian) else {"staff_id": person.id}
        )
        code = issue_link_code(session, setting_id, **role)
        person_ref = "guardian" if isinstance(person, Guardian) else "staff"
        audit(session, cli_actor(), "link_code_issued", f"{person_ref}:{person.id}")
    typer.echo(f"Code for {person.name}: {code} (send it to the bot as /link {code}; 48 hours)")


@app.command("broadcast")
def broadcast_command(
    text: Annotated[str, typer.Option("--text", help="The message, in English.")],
    room: Annotated[
        str | None, typer.Option("--room", help="Only the families of this room's children.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help='Send later: "tomorrow at 8am", "Fri 9:00", "every Friday 15:00".'
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Message every family (or one room's) in each family's language; print the report (with
    --at: schedule it for the `broadcasts` job and print its reference)."""
    from bot.i18n.services import Translation

    if not text.strip():
        raise fail("--text is empty.")
    if at:
        from parentbot.cli_broadcast import schedule_broadcast

        config = AppConfig.from_env()
        sessions = setup.open_database(db or config.database_url)
        setting_id = setting_to_serve(sessions, config.setting_slug)
        try:
            typer.echo(schedule_broadcast(sessions, setting_id, text.strip(), at, room))
        except (LookupError, ValueError) as problem:
            raise fail(str(problem)) from None
        return
    from bot.outbound.broadcast import BroadcastRefused
    from parentbot.wiring import reach

    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url)
    setting_id = setting_to_serve(sessions, config.setting_slug)
    try:
        typer.echo(
            send_broadcast(
                sessions, setting_id, text, Translation.from_env(), room, reach(config.demo)
            )
        )
    except (LookupError, BroadcastRefused) as problem:
        raise fail(str(problem)) from None


@app.command("broadcast-status")
def broadcast_status_command(
    broadcast_id: Annotated[str, typer.Argument(help="The broadcast, e.g. B3 or 3.")],
    db: DbOption = None,
) -> None:
    """Per family: sent / delivered / read / failed, confirmed, resent, in a call task."""
    from parentbot.cli_broadcast import broadcast_status

    number = broadcast_id.upper().removeprefix("B")
    if not number.isdecimal():
        raise fail(f"{broadcast_id!r} is not a broadcast reference (e.g. B3).")
    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url)
    setting_id = setting_to_serve(sessions, config.setting_slug)
    try:
        typer.echo(broadcast_status(sessions, setting_id, int(number)))
    except LookupError as problem:
        raise fail(str(problem)) from None


def send_broadcast(
    sessions: sessionmaker[Session],
    setting_id: int,
    text: str,
    translation: Translation,
    room: str | None = None,
    reach: Reach = EVERY_CHANNEL,
) -> str:
    """The command's work, with the translation service and the channels that can carry it
    passed in (tests pass a fake translator)."""
    from bot.i18n.names import staff_catalog
    from bot.outbound.broadcast import announce

    with transaction(sessions) as session:
        return announce(
            session,
            setting_id,
            text.strip(),
            translation.for_turn(session, setting_id).translator,
            actor=cli_actor(),
            say=lambda key, **values: staff_catalog().text(key, "en", **values),
            room=room,
            reach=reach,
        )


def main() -> None:
    """Console-script entry point: a misconfigured environment is one clear line, not a trace."""
    try:
        app()
    except ConfigError as problem:
        typer.echo(f"Configuration: {problem}", err=True)
        raise SystemExit(2) from None
