"""The `parentbot` commands that serve channels: the web app, the delivery worker, the terminal
chat and Telegram's webhook or polling (added to the `parentbot` command in parentbot/cli.py)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline.engine import Engine
from bot.service import CoreService
from parentbot import setup
from parentbot.cli_shared import DbOption, fail, observed, only_one_on_sqlite, setting_to_serve
from parentbot.config import AppConfig, refuse_unsafe_demo

if TYPE_CHECKING:
    from fastapi import FastAPI

commands = typer.Typer()
telegram_app = typer.Typer(help="Telegram: register the webhook, or poll during development.")
commands.add_typer(telegram_app, name="telegram")


@commands.command()
def chat(
    as_phone: Annotated[str, typer.Option("--as", help="Your phone number (a roster entry).")],
    db: DbOption = None,
) -> None:
    """Chat with the bot in the terminal as a guardian or member of staff."""
    from channels.terminal import run_terminal_chat

    config = AppConfig.from_env()
    sessions = _served_database(db or config.database_url, demo=True)
    run_terminal_chat(_core(sessions, config), as_phone)


@commands.command()
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

    from parentbot.observe import configure_logging

    config = AppConfig.from_env()
    if demo or config.demo:
        refuse_unsafe_demo(config.host)  # before the demo nursery is loaded anywhere
    _served_database(config.database_url, demo=demo)
    web_app = _app(demo or config.demo)
    typer.echo(f"parentbot is serving on http://{config.host}:{config.port}/", err=True)
    configure_logging()  # uvicorn's own lines too (log_config=None keeps this set-up)
    uvicorn.run(web_app, host=config.host, port=config.port, log_level="warning", log_config=None)


@commands.command()
def deliver(db: DbOption = None) -> None:
    """Run an outbox delivery worker for every configured channel until interrupted (several
    may run on PostgreSQL; exactly one on SQLite)."""
    from bot.outbound.delivery import DeliveryWorker
    from parentbot.wiring import pull_channels, senders

    config = AppConfig.from_env()
    sessions = setup.open_database(db or config.database_url, migrate=False)
    only_one_on_sqlite(sessions, "deliver")
    observed()
    channel_senders = senders(sessions)
    if not channel_senders:
        raise fail("No channel is configured: set TELEGRAM_BOT_TOKEN and/or TWILIO_* (README).")
    typer.echo(f"Delivering outbox messages for: {', '.join(sorted(channel_senders))}", err=True)
    worker = DeliveryWorker(
        sessions, channel_senders, lease=config.delivery_lease, pulled=pull_channels(config.demo)
    )
    asyncio.run(_until_interrupted(worker.run_forever))


@telegram_app.command("set-webhook")
def telegram_set_webhook() -> None:
    """Register PUBLIC_BASE_URL/telegram/webhook with Telegram, with the secret token."""
    from channels.telegram import set_webhook
    from parentbot.wiring import telegram_config

    config = telegram_config()
    if config is None or not config.public_base_url or not config.webhook_secret:
        raise fail("Set TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET and PUBLIC_BASE_URL first.")
    if not asyncio.run(set_webhook(config)):
        raise fail("Telegram refused the webhook; check the token and that the URL is https.")
    typer.echo(f"Webhook set to {config.public_base_url}/telegram/webhook", err=True)


@telegram_app.command("poll")
def telegram_poll(db: DbOption = None) -> None:
    """Fetch updates by long polling instead of a webhook (development; no public URL needed)."""
    from channels.telegram import run_polling
    from parentbot.wiring import telegram_config

    config = telegram_config()
    if config is None:
        raise fail("Set TELEGRAM_BOT_TOKEN first.")
    settings = AppConfig.from_env()
    core = _core(setup.open_database(db or settings.database_url), settings)
    asyncio.run(_until_interrupted(lambda stop: run_polling(core, config, stop)))


def _core(sessions: sessionmaker[Session], config: AppConfig) -> CoreService:
    """The core for the configured setting, reaching people by the configured channels."""
    from parentbot.wiring import reach

    setting_id = setting_to_serve(sessions, config.setting_slug)
    return CoreService(Engine(sessions, setting_id, reach=reach(config.demo)))


def _served_database(url: str, *, demo: bool) -> sessionmaker[Session]:
    sessions = setup.open_database(url)
    if demo and setup.setting_count(sessions) == 0:
        setup.import_setting_folder(sessions, setup.demo_folder())
    return sessions


def _app(demo: bool) -> FastAPI:
    from parentbot.web import create_app

    try:
        return create_app(demo=demo)
    except LookupError as problem:
        raise fail(str(problem)) from None


async def _until_interrupted(run: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    await run(stop)
