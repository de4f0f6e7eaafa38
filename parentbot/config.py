"""Process configuration from environment variables (every one is listed in the README)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.db.session import database_url

# Any of these set means a real channel is configured: real parents can be reached from here.
LIVE_CHANNEL_VARIABLES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_SMS_FROM",
    "TWILIO_WHATSAPP_FROM",
)


class ConfigError(ValueError):
    """An environment variable holds a value the processes cannot use."""


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class AppConfig:
    """What the web, scheduler and worker processes read at start."""

    database_url: str
    setting_slug: str | None
    demo: bool
    host: str
    port: int
    queue_turns: bool  # PARENTBOT_TURNS=queued: webhooks are answered by `parentbot turns`
    delivery_lease: timedelta  # how long a delivery worker's claim lasts before it lapses

    @classmethod
    def from_env(cls) -> AppConfig:
        """Read DATABASE_URL / PARENTBOT_DATA_DIR, PARENTBOT_SETTING, PARENTBOT_DEMO, HOST, PORT,
        PARENTBOT_TURNS (`inline`, the default, or `queued`), PARENTBOT_DELIVERY_LEASE_SECONDS."""
        turns = os.environ.get("PARENTBOT_TURNS", "inline").strip().lower()
        if turns not in ("inline", "queued"):
            raise ConfigError(f"PARENTBOT_TURNS must be inline or queued, not {turns!r}")
        lease = os.environ.get("PARENTBOT_DELIVERY_LEASE_SECONDS", "60").strip()
        try:
            lease_seconds = float(lease)
        except ValueError:
            lease_seconds = 0.0
        if lease_seconds <= 0:
            raise ConfigError(
                f"PARENTBOT_DELIVERY_LEASE_SECONDS must be a positive number, not {lease!r}"
            )
        return cls(
            database_url=database_url(),
            setting_slug=os.environ.get("PARENTBOT_SETTING") or None,
            demo=_flag("PARENTBOT_DEMO"),
            host=os.environ.get("HOST", "127.0.0.1"),
            port=int(os.environ.get("PORT", "8000")),
            queue_turns=turns == "queued",
            delivery_lease=timedelta(seconds=lease_seconds),
        )


def refuse_unsafe_demo(host: str, env: Mapping[str, str] = os.environ) -> None:
    """ConfigError unless demo mode is safe here: the demo web chat has no login and lets anyone
    speak as any parent or the manager, so it runs only on a loopback address (HOST) and only
    with no live channel configured."""
    for name in LIVE_CHANNEL_VARIABLES:
        if env.get(name):
            raise ConfigError(
                f"demo mode refuses to start: {name} is set (a live channel, and the demo web"
                " chat lets anyone speak as any parent)"
            )
    if not is_loopback(host):
        raise ConfigError(
            f"demo mode refuses to start: HOST is {host!r}, not a loopback address"
            " (anyone who can reach it could speak as any parent)"
        )


def is_loopback(host: str) -> bool:
    """Whether `host` is an address only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip()).is_loopback
    except ValueError:
        return False
