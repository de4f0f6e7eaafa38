"""The scheduler's jobs, and simulate's tick line that drives them on a simulated clock."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline.engine import Engine
from parentbot.scheduler import build_scheduler, catch_up
from parentbot.simulate import SimClock, run
from tests.conftest import DEMO, MONDAY_MORNING
from tests.notices.support import CALL_TIME, CHASE_TIME, JESS, SARAH


def test_each_setting_gets_weekday_jobs_at_its_local_chase_times(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    scheduler = build_scheduler(sessions, BackgroundScheduler(timezone=UTC))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {
        "chase:bramble-lane",
        "call_tasks:bramble-lane",
        "retention:bramble-lane",  # every day, open or not (data protection)
        "meeting_reminders:bramble-lane",  # every 5 minutes
        "evening_reminders:bramble-lane",  # parents' evenings: every day, open or not
        "evening_schedule:bramble-lane",  # every few minutes
        "broadcasts:bramble-lane",  # every minute: scheduled broadcasts and reminders
        "urgent:bramble-lane",  # every minute: urgent broadcasts' follow-up
        "consent:bramble-lane",  # every minute: consent reminders and deadline lists
        "outbox:requeue_stale",
    }
    summer_monday = datetime(2026, 6, 1, 5, 0, tzinfo=UTC)  # London is on BST (UTC+1)
    chase = jobs["chase:bramble-lane"].trigger.get_next_fire_time(None, summer_monday)
    assert chase.astimezone(UTC) == datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    call = jobs["call_tasks:bramble-lane"].trigger.get_next_fire_time(None, friday_evening)
    assert call.astimezone(UTC) == datetime(2026, 11, 30, 10, 15, tzinfo=UTC)  # next Monday


def test_a_scheduler_started_late_catches_up_within_the_grace_time_only(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    assert catch_up(sessions, MONDAY_MORNING) == []  # before 09:30: nothing due
    [report] = catch_up(sessions, datetime(2026, 11, 23, 9, 40, tzinfo=UTC))
    assert "Maya Thompson" in report.chased
    assert catch_up(sessions, datetime(2026, 11, 23, 15, 0, tzinfo=UTC)) == []  # too late


def _simulate(engine: Engine, *lines: dict[str, object]) -> list[dict[str, object]]:
    return [json.loads(out) for out in run(engine, [json.dumps(x) for x in lines], engine.clock)]


def test_tick_lines_move_the_clock_and_run_the_due_jobs_once(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(sessions, demo_setting, clock=SimClock(MONDAY_MORNING))
    outputs = _simulate(
        engine,
        {"from": JESS, "text": "arrived Leo"},
        {"tick": CHASE_TIME.isoformat()},
        {"tick": CHASE_TIME.isoformat()},
        {"from": SARAH, "text": "1"},
        {"tick": CALL_TIME.isoformat()},
    )
    assert outputs[0]["records"][0]["time"] == "08:15"
    chase, repeat, answer, calls = outputs[1:]
    assert chase["tick"] == CHASE_TIME.isoformat() and chase["jobs"] == ["chase"]
    assert "Maya Thompson" in chase["chased"] and "Leo Thompson" not in chase["chased"]
    assert {
        "to": "Sarah Thompson",
        "text": "We haven't seen Maya this morning. Is Maya coming in today?",
    } in chase["messages"]
    assert repeat["jobs"] == [] and repeat["chased"] == []
    assert answer["records"][0]["children"] == ["Maya Thompson"]
    assert answer["records"][0]["start"] == "2026-11-23"
    assert calls["jobs"] == ["call_tasks"]
    assert "Maya Thompson" not in {task["child"] for task in calls["call_tasks"]}
    assert "Kuba Kowalski" in {task["child"] for task in calls["call_tasks"]}
    assert calls["staff_notifications"]


def test_a_bad_tick_is_an_error_line(sessions: sessionmaker[Session], demo_setting: int) -> None:
    engine = Engine(sessions, demo_setting, clock=SimClock(MONDAY_MORNING))
    [output] = _simulate(engine, {"tick": "tomorrow"})
    assert "tick" in output["error"]


def test_the_simulate_command_answers_a_tick_line_with_one_json_line() -> None:
    lines = [json.dumps({"tick": CHASE_TIME.isoformat()}), json.dumps({"from": SARAH, "text": "2"})]
    command = [sys.executable, "-m", "parentbot", "simulate", "--setting", str(DEMO)]
    done = subprocess.run(
        [*command, "--now", MONDAY_MORNING.isoformat()],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    tick, answer = (json.loads(line) for line in done.stdout.splitlines())
    assert tick.keys() == {
        "tick",
        "jobs",
        "chased",
        "call_tasks",
        "staff_notifications",
        "messages",
        "retention",
        "evening_reminded",  # parents' evenings (bot/evenings/jobs.py)
        "evening_slots",
        "broadcasts",
    }
    assert "Maya Thompson" in tick["chased"]
    assert answer["records"][0]["type"] == "late_arrival"  # "2" = On our way
