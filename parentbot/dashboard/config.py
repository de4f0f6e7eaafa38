"""The dashboard's own configuration: the secret that signs its cookies, and how they are sent."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from parentbot.config import ConfigError

SECRET_VARIABLE = "PARENTBOT_SECRET_KEY"
SECRET_MIN_LENGTH = 32
GENERATE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


def system_clock() -> datetime:
    """Now, aware, in UTC: sign-in codes and sessions run on real time, whatever the engine's
    clock says about "today"."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class DashboardConfig:
    """What the dashboard needs besides the engine."""

    secret: bytes  # signs the session and CSRF cookies, keys the sign-in code hashes
    secure_cookies: bool  # only over https (PUBLIC_BASE_URL is https)
    demo: bool  # a "sign in as" picker of the staff replaces the code
    clock: Callable[[], datetime] = system_clock
    poll_seconds: float = 3.0  # how often an open page asks whether anything changed

    @classmethod
    def from_env(cls, *, demo: bool, env: Mapping[str, str] = os.environ) -> DashboardConfig:
        """PARENTBOT_SECRET_KEY (required outside demo mode: at least 32 characters, the same
        for every web process) and PUBLIC_BASE_URL. ConfigError when the secret is missing."""
        secret = env.get(SECRET_VARIABLE, "").strip()
        if not secret and demo:
            secret = secrets.token_urlsafe(32)  # demo: sessions last until the process stops
        if len(secret) < SECRET_MIN_LENGTH:
            state = "is not set" if not secret else f"is shorter than {SECRET_MIN_LENGTH}"
            raise ConfigError(
                f"{SECRET_VARIABLE} {state}: the staff dashboard signs its cookies with it;"
                f" generate one with {GENERATE}"
            )
        secure = env.get("PUBLIC_BASE_URL", "").strip().lower().startswith("https://")
        return cls(secret=secret.encode(), secure_cookies=secure, demo=demo)
