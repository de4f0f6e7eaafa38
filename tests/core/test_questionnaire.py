"""Questionnaires: one question with up to 10 options to some families, answered by a tap or
the option's number on SMS in the family's language, recorded once per family (the latest
stands), only from a family asked; `questionnaire B1` shows the counts and who has not
answered."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Outbox, PollAnswer
from bot.pipeline.engine import Engine
from bot.staff.broadcast_commands import ComposeProblem, parse_broadcast
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import reply_text, say
from tests.i18n.fake_translator import FakeTranslator

PRIYA, ELENA, SARAH, MAGDA = "+447700900001", "+447700900151", "+447700900101", "+447700900111"
ASK = "questionnaire to Oaks: Which day suits the sports day? | Mon | Tue | Wed"


def _ask(engine: Engine) -> None:
    preview = reply_text(say(engine, PRIYA, ASK))
    assert "1. Mon\n2. Tue\n3. Wed" in preview and "nothing is sent yet" in preview
    assert "Broadcast queued for 11" in reply_text(say(engine, PRIYA, "broadcast:send"))


def _last_to(sessions: sessionmaker[Session], phone: str) -> Outbox:
    with sessions() as session:
        row = session.scalars(
            select(Outbox).where(Outbox.recipient_id == phone).order_by(Outbox.id.desc())
        ).first()
    assert row is not None
    return row


def test_questionnaire_without_options_or_with_eleven_is_refused_saying_what_to_write() -> None:
    none = parse_broadcast("questionnaire to Oaks: Which day suits?")
    many = parse_broadcast("questionnaire: Which? | " + " | ".join(str(n) for n in range(11)))
    assert isinstance(none, ComposeProblem) and "after |" in none.problem
    assert isinstance(many, ComposeProblem) and "at most 10 options (11 given)" in many.problem


def test_questionnaire_answered_by_number_on_sms_in_romanian_is_recorded(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    _ask(engine)
    asked = _last_to(sessions, ELENA)
    assert [c["label"] for c in asked.choices][:3] == ["Mon", "Tue", "Wed"]
    answered = say(engine, ELENA, "2")
    assert reply_text(answered).strip() == "Vă mulțumim, Elena: am notat răspunsul: Tue."
    assert answered.records == [
        {
            "type": "questionnaire_answer",
            "children": [],
            "answers": ["Tue"],
            "questionnaire": "B1",
            "by": "Elena Popescu",
        }
    ]
    wed = str(asked.choices[2]["id"])
    again = say(engine, ELENA, "", choice_id=wed)  # the latest answer stands
    assert again.records[0]["answers"] == ["Wed"]
    with sessions() as session:
        assert len(session.scalars(select(PollAnswer)).all()) == 1


def test_questionnaire_option_tapped_counts_and_results_list_who_has_not_answered(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    _ask(engine)
    tue = next(c for c in _last_to(sessions, SARAH).choices if c["label"] == "Tue")
    assert say(engine, SARAH, "", choice_id=str(tue["id"])).records[0]["answers"] == ["Tue"]
    say(engine, ELENA, "2")
    results = reply_text(say(engine, PRIYA, "questionnaire B1"))
    assert results.startswith("B1: Which day suits the sports day? (2 of 11 answered)")
    assert "1. Mon: 0\n2. Tue: 2\n3. Wed: 0" in results
    assert "No answer (9): " in results and "Sarah" not in results.split("No answer")[1]
    assert "not a questionnaire" in reply_text(say(engine, PRIYA, "questionnaire B7"))


def test_a_family_not_asked_cannot_answer_the_questionnaire(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    say(engine, PRIYA, ASK.replace("Oaks", "Saplings"))
    say(engine, PRIYA, "broadcast:send")
    choice = str(_last_to(sessions, SARAH).choices[0]["id"])  # Sarah has Maya in Saplings
    forged = say(engine, ELENA, "", choice_id=choice)  # Elena's Andrei is in Oaks
    assert "expirat" in reply_text(forged) or "expired" in reply_text(forged)
    assert forged.records == []
    with sessions() as session:
        assert session.scalars(select(PollAnswer)).all() == []


def test_questionnaire_question_and_options_go_in_the_familys_language_with_the_original(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    fake = FakeTranslator()
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING, translator=fake)  # type: ignore[arg-type]
    _ask(engine)
    asked = _last_to(sessions, ELENA)
    assert "[ro] Which day suits the sports day?" in asked.text
    labels = [str(c["label"]) for c in asked.choices]
    assert labels[:3] == ["[ro] Mon", "[ro] Tue", "[ro] Wed"]
    assert any(str(c["id"]).startswith("original:") for c in asked.choices)
    answered = say(engine, ELENA, "2")
    assert reply_text(answered).strip() == "Vă mulțumim, Elena: am notat răspunsul: [ro] Tue."
    assert answered.records[0]["answers"] == ["Tue"]  # staff read the English
