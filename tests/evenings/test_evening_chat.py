"""A parents' evening through the real engine, on SQLite and PostgreSQL: the manager's command,
the preview, the poll, answers by SMS (numbers, Polish), taps, the reminder and the schedule."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.db.models import HandoffItem, Meeting, MeetingChild, Outbox, ParentsEvening, PollAnswer
from bot.jobs.registry import JOBS, run_job
from bot.pipeline.engine import Engine
from parentbot.cli import app
from tests.core.helpers import reply_text, say

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
PRIYA, JESS = "+447700900001", "+447700900002"  # the manager; a key person
SARAH, MAGDA, NADIA = "+447700900101", "+447700900111", "+447700900131"
COMMAND = "parents evening Tue 8 Dec, Wed 9 Dec 15:30-19:00 10 min by Fri 4 Dec"
REMIND, SCHEDULE = (
    next(job for job in JOBS if job.name == n) for n in ("evening_reminders", "evening_schedule")
)


@pytest.fixture
def monday(make_engine_at: Callable[[datetime], Engine]) -> Engine:
    return make_engine_at(MONDAY)


def parent_rows(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).where(Outbox.guardian_id.is_not(None))) or 0


def sent(engine: Engine) -> None:
    preview = say(engine, PRIYA, COMMAND)
    assert preview.replies[0].choices[0].id == "evening:send:1"
    say(engine, PRIYA, "", choice_id="evening:send:1")


def test_a_member_of_staff_who_is_not_a_manager_cannot_plan_an_evening(
    monday: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(monday, JESS, COMMAND)
    assert "Only managers" in reply_text(result)
    assert "Only managers" in reply_text(say(monday, JESS, "", choice_id="evening:send:1"))
    with sessions() as session:
        assert session.scalars(select(ParentsEvening)).all() == []


def test_the_preview_sends_nothing_until_the_manager_chooses_send(
    monday: Engine, sessions: sessionmaker[Session]
) -> None:
    preview = say(monday, PRIYA, COMMAND)
    text = reply_text(preview)
    assert "11 families (16 parents and carers)" in text
    assert "Jess Hughes 6/42" in text and "Tue 8 Dec 15:30-16:20" in text
    assert [c.id for c in preview.replies[0].choices] == ["evening:send:1", "evening:cancel:1"]
    assert parent_rows(sessions) == 0
    report = say(monday, PRIYA, "", choice_id="evening:send:1")
    assert "sent to 16 parents and carers" in reply_text(report)
    assert len(report.messages) == 16 and parent_rows(sessions) >= 16
    sarah = next(m for m in report.messages if m["to"] == "Sarah Thompson")
    assert sarah["choice_ids"][0] == "evening:pref:1:1" and len(sarah["choices"]) == 10
    assert sarah["choices"][-2:] == ["None of these times", "By phone or video instead"]
    again = say(monday, PRIYA, "send evening 1")
    assert "no parents' evening E1 to do that with" in reply_text(again)


def test_a_command_with_a_mistake_says_what_is_wrong(monday: Engine) -> None:
    result = say(monday, PRIYA, "parents evening Tue 8 Dec 15:30-19:00 10 min by Fri 11 Dec")
    assert "reply-by date must be from today and before the first evening" in reply_text(result)
    result = say(monday, PRIYA, "parents evening Wed 8 Dec 15:30-19:00 10 min by Fri 4 Dec")
    assert "is a Tuesday, not Wed" in reply_text(result)


def test_a_guardian_answering_by_sms_1_and_3_gets_those_windows(
    monday: Engine, sessions: sessionmaker[Session]
) -> None:
    sent(monday)
    result = say(monday, SARAH, "1 and 3")
    record = result.records[0]
    assert record["type"] == "evening_preference"
    assert record["children"] == ["Maya Thompson", "Leo Thompson"]
    assert record["windows"] == [
        "2026-12-08T15:30:00+00:00/2026-12-08T16:20:00+00:00",
        "2026-12-08T17:10:00+00:00/2026-12-08T18:00:00+00:00",
    ]
    assert "Tue 8 Dec 15:30-16:20; Tue 8 Dec 17:10-18:00" in reply_text(result)
    with sessions() as session:  # the read-back goes out on her channel
        sent_back = session.scalars(select(Outbox.text).where(Outbox.recipient_id == SARAH))
        assert any(text.startswith("Thank you, noted") for text in sent_back)


@pytest.mark.parametrize("answer", ["2 i 6", "dwa i sześć", "2, 6"])
def test_a_polish_guardian_answers_in_polish(monday: Engine, answer: str) -> None:
    sent(monday)
    result = say(monday, MAGDA, answer)
    assert result.language == "pl" and "Dziękujemy, zapisano" in reply_text(result)
    assert [w[11:16] for w in result.records[0]["windows"]] == ["16:20", "16:20"]


def test_a_tap_adds_to_the_answer_and_none_of_these_clears_it(
    monday: Engine, sessions: sessionmaker[Session]
) -> None:
    sent(monday)
    say(monday, SARAH, "", choice_id="evening:pref:1:1", channel="webchat")
    second = say(monday, SARAH, "", choice_id="evening:pref:1:2", channel="webchat")
    assert len(second.records[0]["windows"]) == 2
    none = say(monday, SARAH, "", choice_id="evening:pref:1:9", channel="webchat")
    assert none.records[0]["windows"] == [] and "none of these times" in reply_text(none)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(PollAnswer)) == 1


def test_a_guardian_not_asked_cannot_answer(monday: Engine) -> None:
    result = say(monday, SARAH, "", choice_id="evening:pref:1:1")
    assert "expired" in reply_text(result) and result.records == []


def test_non_responders_are_reminded_once_the_day_before_reply_by(
    monday: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    sent(monday)
    say(monday, SARAH, "1 3")
    early = datetime(2026, 12, 3, 9, 0, tzinfo=LONDON)
    assert run_job(sessions, demo_setting, REMIND, early) is None  # before 10:00
    thursday = datetime(2026, 12, 3, 10, 5, tzinfo=LONDON)
    result = run_job(sessions, demo_setting, REMIND, thursday)
    assert result is not None and len(result.evening_reminded) == 15
    assert "Sarah Thompson" not in result.evening_reminded
    assert result.messages[0]["text"].startswith("A reminder: please tell us by Fri 4 Dec")
    assert run_job(sessions, demo_setting, REMIND, thursday.replace(hour=11)) is None
    waiting = reply_text(say(monday, JESS, "evening 1"))
    assert "E1: 15 not answered yet: Amina Abdi, Ana Silva" in waiting
    assert "Sarah Thompson" not in waiting


def test_the_schedule_waits_for_reply_by_then_gives_every_child_a_slot(
    monday: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    sent(monday)
    say(monday, SARAH, "1")
    friday = datetime(2026, 12, 4, 18, 0, tzinfo=LONDON)
    assert run_job(sessions, demo_setting, SCHEDULE, friday).evening_slots == []  # type: ignore[union-attr]
    saturday = datetime(2026, 12, 5, 8, 0, tzinfo=LONDON)
    result = run_job(sessions, demo_setting, SCHEDULE, saturday)
    assert result is not None
    children = [name for row in result.evening_slots for name in row["children"]]
    assert len(children) == len(set(children)) == 14
    sarah = [row for row in result.evening_slots if "Sarah Thompson" in row["guardian"]]
    assert {row["staff"] for row in sarah} == {"Jess Hughes", "Tom Okafor"}
    assert sarah[0]["end"] == sarah[1]["start"]  # Maya's and Leo's back to back
    assert (
        sarah[0]["start"][:16] >= "2026-12-08T15:30" and sarah[1]["end"][:16] <= "2026-12-08T16:20"
    )
    family = next(m for m in result.messages if m["to"] == "Magda Kowalska")
    assert family["text"].startswith("Termin wywiadówki") and len(family["choice_ids"]) == 2
    assert {n["to"] for n in result.staff_notifications} == {
        "Jess Hughes",
        "Tom Okafor",
        "Ania Nowak",
    }
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(MeetingChild)) == 14
        starts = session.execute(select(Meeting.staff_id, Meeting.start)).all()
        assert len(starts) == len(set(starts))  # nobody double-booked
    assert run_job(sessions, demo_setting, SCHEDULE, saturday).evening_slots == []  # type: ignore[union-attr]


def test_cant_make_it_hands_off_to_each_key_person(
    monday: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    sent(monday)
    run_job(sessions, demo_setting, SCHEDULE, datetime(2026, 12, 5, 8, 0, tzinfo=LONDON))
    result = say(monday, SARAH, "", choice_id="evening:cant:1")
    assert "told Jess Hughes and Tom Okafor" in reply_text(result)
    assert {n["to"] for n in result.staff_notifications} == {"Jess Hughes", "Tom Okafor"}
    with sessions() as session:
        assert session.scalar(select(func.count()).where(HandoffItem.kind == "evening")) == 2


def test_the_manager_sees_the_grid_and_exports_csv_and_ics(
    monday: Engine, sessions: sessionmaker[Session], demo_setting: int, db_url: str, tmp_path: Path
) -> None:
    sent(monday)
    run_job(sessions, demo_setting, SCHEDULE, datetime(2026, 12, 5, 8, 0, tzinfo=LONDON))
    csv_file, ics_file = tmp_path / "e1.csv", tmp_path / "e1.ics"
    args = ["evening", "show", "1", "--db", db_url, "--csv", str(csv_file), "--ics", str(ics_file)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Jess Hughes" in result.output and "Tue 08 Dec 15:30 |" in result.output
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text())))
    assert len(rows) == 14 and rows[0]["start"].startswith("2026-12-0")
    assert ics_file.read_bytes().count(b"BEGIN:VEVENT") == 14
    assert CliRunner().invoke(app, ["evening", "show", "9", "--db", db_url]).exit_code == 1


def test_move_offers_free_times_that_keep_siblings_together_and_books_the_one_chosen(
    monday: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    sent(monday)
    say(monday, SARAH, "1")  # Tue 15:30-16:20
    run_job(sessions, demo_setting, SCHEDULE, datetime(2026, 12, 5, 8, 0, tzinfo=LONDON))
    offer = say(monday, SARAH, "", choice_id="evening:move:1")
    ids = [c.id for c in offer.replies[0].choices]
    assert "Which time would suit you instead?" in reply_text(offer)
    assert len(ids) == 6 and ids[-1] == "evening:cant:1" and ids[0].startswith("evening:to:1:")
    moved = say(monday, SARAH, "1")  # by SMS: the first time offered
    text = reply_text(moved)
    assert text.startswith("Done, your new parents' evening time:")
    assert "with Jess Hughes about Maya Thompson" in text and "with Tom Okafor about Leo" in text
    assert {n["to"] for n in moved.staff_notifications} == {"Jess Hughes", "Tom Okafor"}
    assert {m["to"] for m in moved.messages} == {"Mark Thompson", "Linda Thompson"}
    with sessions() as session:
        booked = session.scalars(
            select(Meeting)
            .join(MeetingChild, MeetingChild.meeting_id == Meeting.id)
            .where(Meeting.status == "booked", MeetingChild.child_id.in_([1, 2]))
            .order_by(Meeting.start)
        ).all()
        assert len(booked) == 2 and booked[0].end == booked[1].start
        assert all(m.moved_from_id is not None for m in booked)
    stale = say(monday, SARAH, "", choice_id=ids[0])  # the same time again: now their own
    assert "just been taken" in reply_text(stale) and len(stale.replies[0].choices) == 6
