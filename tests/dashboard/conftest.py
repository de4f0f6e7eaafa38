"""The production web app (not demo mode) around the demo nursery's engine, for dashboard tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.pipeline.engine import Engine
from parentbot.config import LIVE_CHANNEL_VARIABLES
from parentbot.web import create_app


@pytest.fixture(autouse=True)
def no_live_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    """No channel configured and no https address, unless a test says otherwise."""
    for name in [*LIVE_CHANNEL_VARIABLES, "HOST", "PARENTBOT_DEMO", "PUBLIC_BASE_URL"]:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def client(engine: Engine) -> TestClient:
    """A browser with no cookies yet, on the app as deployed (sign-in by code)."""
    return TestClient(create_app(demo=False, engine=engine))
