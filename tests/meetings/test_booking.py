"""Booking a key-person meeting in the chat: slots offered, one tapped, read back with Move /
Cancel, the key person told; taken meanwhile, other families, other languages, both parents."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline.engine import Engine
from tests.core.helpers import say
from tests.meetings.helpers import (
    FIONA,
    MAGDA,
    MARK,
    NADIA,
    SARAH,
    booked,
    choice_ids,
    text_of,
)


def test_asking_for_a_meeting_offers_up_to_six_slots_over_two_days(engine: Engine) -> None:
    result = say(engine, SARAH, "can I have a meeting with Maya's key person?")
    slots = choice_ids(result, "meeting:slot:")
    assert result.intent == "book_meeting"
    assert 2 <= len(slots) <= 6
    labels = [c.label for r in result.replies for c in r.choices if c.id in slots]
    assert len({label.rsplit(" ", 1)[0] for label in labels}) >= 2  # two days or more
    assert "meeting:none" in choice_ids(result)
    assert "Jess Hughes" in text_of(result)


def test_tapping_a_slot_books_it_reads_it_back_and_tells_the_key_person(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    offered = say(engine, SARAH, "could we meet about Maya's speech?")
    slot = choice_ids(offered, "meeting:slot:")[0]
    result = say(engine, SARAH, "", choice_id=slot)
    [meeting] = booked(sessions)
    assert choice_ids(result) == [f"meeting:move:{meeting.id}", f"meeting:cancel:{meeting.id}"]
    assert "Booked" in text_of(result) and "Jess Hughes" in text_of(result)
    [record] = result.records
    assert record | {"start": "", "end": ""} == {
        "type": "meeting",
        "children": ["Maya Thompson"],
        "staff": "Jess Hughes",
        "start": "",
        "end": "",
        "status": "booked",
        "mode": "in_person",
        "ref": f"M{meeting.id}",
    }
    assert record["start"].endswith("+00:00")
    assert [n["to"] for n in result.staff_notifications] == ["Jess Hughes"]
    assert meeting.topic == "could we meet about Maya's speech?"


def test_a_numbered_answer_books_the_slot_it_numbers(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    offered = say(engine, SARAH, "can I talk to Maya's key person")
    say(engine, SARAH, "2")
    [meeting] = booked(sessions)
    assert choice_ids(offered, "meeting:slot:")[1].endswith(
        choice_ids(offered, "meeting:slot:")[1].rsplit(":", 1)[1]
    )
    assert meeting.staff_id is not None


def test_slot_taken_meanwhile_offers_fresh_choices(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    sarah_offer = say(engine, SARAH, "can I have a meeting with Maya's key person?")
    fiona_offer = say(engine, FIONA, "can I have a meeting with Isla's key person?")
    first = choice_ids(sarah_offer, "meeting:slot:")[0]
    assert first == choice_ids(fiona_offer, "meeting:slot:")[0]  # the same key person, Jess
    say(engine, FIONA, "", choice_id=first)
    result = say(engine, SARAH, "", choice_id=first)
    assert "that time has just been taken" in text_of(result)
    fresh = choice_ids(result, "meeting:slot:")
    assert fresh and first not in fresh
    assert len(booked(sessions)) == 1
    say(engine, SARAH, "", choice_id=fresh[0])
    assert len(booked(sessions)) == 2


def test_an_old_slot_button_has_expired_once_the_meeting_is_booked(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    offered = say(engine, SARAH, "can I have a meeting with Maya's key person?")
    first, second = choice_ids(offered, "meeting:slot:")[:2]
    say(engine, SARAH, "", choice_id=first)
    result = say(engine, SARAH, "", choice_id=second)
    assert "expired" in text_of(result)
    assert len(booked(sessions)) == 1


def test_a_guardian_cannot_book_for_another_familys_child(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, SARAH, "can I have a meeting about Isla Campbell?")
    assert "own children" in text_of(result)
    fiona_offer = say(engine, FIONA, "can I have a meeting with Isla's key person?")
    forged = say(engine, SARAH, "", choice_id=choice_ids(fiona_offer, "meeting:slot:")[0])
    assert "expired" in text_of(forged)
    assert booked(sessions) == []


def test_polish_parent_books_in_polish(engine: Engine, sessions: sessionmaker[Session]) -> None:
    offered = say(engine, MAGDA, "Czy mogę umówić spotkanie w sprawie Zosi?")
    assert offered.language == "pl" and "Ania Nowak" in text_of(offered)
    result = say(engine, MAGDA, "", choice_id=choice_ids(offered, "meeting:slot:")[0])
    assert text_of(result).startswith("Zarezerwowano")
    assert [c.label for c in result.replies[0].choices] == ["Przełóż", "Odwołaj"]
    assert result.records[0]["children"] == ["Zosia Kowalska"]


def test_urdu_parent_books_in_urdu(engine: Engine, sessions: sessionmaker[Session]) -> None:
    offered = say(engine, NADIA, "کیا میں فاطمہ کی کی پرسن سے ملاقات کر سکتی ہوں؟")
    slots = choice_ids(offered, "meeting:slot:")
    if not slots:  # two children and the name not read: the flow asks which child
        offered = say(
            engine, NADIA, "", choice_id=next(c for c in choice_ids(offered, "meeting:child:"))
        )
        slots = choice_ids(offered, "meeting:slot:")
    result = say(engine, NADIA, "", choice_id=slots[0])
    assert "بک ہو گئی" in text_of(result)
    assert [r["status"] for r in result.records] == ["booked"]


def test_a_parent_of_two_is_asked_which_child(engine: Engine) -> None:
    result = say(engine, SARAH, "can I book a meeting with the key person?")
    assert choice_ids(result, "meeting:child:")
    chosen = say(engine, SARAH, "", choice_id=choice_ids(result, "meeting:child:")[1])
    assert "Tom Okafor" in text_of(chosen)  # Leo's key person


def test_the_second_parent_joins_the_same_booking(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    offered = say(engine, SARAH, "can I have a meeting with Maya's key person?")
    say(engine, SARAH, "", choice_id=choice_ids(offered, "meeting:slot:")[0])
    asked = say(engine, MARK, "can I meet Jess about Maya?")
    [join] = choice_ids(asked, "meeting:join:")
    joined = say(engine, MARK, "", choice_id=join)
    assert "booked in too" in text_of(joined)
    assert len(booked(sessions)) == 1
    assert [n["to"] for n in joined.staff_notifications] == ["Jess Hughes"]
    again = say(engine, MARK, "when is my meeting?")
    assert "Your meeting with Jess Hughes" in text_of(again)
