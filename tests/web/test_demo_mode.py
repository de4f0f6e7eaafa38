"""Demo mode is for one machine: it lets anyone speak as any parent or the manager.

So it refuses to start with a live channel configured or on a non-loopback address; outside it
there is no web chat, no API schema and no docs; and the web chat is rate-limited per client.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import InboundLog
from bot.pipeline.engine import Engine
from channels.client_limit import ClientRateLimit
from parentbot.config import LIVE_CHANNEL_VARIABLES, ConfigError
from parentbot.web import create_app

SARAH = "+447700900101"


@pytest.fixture(autouse=True)
def no_live_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from a machine with no channel configured, served on loopback."""
    for name in [*LIVE_CHANNEL_VARIABLES, "HOST", "PARENTBOT_DEMO"]:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("variable", LIVE_CHANNEL_VARIABLES)
def test_demo_mode_refuses_to_start_with_a_live_channel_configured(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "live-value")
    with pytest.raises(ConfigError) as refused:
        create_app(demo=True, engine=engine)
    assert str(refused.value) == (
        f"demo mode refuses to start: {variable} is set (a live channel, and the demo web chat"
        " lets anyone speak as any parent)"
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "nursery.example.org", ""])
def test_demo_mode_refuses_an_address_other_than_loopback(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    monkeypatch.setenv("HOST", host)
    with pytest.raises(ConfigError, match="demo mode refuses to start: HOST"):
        create_app(demo=True, engine=engine)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_demo_mode_starts_on_loopback_without_live_channels(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    monkeypatch.setenv("HOST", host)
    client = TestClient(create_app(demo=True, engine=engine))
    assert client.get("/api/people").status_code == 200


def test_serve_demo_refuses_in_one_line_before_touching_the_database(tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "HOST": "0.0.0.0",
        "PARENTBOT_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
    }
    command = [sys.executable, "-m", "parentbot", "serve", "--demo"]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Configuration: demo mode refuses to start: HOST is '0.0.0.0', not a loopback address"
        " (anyone who can reach it could speak as any parent)"
    )
    assert list(tmp_path.iterdir()) == []  # no demo database was made


def test_outside_demo_mode_there_is_no_web_chat_schema_or_docs(engine: Engine) -> None:
    client = TestClient(create_app(demo=False, engine=engine))
    for path in ("/", "/api/people", "/openapi.json", "/docs", "/redoc"):
        assert client.get(path).status_code == 404, path


def test_demo_mode_serves_its_schema_and_docs(engine: Engine) -> None:
    client = TestClient(create_app(demo=True, engine=engine))
    assert "/api/messages" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200


def test_the_web_chat_is_rate_limited_per_client(engine: Engine) -> None:
    app = create_app(demo=True, engine=engine)
    hasty = TestClient(app, client=("192.0.2.1", 5000))
    codes = []
    while 429 not in codes and len(codes) < 100:  # 2 a second refill: well under a second each
        answer = hasty.get("/api/inbox", params={"sender": SARAH})
        codes.append(answer.status_code)
    assert len(codes) > 20 and set(codes[:20]) == {200} and codes[-1] == 429
    assert answer.headers["Retry-After"] == "1"
    other = TestClient(app, client=("192.0.2.2", 5000))
    assert other.get("/api/inbox", params={"sender": SARAH}).status_code == 200


def test_a_client_gets_its_burst_then_two_requests_a_second() -> None:
    now = [100.0]
    limit = ClientRateLimit(burst=20, per_second=2.0, clock=lambda: now[0])
    assert [limit.wait_for("a") for _ in range(20)] == [0.0] * 20
    assert limit.wait_for("a") == 0.5 and limit.wait_for("b") == 0.0
    now[0] += 0.5
    assert (limit.wait_for("a"), limit.wait_for("a")) == (0.0, 0.5)
    now[0] += 60
    assert [limit.wait_for("a") for _ in range(20)] == [0.0] * 20  # never more than the burst
    assert limit.wait_for("a") == 0.5


def test_a_web_chat_text_over_the_limit_is_kept_cut_to_it(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    client = TestClient(create_app(demo=True, engine=engine))
    answer = client.post("/api/messages", json={"sender": SARAH, "text": "a" * 5_000})
    assert answer.status_code == 200
    with sessions() as session:
        assert [row.text for row in session.scalars(select(InboundLog))] == ["a" * 4_096]
    too_large = client.post("/api/messages", json={"sender": SARAH, "text": "a" * 70_000})
    assert too_large.status_code == 413


@pytest.mark.parametrize(
    "message",
    [
        {"sender": "+44770\x00900101", "text": "hello"},  # PostgreSQL text cannot hold a NUL
        {"sender": SARAH, "choice_id": "notice:\x00"},
        {"sender": "", "text": "hello"},
        {"sender": SARAH, "text": "   "},
    ],
    ids=["nul in sender", "nul in choice", "no sender", "nothing said"],
)
def test_a_web_chat_message_that_cannot_be_kept_is_refused_with_422(
    engine: Engine, sessions: sessionmaker[Session], message: dict[str, str]
) -> None:
    client = TestClient(create_app(demo=True, engine=engine), raise_server_exceptions=False)
    assert client.post("/api/messages", json=message).status_code == 422
    assert client.get("/api/inbox", params={"sender": "\x00"}).status_code == 422
    lone_surrogate = b'{"sender": "+44\\ud800", "text": "hello"}'  # UTF-8 cannot hold it
    headers = {"Content-Type": "application/json"}
    assert client.post("/api/messages", content=lone_surrogate, headers=headers).status_code == 422
    with sessions() as session:
        assert session.scalars(select(InboundLog)).all() == []
