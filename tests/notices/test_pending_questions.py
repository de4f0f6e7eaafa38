"""A pending question takes only the kind of answer it asked for, from the sender's own family."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Absence, CollectionChange, HandoffItem
from bot.pipeline.engine import Engine
from tests.core.helpers import reply_text, say
from tests.notices.support import SARAH, count

AFTERNOON = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday 14:00: "Maya off" needs a day
SOMEONE_ELSE = "someone else is picking Maya up today"  # asks who will be collecting


@pytest.mark.parametrize(
    ("first", "question", "answer", "recorded"),
    [
        ("Maya off", "Which day is this for?", "tomorrow", "absence"),
        (SOMEONE_ELSE, "Who will be collecting?", "Grandma Linda", "collection_change"),
        ("not coming in tomorrow", "Which child is this about?", "Leo", "absence"),
    ],
)
def test_a_message_about_another_familys_child_is_refused_whatever_was_pending(
    make_engine_at: Callable[[datetime], Engine],
    sessions: sessionmaker[Session],
    first: str,
    question: str,
    answer: str,
    recorded: str,
) -> None:
    engine = make_engine_at(AFTERNOON)
    assert question in reply_text(say(engine, SARAH, first))
    result = say(engine, SARAH, "Jakub is off sick tomorrow")
    assert "I can only take notices for your own children" in reply_text(result)
    assert question in reply_text(result)  # her own question is still open
    assert result.records == [] and result.staff_notifications == []
    assert count(sessions, Absence) == 0 and count(sessions, CollectionChange) == 0
    answered = say(engine, SARAH, answer)  # and still takes its answer
    assert [r["type"] for r in answered.records] == [recorded]
    assert "Jakub" not in str(answered.records) and "Kowalski" not in str(answered.records)


def test_a_collector_answer_that_is_not_a_name_is_asked_again_then_handed_off(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, SOMEONE_ELSE)
    again = say(engine, SARAH, "sorry running late")
    assert "Who will be collecting?" in reply_text(again)
    assert again.records == [] and not again.handoff
    handed = say(engine, SARAH, "ok")
    assert handed.handoff and handed.records == []
    assert count(sessions, CollectionChange) == 0
    with sessions() as session:
        item = session.scalars(select(HandoffItem)).one()
    assert "sorry running late" in item.text and "someone else is picking Maya" in item.text
    assert any("sorry running late" in n["text"] for n in handed.staff_notifications)


@pytest.mark.parametrize(
    ("answer", "collector"),
    [("Auntie Sarah", "Sarah (aunt)"), ("dave", "dave"), ("Jo Smith, my neighbour", "Jo Smith")],
)
def test_a_name_answers_who_is_collecting(engine: Engine, answer: str, collector: str) -> None:
    say(engine, SARAH, SOMEONE_ELSE)
    [record] = say(engine, SARAH, answer).records
    assert record["type"] == "collection_change" and record["collector"].startswith(collector)


def test_a_collector_given_only_as_a_relationship_is_asked_their_name(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    asked = say(engine, SARAH, "Can my sister collect Maya today at 4?")
    assert reply_text(asked).startswith("What is their name (aunt)?") and asked.records == []
    [record] = say(engine, SARAH, "Anna Kowalczyk").records
    assert (record["collector"], record["time"], record["authorised"]) == (
        "Anna Kowalczyk (aunt)",
        "16:00",
        False,
    )


def test_a_relative_named_on_the_authorised_list_needs_no_id_check(engine: Engine) -> None:
    asked = say(engine, SARAH, "my mum will collect Maya today")
    assert "What is their name (grandmother)?" in reply_text(asked)
    named = say(engine, SARAH, "Linda")
    assert named.records[0]["collector"] == "Linda (grandmother)"
    assert named.records[0]["authorised"] is True and "photo ID" not in reply_text(named)


def test_a_day_question_answered_twice_without_a_day_is_handed_off(
    make_engine_at: Callable[[datetime], Engine], sessions: sessionmaker[Session]
) -> None:
    engine = make_engine_at(AFTERNOON)
    say(engine, SARAH, "Maya off")
    again = say(engine, SARAH, "she has a bad cough")
    assert "Which day is this for?" in reply_text(again) and not again.handoff
    handed = say(engine, SARAH, "she has a bad cough")
    assert handed.handoff and count(sessions, Absence) == 0
    assert count(sessions, HandoffItem) == 1


def test_a_child_question_answered_twice_without_a_child_is_handed_off(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "not coming in tomorrow")
    again = say(engine, SARAH, "what do you mean")
    assert "Which child is this about?" in reply_text(again) and not again.handoff
    handed = say(engine, SARAH, "what do you mean")
    assert handed.handoff and count(sessions, Absence) == 0


def test_a_correction_while_a_question_is_open_changes_the_draft_and_asks_again(
    engine: Engine,
) -> None:
    say(engine, SARAH, "Can my sister collect Maya today at 4?")
    corrected = say(engine, SARAH, "actually it's tomorrow not today")
    assert reply_text(corrected).startswith("What is their name (aunt)?")
    assert corrected.records == [] and not corrected.handoff
    [record] = say(engine, SARAH, "Anna Kowalczyk").records
    assert (record["start"], record["collector"]) == ("2026-11-24", "Anna Kowalczyk (aunt)")
