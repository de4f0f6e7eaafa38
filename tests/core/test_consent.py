"""Consent requests: Yes / No per child in the family's language (by SMS, numbered), answers
recorded per child, one reminder before the deadline, the organiser's list at the deadline
(once) and on request."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Consent, Outbox
from bot.jobs.registry import JOBS, run_job
from bot.pipeline.engine import Engine
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import reply_text, say

PRIYA, ELENA, SARAH, MAGDA = "+447700900001", "+447700900151", "+447700900101", "+447700900111"
CONSENT = next(job for job in JOBS if job.name == "consent")
REQUEST = "consent to Oaks: Farm trip on Friday 27 Nov, we leave at 9:30 by Thu 12:00"


def _ask(engine: Engine) -> None:
    preview = reply_text(say(engine, PRIYA, REQUEST))
    assert "answers by Thu 26 Nov 12:00" in preview and "nothing is sent yet" in preview
    assert "Broadcast queued for 11" in reply_text(say(engine, PRIYA, "broadcast:send"))


def _tick(sessions: sessionmaker[Session], setting: int, at: datetime) -> list[str]:
    result = run_job(sessions, setting, CONSENT, at)
    assert result is not None
    return result.broadcasts + [n["text"] for n in result.staff_notifications]


def test_consent_by_sms_in_romanian_is_recorded_for_the_child(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    _ask(engine)
    with sessions() as session:
        asked = session.scalars(
            select(Outbox).where(Outbox.recipient_id == ELENA).order_by(Outbox.id.desc())
        ).first()  # the last part on SMS carries the choices
    assert asked is not None
    assert "până la joi 26 nov. 12:00" in asked.text
    assert [c["label"] for c in asked.choices] == ["Da pentru Andrei", "Nu pentru Andrei"]
    answered = say(engine, ELENA, "1")  # "1. Da pentru Andrei" on SMS
    assert reply_text(answered).startswith("Vă mulțumim, Elena: am notat Da pentru Andrei.")
    assert answered.records == [
        {
            "type": "consent",
            "children": ["Andrei Popescu"],
            "answer": "yes",
            "request": "B1",
            "by": "Elena Popescu",
        }
    ]
    with sessions() as session:
        assert session.scalars(select(Consent.answer)).all() == ["yes"]


def test_only_a_family_asked_about_a_child_can_answer_for_it(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    _ask(engine)
    with sessions() as session:
        leo = session.scalars(select(Outbox).where(Outbox.recipient_id == SARAH)).one()
    forged = say(engine, MAGDA, "", choice_id=str(leo.choices[0]["id"]))
    assert "expired" in reply_text(forged) or "nieaktualny" in reply_text(forged)
    assert forged.records == []


def test_one_reminder_then_the_organiser_gets_the_list_at_the_deadline(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    _ask(engine)
    say(engine, ELENA, "1")
    say(engine, SARAH, "2")
    early = _tick(sessions, demo_setting, datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    assert early == []  # more than 24 hours before the deadline
    reminded = _tick(sessions, demo_setting, datetime(2026, 11, 25, 12, 1, tzinfo=UTC))
    assert "B1 reminded Magda Kowalska" in reminded
    assert not any("Elena" in line or "Sarah" in line for line in reminded)
    assert _tick(sessions, demo_setting, datetime(2026, 11, 25, 13, 0, tzinfo=UTC)) == []
    deadline = _tick(sessions, demo_setting, datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    assert deadline[0] == "B1 answers sent to Priya Shah"
    assert "Yes: Andrei Popescu\nNo: Leo Thompson\nNo answer: Ayaan Hussain" in deadline[1]
    assert _tick(sessions, demo_setting, datetime(2026, 11, 26, 12, 5, tzinfo=UTC)) == []
    on_request = reply_text(say(engine, PRIYA, "consent B1"))
    assert "Yes: Andrei Popescu" in on_request
