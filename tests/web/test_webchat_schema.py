"""Schemathesis against the demo app's own OpenAPI schema: the web chat API never answers 5xx.

The schema is taken from the app object (`app.openapi()`), so the test does not depend on
/openapi.json being served. Schemathesis' pytest loader for fixtures does not run under pytest 9
(it reads a private `_nodeid`), so its cases are drawn as a Hypothesis strategy instead. Each
request comes from its own client address: the per-client rate limit is tested elsewhere.
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.schemas import BaseSchema

from bot.pipeline.engine import Engine
from parentbot.web import create_app

pytestmark = pytest.mark.properties
EXAMPLES = 2_000  # most are messages, and the web chat answers each one inline: a whole turn


@pytest.fixture
def demo_app(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    monkeypatch.delenv("HOST", raising=False)
    app = create_app(demo=True, engine=engine)
    with engine.sessions() as session:  # ready, so /readyz answers 200 as it would in service
        engine.knowledge.index(session, engine.setting_id)
    return app


@pytest.fixture
def api_schema(demo_app: FastAPI) -> BaseSchema:
    return schemathesis.openapi.from_dict(demo_app.openapi())


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(st.data())
def test_the_web_chat_api_never_answers_with_a_server_error(
    demo_app: FastAPI, api_schema: BaseSchema, data: st.DataObject
) -> None:
    case = data.draw(api_schema.as_strategy())
    request = case.as_transport_kwargs(base_url="http://testserver")
    number = next(ADDRESSES)
    client = TestClient(
        demo_app, client=(f"10.{number // 65_536}.{number // 256 % 256}.{number % 256}", 1)
    )
    answer = client.request(
        request["method"],
        request["url"],
        headers=request.get("headers"),
        params=request.get("params"),
        json=request.get("json"),
        content=request.get("data"),
    )
    assert answer.status_code < 500, (request, answer.text)


ADDRESSES = itertools.count(1)
