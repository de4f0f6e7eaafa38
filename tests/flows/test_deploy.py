"""Conversations saved before flows were registered (migration 0007): a question pending at the
deploy is answered after it, and downgrading writes the old shapes back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.migrate import alembic_config
from bot.db.models import ChannelIdentity, Conversation, Guardian
from bot.db.session import make_engine, make_session_factory, transaction
from bot.pipeline.engine import Engine
from parentbot import setup
from tests.conftest import DEMO
from tests.core.helpers import SARAH, conversation, say

AFTERNOON = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday: Sarah was asked which day
BEFORE = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision("0007").down_revision
OLD_CONTEXT = {
    "draft": {"kind": "absence", "children": [], "words": "Maya off", "refs": []},
    "again": True,
    "offered": ["date:2026-11-23", "date:2026-11-24", "notice:cancel"],
    "declined_languages": ["pl"],
}


@pytest.fixture
def before_the_deploy(db_url: str) -> Iterator[sessionmaker[Session]]:
    """The database at the revision before 0007, with the demo nursery and Sarah asked which day
    in the old shapes (state "notice.date", the draft at the top of the context)."""
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    setup.import_setting_folder(sessions, DEMO)  # today's importer, then back to the old schema
    command.downgrade(alembic_config(db_url), BEFORE)
    with transaction(sessions) as session:
        sarah = session.scalars(select(Guardian).where(Guardian.phone == SARAH)).one()
        identity = ChannelIdentity(channel="sms", external_id=SARAH, guardian_id=sarah.id)
        session.add(identity)
        session.flush()
        maya = next(child.id for child in sarah.children if child.first_name == "Maya")
        draft = OLD_CONTEXT["draft"] | {"children": [maya]}
        asked = Conversation(
            identity_id=identity.id,
            state="notice.date",
            context=OLD_CONTEXT | {"draft": draft},
            updated_at=AFTERNOON - timedelta(minutes=5),
        )
        session.add(asked)
    yield sessions
    engine.dispose()
    command.upgrade(alembic_config(db_url), "head")


def test_a_question_pending_at_the_deploy_is_answered_after_it(
    db_url: str, before_the_deploy: sessionmaker[Session]
) -> None:
    sessions = before_the_deploy
    command.upgrade(alembic_config(db_url), "head")
    state, context = conversation(sessions)
    assert state == "notice:date" and context["notice"]["again"] is True
    assert context["language"] == {"declined": ["pl"], "offered": None}
    with sessions() as session:
        setting_id = session.scalars(select(Guardian.setting_id)).first()
    assert setting_id is not None
    answered = say(Engine(sessions, setting_id, clock=lambda: AFTERNOON), SARAH, "Wednesday")
    assert [(r["children"], r["start"]) for r in answered.records] == [
        (["Maya Thompson"], "2026-11-25")
    ]
    assert conversation(sessions)[1]["language"] == {"declined": ["pl"], "offered": None}


def test_downgrading_writes_the_old_shapes_back(
    db_url: str, before_the_deploy: sessionmaker[Session]
) -> None:
    before = conversation(before_the_deploy)
    command.upgrade(alembic_config(db_url), "head")
    command.downgrade(alembic_config(db_url), BEFORE)
    assert conversation(before_the_deploy) == before
