"""A parent's suggestion reaches the managers' Inbox on the dashboard as other handoffs do."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline.engine import Engine
from tests.core.helpers import say
from tests.dashboard.support import PRIYA, SARAH, sign_in

SUGGESTION = "it would be nice to have a newsletter"


def test_a_parents_suggestion_is_listed_in_the_managers_inbox(
    client: TestClient, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    assert say(engine, SARAH, SUGGESTION).intent == "suggestion"
    sign_in(client, sessions, PRIYA)
    page = client.get("/staff/inbox").text
    assert SUGGESTION in page and "suggestion" in page.replace(SUGGESTION, "")
