"""What a deployment sees: Prometheus metrics, /readyz's checks, structured logs with ids."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import structlog
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy.orm import Session, sessionmaker

from bot.db.session import make_engine, make_session_factory, transaction
from bot.jobs.registry import JOBS, run_job
from bot.metrics import turn_observed
from bot.outbound.delivery import DeliveryWorker
from bot.pipeline.engine import Engine
from bot.pipeline.inbound import log_once
from bot.types import InboundMessage
from parentbot.observe import configure_logging
from parentbot.web import create_app
from tests.channels.test_delivery import ScriptedSender, add_rows
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import inbound


def _sample(name: str, labels: dict[str, str] | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


def _queued_app(sessions: sessionmaker[Session], setting_id: int) -> TestClient:
    engine = Engine(sessions, setting_id, clock=lambda: MONDAY_MORNING, queue_turns=True)
    return TestClient(create_app(demo=False, engine=engine))


def _waited(message_id: str, waited: timedelta) -> InboundMessage:
    """A message kept that long ago."""
    message = inbound("What time do you open on Friday?", message_id)
    return replace(message, received_at=datetime.now(UTC) - waited)


def _gauge(page: str, name: str) -> float:
    [line] = [line for line in page.splitlines() if line.startswith(name + " ")]
    return float(line.split()[1])


def test_metrics_show_the_queue_depth_and_the_oldest_messages_age(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    client = _queued_app(sessions, demo_setting)
    with transaction(sessions) as session:
        log_once(session, _waited("SM1", timedelta(seconds=90)))
    page = client.get("/metrics").text
    assert _gauge(page, "parentbot_inbound_queue_depth") == 1
    assert 85 <= _gauge(page, "parentbot_inbound_queue_oldest_seconds") < 200
    assert _gauge(page, "parentbot_outbox_queue_depth") == 0


def test_a_turn_a_delivery_and_a_job_run_are_counted(engine: Engine, demo_setting: int) -> None:
    turns_before = _sample("parentbot_turn_seconds_count")
    engine.receive(inbound("What time do you open on Friday?", "SM2"))
    assert _sample("parentbot_turn_seconds_count") == turns_before + 1

    sent = {"channel": "sms", "outcome": "sent"}
    sent_before = _sample("parentbot_deliveries_total", sent)
    add_rows(engine.sessions)
    asyncio.run(DeliveryWorker(engine.sessions, {"sms": ScriptedSender()}).run_once())
    assert _sample("parentbot_deliveries_total", sent) >= sent_before + 1

    job = JOBS[0]
    runs_before = _sample("parentbot_job_runs_total", {"job": job.name})
    ran = [
        run_job(engine.sessions, demo_setting, job, MONDAY_MORNING + timedelta(hours=hours))
        for hours in range(0, 24)
    ]
    done = sum(result is not None for result in ran)
    assert _sample("parentbot_job_runs_total", {"job": job.name}) == runs_before + done


def test_readyz_fails_while_the_oldest_kept_message_waits_too_long(
    sessions: sessionmaker[Session], demo_setting: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARENTBOT_READY_MAX_QUEUE_AGE_SECONDS", "60")
    client = _queued_app(sessions, demo_setting)
    assert client.get("/readyz").json() == {"status": "ready"}
    with transaction(sessions) as session:
        log_once(session, _waited("SM3", timedelta(minutes=10)))
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["status"].startswith("queue stalled: the oldest message has waited 6")


def test_readyz_fails_when_the_database_is_unreachable(demo_setting: int) -> None:
    away = make_session_factory(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    engine = Engine(away, demo_setting, queue_turns=True)
    client = TestClient(create_app(demo=False, engine=engine))
    answer = client.get("/readyz")
    assert (answer.status_code, answer.json()["status"]) == (
        503,
        "database unreachable: OperationalError",
    )
    assert client.get("/metrics").status_code == 200  # still scrapeable


@pytest.fixture
def logging_restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def test_production_logs_are_json_lines_with_the_request_and_turn_ids(
    logging_restored: None, capsys: pytest.CaptureFixture[str], engine: Engine
) -> None:
    configure_logging(chosen="json")
    with structlog.contextvars.bound_contextvars(request_id="req-1"), turn_observed(42):
        logging.getLogger("bot.somewhere").warning("kept %s", "a message")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert (line["event"], line["request_id"], line["turn"], line["level"]) == (
        "kept a message",
        "req-1",
        42,
        "warning",
    )
    client = TestClient(create_app(demo=False, engine=engine))
    assert client.get("/healthz", headers={"X-Request-ID": "abc"}).headers["x-request-id"] == "abc"
    assert len(client.get("/healthz").headers["x-request-id"]) == 32
