"""Fixtures for the adapters: fake providers, configs and an app with the adapters' routers."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Setting
from bot.db.session import transaction
from bot.service import CoreService
from channels import telegram, twilio_sms, whatsapp
from channels.telegram import TelegramConfig
from channels.twilio_common import TwilioConfig

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the fakes live in tests/fakes, shared with bench/
    sys.path.insert(0, str(REPO))

from tests.channels.support import PUBLIC  # noqa: E402
from tests.fakes.telegram_api import FakeBotApi  # noqa: E402
from tests.fakes.twilio_http import RecordingTwilioHttpClient  # noqa: E402

if TYPE_CHECKING:
    from bot.pipeline.engine import Engine


LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection beyond loopback fails the test: fakes stand in for every provider."""
    connect = socket.socket.connect

    def loopback_only(self: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            raise AssertionError(f"a test tried to reach {address}")
        connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)


@pytest.fixture
def outbox_db(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """A clean database on each backend with one setting (id 1) and no roster."""
    with transaction(sessions) as session:
        session.add(Setting(id=1, slug="test", name="Test Nursery"))
    return sessions


@pytest.fixture
def fake_bot_api() -> Iterator[FakeBotApi]:
    """The fake Bot API on 127.0.0.1, no cap unless a test sets one."""
    with FakeBotApi(cap_per_second=None) as api:
        yield api


@pytest.fixture
def telegram_config(fake_bot_api: FakeBotApi) -> TelegramConfig:
    return TelegramConfig(
        token="123:TEST",
        webhook_secret="s3cret-Token_1",
        public_base_url=PUBLIC,
        api_base_url=fake_bot_api.base_url,
    )


@pytest.fixture
def twilio_config() -> TwilioConfig:
    return TwilioConfig(
        account_sid="AC" + "0" * 32,
        auth_token="twilio-auth-token",
        sms_from="+447700900500",
        whatsapp_from="+447700900501",
        public_base_url=PUBLIC,
        messages_per_second=50,
        segment_budget=3,
    )


@pytest.fixture
def twilio_http() -> RecordingTwilioHttpClient:
    return RecordingTwilioHttpClient()


@pytest.fixture
def app(engine: Engine, telegram_config: TelegramConfig, twilio_config: TwilioConfig) -> FastAPI:
    """A FastAPI app with the three adapters' routers and a real Engine on the demo nursery."""
    application = FastAPI()
    core = CoreService(engine)
    application.include_router(telegram.build_router(core, telegram_config))
    application.include_router(twilio_sms.build_router(core, twilio_config))
    application.include_router(whatsapp.build_router(core, twilio_config))
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
