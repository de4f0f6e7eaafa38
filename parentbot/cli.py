"""The `parentbot` command: import, simulate, chat, serve, evaluate, broadcast, staff look-ups."""

from __future__ import annotations

import asyncio
import getpass
import json
import logging
import signal
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from bot.audit import audit, viewed
from bot.db.models import Guardian, utcnow
from bot.db.session import transaction
from bot.outbound.outbox import EVERY_CHANNEL, Reach
from bot.pipeline.engine import Engine
from bot.roster.errors import RosterInvalid
from parentbot import setup
from parentbot.config import AppConfig, ConfigError, refuse_unsafe_demo

if TYPE_CHECKING:
    from fastapi import FastAPI

    from bot.i18n.services import Translation

app = typer.Typer(
    help="parentbot: a nursery's assistant for parents and staff.",
    no_args_is_help=True,
    add_completion=False,
)

NO_CHANNEL = (
    "No channel is configured (TELEGRAM_BOT_TOKEN, TWILIO_*): notices and broadcasts reach "
    "nobody; the web chat reaches only people who open it."
)

UNCURATED = (
    "note: no curated messages in {}: those guardians get the bot's own messages in English, "
    "and broadcasts machine-translated when TRANSLATOR is set."
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: DATABASE_URL or the SQLite file in the data dir)."
    ),
]


def _setting_id(sessions: sessionmaker[Session], slug: str | None) -> int:
    """The setting to serve, or a clear message (no traceback) when there is none or several."""
    try:
        return setup.find_setting_id(sessions, slug)
    except LookupError as problem:
        raise _fail(str(problem)) from None


def _app(demo: bool) -> FastAPI:
    from parentbot.web import create_app

    try:
        return create_app(demo=demo)
    except LookupError as problem:
        raise _fail(str(problem)) from None


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=1)


def _import_or_exit(url: str, folder: Path) -> int:
    sessions = setup.open_database(url)
    try:
        summary = setup.import_setting_folder(sessions, folder)
    except RosterInvalid as invalid:
        for error in invalid.errors:
            typer.echo(str(error), err=True)
        raise _fail(f"{len(invalid.errors)} problem(s) in {folder}; nothing was changed.") from None
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
        raise _fail(f"{folder} is not a folder")
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

    clock = simulation.SimClock(_fixed_time(now) if now else None)
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


def _fixed_time(value: str) -> datetime:
    try:
        fixed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"--now {value!r} is not an ISO 8601 date-time") from None
    if fixed.tzinfo is None:
        raise _fail("--now needs a UTC offset, e.g. 2026-11-23T08:15:00+00:00")
    return fixed.astimezone(UTC)


@app.command()
def scheduler(db: DbOption = None) -> None:
    """Run THE scheduler process (absence chase, call tasks, outbox clean-up): exactly one."""
    from parentbot.scheduler import run_forever
    from parentbot.wiring import reach

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = AppConfig.from_env()
    run_forever(setup.open_database(db or config.database_url), reach(config.demo))


@app.command()
def chat(
    as_phone: Annotated[str, typer.Option("--as", help="Your phone number (a roster entry).")],
    db: DbOption = None,
) -> None:
    """Chat with the bot in the terminal as a guardian or member of staff."""
    from channels.terminal import run_terminal_chat
    from parentbot.wiring import reach

    config = AppConfig.from_env()
    sessions = _served_database(db or config.database_url, demo=True)
    engine = Engine(sessions, _setting_id(sessions, config.setting_slug), reach=reach(config.demo))
    run_terminal_chat(engine, as_phone)


@app.command()
def serve(
    demo: Annotated[
        bool,
        typer.Option(
            help="Load the demo nursery if the database is empty and enable the demo web chat."
        ),
    ] = False,
) -> None:
    """Run the web app (web chat, webhooks) with uvicorn."""
    import uvicorn

    config = AppConfig.from_env()
    if demo or config.demo:
        refuse_unsafe_demo(config.host)  # before the demo nursery is loaded anywhere
    _served_database(config.database_url, demo=demo)
    web_app = _app(demo or config.demo)
    typer.echo(f"parentbot is serving on http://{config.host}:{config.port}/", err=True)
    uvicorn.run(web_app, host=config.host, port=config.port, log_level="warning")


def _served_database(url: str, *, demo: bool) -> sessionmaker[Session]:
    sessions = setup.open_database(url)
    if demo and setup.setting_count(sessions) == 0:
        setup.import_setting_folder(sessions, setup.demo_folder())
    return sessions


@app.command()
def deliver(db: DbOption = None) -> None:
    """Run the outbox delivery worker for every configured channel until interrupted."""
    from bot.outbound.delivery import DeliveryWorker
    from parentbot.wiring import pull_channels, senders

    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url, migrate=False)
    channel_senders = senders(sessions)
    if not channel_senders:
        raise _fail("No channel is configured: set TELEGRAM_BOT_TOKEN and/or TWILIO_* (README).")
    typer.echo(f"Delivering outbox messages for: {', '.join(sorted(channel_senders))}", err=True)
    worker = DeliveryWorker(
        sessions, channel_senders, lease=config.delivery_lease, pulled=pull_channels(config.demo)
    )
    asyncio.run(_until_interrupted(worker.run_forever))


@app.command()
def turns(db: DbOption = None) -> None:
    """Run THE turns process (one keeps each parent's messages in order): answer the messages
    webhooks kept (PARENTBOT_TURNS=queued)."""
    from bot.pipeline.turns import run_turns
    from parentbot.wiring import reach

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url, migrate=False)
    engine = Engine(sessions, _setting_id(sessions, config.setting_slug), reach=reach(config.demo))
    engine.warm()
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    typer.echo("Answering kept messages until interrupted", err=True)
    run_turns(engine, stop)


async def _until_interrupted(run: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    await run(stop)


telegram_app = typer.Typer(help="Telegram: register the webhook, or poll during development.")
app.add_typer(telegram_app, name="telegram")


@telegram_app.command("set-webhook")
def telegram_set_webhook() -> None:
    """Register PUBLIC_BASE_URL/telegram/webhook with Telegram, with the secret token."""
    from channels.telegram import set_webhook
    from parentbot.wiring import telegram_config

    config = telegram_config()
    if config is None or not config.public_base_url or not config.webhook_secret:
        raise _fail("Set TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET and PUBLIC_BASE_URL first.")
    if not asyncio.run(set_webhook(config)):
        raise _fail("Telegram refused the webhook; check the token and that the URL is https.")
    typer.echo(f"Webhook set to {config.public_base_url}/telegram/webhook", err=True)


@telegram_app.command("poll")
def telegram_poll(db: DbOption = None) -> None:
    """Fetch updates by long polling instead of a webhook (development; no public URL needed)."""
    from channels.telegram import run_polling
    from parentbot.wiring import reach, telegram_config

    config = telegram_config()
    if config is None:
        raise _fail("Set TELEGRAM_BOT_TOKEN first.")
    settings = AppConfig.from_env()
    sessions = setup.open_database(db or settings.database_url)
    setting_id = _setting_id(sessions, settings.setting_slug)
    engine = Engine(sessions, setting_id, reach=reach(settings.demo))
    asyncio.run(_until_interrupted(lambda stop: run_polling(engine, config, stop)))


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
        raise _fail(f"unknown split {', '.join(unknown)}; the splits are {', '.join(SPLITS)}")
    if turns and ask_back:
        raise _fail("--turns and --ask-back measure different things: choose one")
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
    _viewed(sessions, "handoffs:policy_unanswered")


@app.command("delivery-problems")
def delivery_problems_command(db: DbOption = None) -> None:
    """Messages that failed, may not have arrived (unknown), were given up (dead) or that no
    configured channel can carry (undeliverable), parents' messages not answered after a
    minute, and the numbers that opted out."""
    from bot.staff.views import delivery_problems

    sessions = setup.open_database(db or AppConfig.from_env().database_url, migrate=False)
    for line in delivery_problems(sessions) or ["No delivery problems."]:
        typer.echo(line)
    _viewed(sessions, "outbox:delivery_problems")


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
        raise _fail(str(problem)) from None
    setting_id = _setting_id(sessions, config.setting_slug)
    with transaction(sessions) as session:
        person = person_by_phone(session, setting_id, e164)
        if person is None:
            raise _fail(f"Nobody on the roster has the phone {e164}.")
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
    db: DbOption = None,
) -> None:
    """Message every family (or one room's) in each family's language; print the report."""
    from bot.i18n.services import Translation

    if not text.strip():
        raise _fail("--text is empty.")
    from bot.outbound.broadcast import BroadcastRefused
    from parentbot.wiring import reach

    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url)
    setting_id = _setting_id(sessions, config.setting_slug)
    try:
        typer.echo(
            send_broadcast(
                sessions, setting_id, text, Translation.from_env(), room, reach(config.demo)
            )
        )
    except (LookupError, BroadcastRefused) as problem:
        raise _fail(str(problem)) from None


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


# --- Data protection (bot.privacy): subject access export, erasure, retention; audit actor ---


def cli_actor() -> str:
    """The audit log's actor for a command: "cli" and the OS user running it, when known."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (OSError, KeyError):  # no user name in the environment or the password database
        return "cli"


def _viewed(sessions: sessionmaker[Session], subject: str) -> None:
    """Audit that the person at the command line looked at `subject`."""
    with transaction(sessions) as session:
        viewed(session, cli_actor(), subject)


def _phone_or_exit(value: str) -> str:
    from bot.roster.fields import FieldError, phone_e164

    try:
        return phone_e164(value)
    except FieldError as problem:
        raise _fail(str(problem)) from None


@app.command("export")
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
        raise _fail("Give --guardian PHONE or --child NAME (one of them).")
    phone = _phone_or_exit(guardian) if guardian is not None else None
    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url)
    setting_id = _setting_id(sessions, config.setting_slug)
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
        raise _fail(str(problem)) from None
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


@app.command("erase")
def erase_command(
    guardian: Annotated[str, typer.Option("--guardian", help="The guardian's phone.")],
    yes: Annotated[bool, typer.Option("--yes", help="Erase (without it: only say what).")] = False,
    db: DbOption = None,
) -> None:
    """Erase a guardian's personal data now (messages, replies, identities, preferences); the
    records the setting must keep stay, with a reference instead of them. Says what it kept."""
    from bot.privacy.erase import erase_guardian

    phone = _phone_or_exit(guardian)
    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url)
    setting_id = _setting_id(sessions, config.setting_slug)
    try:
        with transaction(sessions) as session:
            report = erase_guardian(session, setting_id, phone, utcnow(), cli_actor())
            if not yes:
                raise _Preview(report.lines())
    except LookupError as problem:
        raise _fail(str(problem)) from None
    except _Preview as preview:
        for line in preview.lines:
            typer.echo(line)
        raise _fail("Nothing was erased: run again with --yes to erase.") from None
    for line in report.lines():
        typer.echo(line)


@app.command("retention")
def retention_command(
    now: Annotated[
        str | None, typer.Option("--now", help="Run as at this time (ISO 8601 with offset).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Run the daily retention job once: due erasures, and messages and records older than the
    setting keeps them (retain_messages_days, retain_records_years). Prints the counts."""
    from bot.privacy.retention import run_retention

    at = _fixed_time(now) if now else utcnow()
    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url)
    setting_id = _setting_id(sessions, config.setting_slug)
    with transaction(sessions) as session:
        report = run_retention(session, setting_id, at)
    for line in report.lines():
        typer.echo(line)


def main() -> None:
    """Console-script entry point: a misconfigured environment is one clear line, not a trace."""
    try:
        app()
    except ConfigError as problem:
        typer.echo(f"Configuration: {problem}", err=True)
        raise SystemExit(2) from None
