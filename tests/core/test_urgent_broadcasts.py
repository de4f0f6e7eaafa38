"""Urgent broadcasts are followed up: "Got it" (tapped or by number), a channel's read status,
an SMS resend to families reached elsewhere after 30 minutes, a managers' call task after 60,
with the clock moved by ticks; and `broadcast-status` per family."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import BroadcastRecipient, Guardian, Outbox
from bot.db.session import transaction
from bot.jobs.registry import JOBS, run_job
from bot.pipeline.engine import Engine
from parentbot.cli_broadcast import broadcast_status
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import reply_text, say

PRIYA = "+447700900001"
MAGDA, PIOTR, NADIA, SARAH = "+447700900111", "+447700900112", "+447700900131", "+447700900101"
URGENT = next(job for job in JOBS if job.name == "urgent")


def _send_urgent(engine: Engine) -> None:
    say(engine, NADIA, "Salam", channel="whatsapp")  # Nadia last wrote on WhatsApp
    say(engine, PRIYA, "broadcast to Seedlings urgent: Closed today, no heating")
    assert "Broadcast queued for 4" in reply_text(say(engine, PRIYA, "broadcast:send"))


def _tick(sessions: sessionmaker[Session], setting: int, minutes: int) -> dict[str, list[object]]:
    result = run_job(sessions, setting, URGENT, MONDAY_MORNING + timedelta(minutes=minutes))
    assert result is not None
    return {"broadcasts": list(result.broadcasts), "call_tasks": list(result.call_tasks)}


def test_urgent_escalation_timeline_with_the_clock_moved_by_ticks(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    _send_urgent(engine)
    tapped = say(engine, MAGDA, "", choice_id="read:1")
    assert tapped.records[0]["type"] == "read_confirmation"
    assert tapped.records[0]["broadcast"] == "B1"
    assert "Dziękujemy, Magda" in reply_text(tapped)
    numbered = say(engine, PIOTR, "1")  # "1. Przeczytane" on SMS
    assert numbered.records and numbered.records[0]["guardian"] == "Piotr Kowalski"
    assert _tick(sessions, demo_setting, 29) == {"broadcasts": [], "call_tasks": []}
    resent = _tick(sessions, demo_setting, 31)
    assert resent["broadcasts"] == ["B1 resent by SMS to Nadia Hussain"]  # reached on WhatsApp
    with sessions() as session:
        rows = session.scalars(select(Outbox).where(Outbox.recipient_id == NADIA)).all()
        assert [row.channel for row in rows if row.kind == "broadcast"] == ["whatsapp", "sms"]
    assert _tick(sessions, demo_setting, 45) == {"broadcasts": [], "call_tasks": []}
    call = _tick(sessions, demo_setting, 61)["call_tasks"]
    assert len(call) == 1
    text = str(call[0]["text"])  # type: ignore[index]
    assert "Imran Hussain +447700900132" in text and "Nadia Hussain +447700900131" in text
    assert "Magda" not in text and "Piotr" not in text
    assert _tick(sessions, demo_setting, 90)["call_tasks"] == []  # once
    status = broadcast_status(sessions, demo_setting, 1)
    assert "Magda Kowalska (sms): pending, confirmed" in status
    assert "Nadia Hussain (whatsapp): pending, resent by SMS, in a call task" in status


def test_a_channel_read_status_counts_as_confirmed(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    _send_urgent(engine)
    with transaction(sessions) as session:  # WhatsApp's read callback for Nadia's message
        nadia = session.scalars(select(Guardian.id).where(Guardian.phone == NADIA)).one()
        outbox = select(BroadcastRecipient.outbox_id).where(BroadcastRecipient.guardian_id == nadia)
        session.execute(update(Outbox).where(Outbox.id.in_(outbox)).values(status="read"))
    assert _tick(sessions, demo_setting, 31)["broadcasts"] == []
    assert "Nadia" not in str(_tick(sessions, demo_setting, 61)["call_tasks"])


def test_got_it_from_a_family_it_did_not_go_to_has_expired(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    _send_urgent(engine)
    forged = say(engine, SARAH, "", choice_id="read:1")  # Sarah's children are not in Seedlings
    assert "expired" in reply_text(forged) and forged.records == []


def test_an_urgent_broadcast_is_not_followed_up_once_everyone_confirmed(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING)
    _send_urgent(engine)
    for phone in (MAGDA, PIOTR, NADIA, "+447700900132"):
        say(engine, phone, "", choice_id="read:1")
    assert _tick(sessions, demo_setting, 120) == {"broadcasts": [], "call_tasks": []}
