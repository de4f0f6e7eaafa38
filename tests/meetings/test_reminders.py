"""The day-before reminder: at `meeting_reminder_at`, once per meeting whatever booked it, across
a scheduler restart and a late start; a tick lists it in `messages`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Meeting, MeetingChild, MeetingGuardian, Staff
from bot.db.session import transaction
from bot.jobs.registry import JOBS, run_job
from bot.pipeline.engine import Engine
from parentbot.scheduler import catch_up
from parentbot.simulate import SimClock, run
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import say
from tests.meetings.helpers import SARAH, choice_ids

REMINDERS = next(job for job in JOBS if job.name == "meeting_reminders")
BEFORE = datetime(2026, 11, 23, 17, 55, tzinfo=UTC)  # Mon, the day before Tue 24 Nov 16:00
AT = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def _book_tuesday(engine: Engine) -> None:
    offered = say(engine, SARAH, "can I have a meeting with Maya's key person?")
    say(engine, SARAH, "", choice_id=choice_ids(offered, "meeting:slot:")[0])  # Tue 16:00


def test_the_reminder_goes_the_day_before_at_the_reminder_time_once(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _book_tuesday(engine)
    before = run_job(sessions, demo_setting, REMINDERS, BEFORE)
    assert before is not None and not before.did_anything
    due = run_job(sessions, demo_setting, REMINDERS, AT)
    assert due is not None
    [to_sarah] = [m for m in due.messages if m["to"] == "Sarah Thompson"]
    assert to_sarah["text"].startswith("Reminder: your meeting with Jess Hughes about Maya")
    assert to_sarah["choice_ids"][0].startswith("meeting:move:")
    assert [n["to"] for n in due.staff_notifications] == ["Jess Hughes"]
    again = run_job(sessions, demo_setting, REMINDERS, AT.replace(minute=5))
    assert again is not None and not again.did_anything


def test_a_restarted_or_late_scheduler_reminds_once_not_twice(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _book_tuesday(engine)
    late = datetime(2026, 11, 23, 21, 40, tzinfo=UTC)  # the scheduler was down at 18:00
    first = catch_up(sessions, late)
    assert any(result.messages for result in first)
    assert not any(result.messages for result in catch_up(sessions, late))  # restarted again


def test_a_scheduler_down_until_the_meetings_day_reminds_saying_today(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _book_tuesday(engine)
    morning = datetime(2026, 11, 24, 8, 1, tzinfo=UTC)  # Tue: down from Mon 18:00 until now
    due = run_job(sessions, demo_setting, REMINDERS, morning)
    assert due is not None
    [to_sarah] = [m for m in due.messages if m["to"] == "Sarah Thompson"]
    assert (
        " is today, Tue 24 Nov at 16:00" in to_sarah["text"] and "tomorrow" not in to_sarah["text"]
    )
    [to_jess] = due.staff_notifications
    assert "today" in to_jess["text"] and "tomorrow" not in to_jess["text"]


def test_every_booked_meeting_is_reminded_whatever_booked_it(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    with transaction(sessions) as session:  # a parents' evening slot, written by that feature
        jess = session.query(Staff).filter_by(name="Jess Hughes").one()
        row = Meeting(
            setting_id=demo_setting,
            staff_id=jess.id,
            start=datetime(2026, 11, 24, 17, 0, tzinfo=UTC),
            end=datetime(2026, 11, 24, 17, 10, tzinfo=UTC),
            source="evening",
            source_id=1,
            ics_token="evening-token-1",
            created_at=MONDAY_MORNING,
        )
        session.add(row)
        session.flush()
        session.add(MeetingChild(meeting_id=row.id, child_id=1))
        session.add(MeetingGuardian(meeting_id=row.id, guardian_id=1))
    due = run_job(sessions, demo_setting, REMINDERS, AT)
    assert due is not None and [m["to"] for m in due.messages] == ["Sarah Thompson"]


def test_a_tick_at_the_reminder_time_lists_the_reminders(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=SimClock(MONDAY_MORNING))
    _book_tuesday(engine)
    [line] = [
        json.loads(out) for out in run(engine, [json.dumps({"tick": AT.isoformat()})], engine.clock)
    ]
    assert "meeting_reminders" in line["jobs"]
    assert any(m["text"].startswith("Reminder:") for m in line["messages"])
