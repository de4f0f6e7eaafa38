"""Fixtures for the language tests: an in-memory database with one setting and its people."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bot.db.models import Base, Child, Guardian, Room, Setting, Staff

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the fake lives beside these tests and is shared with bench/
    sys.path.insert(0, str(REPO))

from tests.i18n.fake_translator import FakeTranslator  # noqa: E402

GUARDIANS = [  # name, phone, language
    ("Anna Nowak", "+447700900001", "pl"),
    ("Piotr Nowak", "+447700900002", "pl"),
    ("Ayesha Khan", "+447700900003", "ur"),
    ("Sam Jones", "+447700900004", "en"),
]


@pytest.fixture
def session() -> Iterator[Session]:
    """A session on a fresh in-memory SQLite database with every table."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def setting_id(session: Session) -> int:
    """A nursery with a room, a key person, a child and four guardians in three languages."""
    setting = Setting(slug="acorns", name="Little Acorns", phone="01632 960000")
    session.add(setting)
    session.flush()
    room = Room(setting_id=setting.id, name="Caterpillars")
    staff = Staff(setting_id=setting.id, name="Sarah Jones", roles=["key_person"], phone=None)
    session.add_all([room, staff])
    session.flush()
    session.add(
        Child(
            setting_id=setting.id,
            first_name="Zofia",
            last_name="Nowak",
            room_id=room.id,
            key_person_id=staff.id,
        )
    )
    for name, phone, language in GUARDIANS:
        session.add(Guardian(setting_id=setting.id, name=name, phone=phone, language=language))
    session.flush()
    return setting.id


@pytest.fixture
def fake() -> FakeTranslator:
    """A working fake translator."""
    return FakeTranslator()
