"""/readyz: a load balancer or a benchmark waits for the policy index before sending traffic."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline.engine import Engine
from bot.policies.knowledge import Knowledge
from parentbot.config import AppConfig, ConfigError
from parentbot.web import create_app


def test_the_app_is_ready_only_once_the_policy_index_is_built(engine: Engine) -> None:
    client = TestClient(create_app(demo=False, engine=engine))
    engine.knowledge = Knowledge()  # a cold cache, as in a process that has just started
    assert client.get("/healthz").json() == {"status": "ok"}
    warming = client.get("/readyz")
    assert (warming.status_code, warming.json()) == (503, {"status": "warming up"})
    with engine.sessions() as session:
        engine.knowledge.index(session, engine.setting_id)
    assert client.get("/readyz").json() == {"status": "ready"}


def test_with_turns_queued_the_web_process_is_ready_at_once_and_builds_no_index(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, queue_turns=True)
    client = TestClient(create_app(demo=False, engine=engine))
    assert client.get("/readyz").json() == {"status": "ready"}
    assert not engine.knowledge.ready(demo_setting)  # answering is the turns process's work


def test_an_unknown_turns_mode_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARENTBOT_TURNS", "sometimes")
    with pytest.raises(ConfigError, match="PARENTBOT_TURNS must be inline or queued"):
        AppConfig.from_env()


def test_the_command_names_a_bad_turns_mode_in_one_line() -> None:
    environment = {**os.environ, "PARENTBOT_TURNS": "sometimes"}
    command = [sys.executable, "-m", "parentbot", "serve"]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Configuration: PARENTBOT_TURNS must be inline or queued, not 'sometimes'"
    )
