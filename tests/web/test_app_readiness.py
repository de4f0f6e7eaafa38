"""/readyz: a load balancer or a benchmark waits for the policy index before sending traffic."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.engine import Engine
from bot.knowledge import Knowledge
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
