"""Process configuration from environment variables (every one is listed in the README)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

from bot.db.session import database_url


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
