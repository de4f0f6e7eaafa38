"""Withdrawing consent in words, and suggestions: a withdrawal naming a consent request is
recorded as No per child and told to the key person and the organiser; one naming none goes to
the key person; a suggestion is thanked and recorded for the managers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Consent, HandoffItem
from bot.pipeline.engine import Engine
from bot.pipeline.outcome import TurnResult
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import reply_text, say

PRIYA, ELENA, SARAH = "+447700900001", "+447700900151", "+447700900101"
REQUEST = "consent to Oaks: Farm trip on Friday 27 Nov, we leave at 9:30 by Thu 12:00"


def _ask(engine: Engine) -> None:
    say(engine, PRIYA, REQUEST)
    assert "Broadcast queued" in reply_text(say(engine, PRIYA, "broadcast:send"))


def _yes_then_withdrawn(engine: Engine) -> TurnResult:
    """Sarah says Yes for Leo to the farm trip, then withdraws it in words."""
    _ask(engine)
    say(engine, SARAH, "1")  # Yes for Leo
    return say(engine, SARAH, "Please withdraw my consent for the farm trip")


def _told(result_notifications: list[dict[str, object]]) -> dict[str, str]:
    return {str(n["to"]): str(n["text"]) for n in result_notifications}


def test_withdrawing_consent_for_the_farm_trip_records_no_and_tells_key_person_and_organiser(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    withdrawn = _yes_then_withdrawn(engine)
    assert withdrawn.intent == "withdraw_consent"
    assert reply_text(withdrawn).startswith("Thank you, Sarah: we have recorded that you withdraw")
    assert withdrawn.records == [
        {
            "type": "consent",
            "children": ["Leo Thompson"],
            "answer": "withdrawn",
            "request": "B1",
            "by": "Sarah Thompson",
        }
    ]
    told = _told(withdrawn.staff_notifications)
    assert set(told) >= {"Tom Okafor", "Priya Shah"}
    assert "withdrew consent B1 (Farm trip" in told["Tom Okafor"]
    with sessions() as session:
        consent = session.scalars(select(Consent)).one()
        assert (consent.answer, consent.withdrawn_at) == ("no", MONDAY_MORNING)
    assert "No: Leo Thompson (withdrawn)" in reply_text(say(engine, PRIYA, "consent B1"))


def test_a_yes_after_a_withdrawal_stands_and_is_no_longer_marked_withdrawn(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    _yes_then_withdrawn(engine)
    say(engine, SARAH, "consent:1:2:yes", choice_id="consent:1:2:yes")  # the Yes button again
    with sessions() as session:
        consent = session.scalars(select(Consent)).one()
        assert (consent.answer, consent.withdrawn_at) == ("yes", None)
    assert "Yes: Leo Thompson\n" in reply_text(say(engine, PRIYA, "consent B1"))


def test_withdrawal_in_romanian_is_recorded_for_the_child(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    _ask(engine)
    withdrawn = say(engine, ELENA, "Îmi retrag acordul pentru excursia la fermă (farm trip)")
    assert withdrawn.intent == "withdraw_consent"
    assert reply_text(withdrawn).startswith("Vă mulțumim, Elena: am înregistrat retragerea")
    assert withdrawn.records[0]["children"] == ["Andrei Popescu"]
    assert withdrawn.records[0]["answer"] == "withdrawn"


def test_withdrawal_naming_no_request_goes_to_the_key_person_as_a_note(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    withdrawn = say(engine, SARAH, "I don't want his photo taken any more")
    assert withdrawn.intent == "withdraw_consent"
    assert "passed your withdrawal of consent on to Jess Hughes, Tom Okafor" in reply_text(
        withdrawn
    )  # no child named: both of Sarah's children's key persons
    assert withdrawn.records == []
    assert set(_told(withdrawn.staff_notifications)) == {"Jess Hughes", "Tom Okafor"}
    with sessions() as session:
        items = session.scalars(select(HandoffItem)).all()
        assert {(i.kind, i.text) for i in items} == {
            ("consent_withdrawn", "I don't want his photo taken any more")
        }
        assert session.scalars(select(Consent)).all() == []


def test_withdrawal_in_polish_without_a_request_is_passed_on(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    withdrawn = say(engine, "+447700900111", "Wycofuję zgodę na zdjęcia dla Zosi")
    assert withdrawn.intent == "withdraw_consent"
    assert reply_text(withdrawn).startswith("Dziękujemy, Magda: przekazałem wycofanie zgody")
    assert [item["to"] for item in withdrawn.staff_notifications] == ["Ania Nowak"]


def test_a_suggestion_is_thanked_and_recorded_for_the_managers_not_as_a_policy_question(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    for words in ("could you do more outdoor play?", "it would be nice to have a newsletter"):
        suggested = say(engine, SARAH, words)
        assert suggested.intent == "suggestion"
        assert "passed it on to the manager" in reply_text(suggested)
        assert set(_told(suggested.staff_notifications)) == {"Priya Shah"}
    with sessions() as session:
        kinds = session.scalars(select(HandoffItem.kind)).all()
        assert kinds == ["suggestion", "suggestion"]


def test_a_guardian_withdraws_only_for_their_own_children(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    _ask(engine)
    other = say(engine, SARAH, "Please withdraw my consent for Andrei for the farm trip")
    assert other.records == [] and "Andrei" not in str(other.staff_notifications)
    not_asked = say(engine, SARAH, "Please withdraw my consent for Maya for the farm trip")
    assert not_asked.records == []  # Maya (Saplings) was not asked: passed on, nothing recorded
    assert "passed your withdrawal of consent on to Jess Hughes" in reply_text(not_asked)
    with sessions() as session:
        assert session.scalars(select(Consent)).all() == []
