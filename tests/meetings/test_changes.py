"""Move, cancel and "when is my meeting?" by text and by buttons; "None of these suit me" and a
time staff offer; staff commands; the .ics invitation."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Meeting, Staff
from bot.pipeline.engine import Engine
from parentbot.web import create_app
from tests.core.helpers import say
from tests.meetings.helpers import ANIA, FIONA, JESS, SARAH, booked, choice_ids, text_of


def _book(engine: Engine, phone: str = SARAH, text: str = "meeting with Maya's key person") -> str:
    offered = say(engine, phone, f"can I have a {text}?")
    result = say(engine, phone, "", choice_id=choice_ids(offered, "meeting:slot:")[0])
    return choice_ids(result, "meeting:move:")[0].rsplit(":", 1)[1]


def test_move_button_offers_times_and_books_the_new_one_cancelling_the_old(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    first = _book(engine)
    offered = say(engine, SARAH, "", choice_id=f"meeting:move:{first}")
    result = say(engine, SARAH, "", choice_id=choice_ids(offered, "meeting:slot:")[2])
    assert [(r["ref"], r["status"]) for r in result.records] == [
        (f"M{first}", "cancelled"),
        (result.records[1]["ref"], "booked"),
    ]
    assert text_of(result).startswith("Moved")
    [now_booked] = booked(sessions)
    assert now_booked.moved_from_id == int(first)


def test_cancel_by_text_cancels_and_tells_the_key_person(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _book(engine)
    result = say(engine, SARAH, "sorry, I need to cancel Tuesday's meeting")
    assert text_of(result).startswith("Cancelled")
    assert result.records[0]["status"] == "cancelled"
    assert [n["to"] for n in result.staff_notifications] == ["Jess Hughes"]
    assert booked(sessions) == []


def test_move_by_text_offers_fresh_times(engine: Engine) -> None:
    _book(engine)
    result = say(engine, SARAH, "can we move my meeting please")
    assert choice_ids(result, "meeting:slot:")


def test_when_is_my_meeting_reads_it_back(engine: Engine) -> None:
    meeting = _book(engine)
    result = say(engine, SARAH, "when is my meeting?")
    assert result.intent == "book_meeting"
    assert text_of(result).startswith("Your meeting with Jess Hughes about Maya")
    assert choice_ids(result) == [f"meeting:move:{meeting}", f"meeting:cancel:{meeting}"]
    assert "no meeting" in text_of(say(engine, FIONA, "when is my meeting?")).casefold() or (
        "don't have a meeting" in text_of(say(engine, FIONA, "when is my meeting?"))
    )


def test_another_familys_cancel_button_has_expired(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    meeting = _book(engine)
    result = say(engine, FIONA, "", choice_id=f"meeting:cancel:{meeting}")
    assert "expired" in text_of(result)
    assert len(booked(sessions)) == 1


def test_none_suit_asks_when_then_the_key_person_offers_a_time_confirmed_in_one_tap(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "can I have a meeting with Maya's key person?")
    asked = say(engine, SARAH, "", choice_id="meeting:none")
    assert "When would suit you" in text_of(asked)
    handed = say(engine, SARAH, "evenings after 6 please")
    [alert] = handed.staff_notifications
    assert alert["to"] == "Jess Hughes" and "evenings after 6" in alert["text"]
    ref = re.findall(r"offer (H\d+)", alert["text"])[0]
    offered = say(engine, JESS, f"offer {ref} Thu 18:15")
    [message] = offered.messages
    assert message["to"] == "Sarah Thompson" and "Thu 26 Nov at 18:15" in message["text"]
    result = say(engine, SARAH, "", choice_id=message["choice_ids"][0])
    assert result.records[0]["start"] == "2026-11-26T18:15:00+00:00"
    assert len(booked(sessions)) == 1
    again = say(engine, SARAH, "", choice_id=message["choice_ids"][0])
    assert (len(booked(sessions)) == 1 and "taken" in text_of(again)) or "expired" in text_of(again)


def test_a_forged_offer_is_refused(engine: Engine, sessions: sessionmaker[Session]) -> None:
    result = say(engine, SARAH, "", choice_id="meeting:offer:1.2.hth2f")
    assert "expired" in text_of(result)
    assert booked(sessions) == []


def test_staff_list_their_week_change_hours_and_cancel_or_move_with_parents_told(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    meeting = _book(engine)
    week = say(engine, JESS, "meetings")
    assert f"M{meeting} Tue 24 Nov 16:00: Maya Thompson with Sarah Thompson" in text_of(week)
    moved = say(engine, JESS, f"move M{meeting} Thu 17:00")
    [told] = moved.messages
    assert told["to"] == "Sarah Thompson" and "Thu 26 Nov at 17:00" in told["text"]
    new_id = told["choice_ids"][0].rsplit(":", 1)[1]
    cancelled = say(engine, JESS, f"cancel M{new_id}")
    assert cancelled.records[0]["status"] == "cancelled"
    assert "had to cancel" in cancelled.messages[0]["text"]
    assert booked(sessions) == []
    assert "not one of your" in text_of(say(engine, ANIA, f"cancel M{new_id}"))


def test_a_move_to_a_passed_or_unreadable_time_says_why_and_keeps_the_meeting(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    meeting = _book(engine)
    passed = text_of(say(engine, JESS, f"move M{meeting} 2026-11-20 9:00"))
    assert passed == "Fri 20 Nov 09:00 has already passed; please give a later time."
    unclear = text_of(say(engine, JESS, f"move M{meeting} someday 9:00"))
    assert unclear.endswith(f'try "move M{meeting} Thu 16:00".')
    assert [row.id for row in booked(sessions)] == [int(meeting)]


def test_free_and_busy_change_the_hours_offered(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, JESS, "busy Tue")
    say(engine, JESS, "busy Thu")
    result = say(engine, JESS, "free Wed 15:00-16:00")
    assert "Wed 15:00-16:00" in text_of(result)
    with sessions() as session:
        jess = session.query(Staff).filter_by(name="Jess Hughes").one()
        assert jess.meeting_hours == "Wed 15:00-16:00"
    offered = say(engine, SARAH, "can I have a meeting with Maya's key person?")
    labels = [c.label for r in offered.replies for c in r.choices if c.id.startswith("meeting:s")]
    assert labels and all(label.startswith("Wed") for label in labels)
    assert "not a day" in text_of(say(engine, JESS, "free Someday 10:00-11:00"))


def test_the_ics_invitation_is_served_at_its_unguessable_link(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _book(engine)
    [meeting] = booked(sessions)
    client = TestClient(create_app(demo=False, engine=engine))
    answer = client.get(f"/meetings/{meeting.ics_token}.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    assert b"DTSTART:20261124T160000Z" in answer.content
    assert b"Jess Hughes about Maya" in answer.content
    assert client.get("/meetings/not-a-token.ics").status_code == 404
    assert len(meeting.ics_token) >= 32
    assert isinstance(meeting, Meeting)


def test_a_notice_while_asked_when_would_suit_is_taken_as_a_notice(engine: Engine) -> None:
    say(engine, SARAH, "can I have a meeting with Maya's key person?")
    say(engine, SARAH, "", choice_id="meeting:none")
    result = say(engine, SARAH, "Maya's off today, temperature")
    assert result.intent == "absence" and result.records[0]["type"] == "absence"
