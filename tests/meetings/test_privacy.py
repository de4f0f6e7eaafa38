"""Meetings in the subject access export, and erasure: the guardian's place at a meeting goes,
their words in its topic are replaced, the meeting stays for staff."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Meeting, MeetingGuardian
from bot.db.session import transaction
from bot.pipeline.engine import Engine
from bot.privacy.erase import erase_guardian
from bot.privacy.export import export_for
from tests.core.helpers import say
from tests.meetings.helpers import MARK, SARAH, choice_ids

ASKED = "I'd like to meet Jess about Maya's speech, my number is 0113 496 0999"


def _book(engine: Engine) -> None:
    offered = say(engine, SARAH, ASKED)
    say(engine, SARAH, "", choice_id=choice_ids(offered, "meeting:slot:")[0])


def test_the_export_holds_the_meetings_about_their_children_without_anothers_words(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _book(engine)
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    with transaction(sessions) as session:
        sarah = export_for(session, demo_setting, now, "test", phone=SARAH)
        mark = export_for(session, demo_setting, now, "test", phone=MARK)
    [mine] = sarah["held"]["meetings"]
    [theirs] = mark["held"]["meetings"]  # Maya's meeting, booked by her mum
    assert mine["id"] == theirs["id"] and theirs["topic"] == ""
    assert sarah["held"]["meeting_guardians"] and not mark["held"]["meeting_guardians"]


def test_erasure_removes_their_place_and_their_words_but_keeps_the_meeting(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _book(engine)
    with transaction(sessions) as session:
        erase_guardian(session, demo_setting, SARAH, datetime(2026, 11, 23, 9, tzinfo=UTC), "t")
    with sessions() as session:
        [meeting] = session.scalars(select(Meeting)).all()
        assert "speech" not in meeting.topic and "0113" not in meeting.topic
        assert session.scalars(select(MeetingGuardian)).all() == []
