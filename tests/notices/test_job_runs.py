"""Scheduled jobs run once per day whoever starts them: the registry, job_runs and catch-up."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import AbsenceChase, JobRun, Outbox, Setting
from bot.db.session import transaction
from bot.i18n.names import parent_catalog, staff_catalog
from bot.jobs.chase import chase_missing
from bot.jobs.job import Daily, Every, Job, JobContext, JobResult
from bot.jobs.registry import JOBS, due_at, run_job
from parentbot.scheduler import build_scheduler, catch_up
from tests.notices.support import CHASE_TIME, count

LATE_START = datetime(2026, 11, 23, 9, 40, tzinfo=UTC)  # ten minutes after the chase time
CHASE = next(job for job in JOBS if job.name == "chase")


def test_a_restarted_scheduler_does_not_run_todays_chase_again(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    [first] = catch_up(sessions, LATE_START)
    assert first.chased
    assert catch_up(sessions, LATE_START.replace(minute=41)) == []  # restarted a minute later
    assert count(sessions, JobRun) == 1


def test_two_schedulers_catching_up_at_once_run_the_chase_once(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    start = threading.Barrier(2)
    results: list[list[JobResult]] = []

    def scheduler_start() -> None:
        start.wait()
        results.append(catch_up(sessions, LATE_START))

    threads = [threading.Thread(target=scheduler_start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(ran) for ran in results) == [0, 1]
    chased = count(sessions, AbsenceChase)
    assert chased and count(sessions, Outbox, Outbox.kind == "chase") >= chased


CATCH_UP = """
import sys
from datetime import datetime
from bot.db.session import make_engine, make_session_factory
from parentbot.scheduler import catch_up
sessions = make_session_factory(make_engine(sys.argv[1]))
print(len(catch_up(sessions, datetime.fromisoformat(sys.argv[2]))))
"""


def test_two_scheduler_processes_started_by_mistake_chase_once(
    sessions: sessionmaker[Session], demo_setting: int, db_url: str
) -> None:
    command = [sys.executable, "-c", CATCH_UP, db_url, LATE_START.isoformat()]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    ran = [int(process.communicate(timeout=120)[0]) for process in processes]
    assert sorted(ran) == [0, 1]
    assert count(sessions, JobRun) == 1


def test_a_daily_job_runs_on_the_next_day_again(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    tuesday = CHASE_TIME.replace(day=24)
    assert run_job(sessions, demo_setting, CHASE, CHASE_TIME) is not None
    assert run_job(sessions, demo_setting, CHASE, CHASE_TIME) is None
    assert run_job(sessions, demo_setting, CHASE, tuesday) is not None
    with sessions() as session:
        slots = session.scalars(select(JobRun.slot).order_by(JobRun.slot))
        assert list(slots) == ["2026-11-23", "2026-11-24"]


def test_a_daily_job_is_due_from_its_local_time_on_the_days_it_runs() -> None:
    setting = Setting(timezone="Europe/London", options={}, opening_hours={}, closed_dates=[])
    evening = Job("evening", Daily("evening_at", default="18:00", open_days_only=False), _nothing)
    weekdays = Job("weekdays", Daily("evening_at", default="18:00"), _nothing)
    saturday = datetime(2026, 11, 28, 18, 5, tzinfo=UTC)
    assert due_at(evening, setting, saturday)
    assert not due_at(weekdays, setting, saturday)  # closed on Saturdays
    assert not due_at(evening, setting, saturday.replace(hour=17))  # not yet
    assert not due_at(evening, setting, saturday, since=saturday.replace(minute=1))  # passed
    setting.options = {"evening_at": ""}  # the option unset: the default holds
    assert due_at(evening, setting, saturday)
    assert not due_at(Job("off", Daily("evening_at"), _nothing), setting, saturday)


def test_a_polling_job_runs_at_every_call_and_keeps_no_runs(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    calls: list[datetime] = []

    def poll(context: JobContext) -> JobResult:
        calls.append(context.now)
        return JobResult()

    polling = Job("poll", Every(5), poll)
    assert run_job(sessions, demo_setting, polling, CHASE_TIME) == JobResult()
    assert run_job(sessions, demo_setting, polling, CHASE_TIME) == JobResult()
    assert calls == [CHASE_TIME, CHASE_TIME] and count(sessions, JobRun) == 0
    scheduler = build_scheduler(sessions, BackgroundScheduler(timezone=UTC), jobs=(polling,))
    trigger = scheduler.get_job("poll:bramble-lane").trigger
    assert isinstance(trigger, IntervalTrigger) and trigger.interval.total_seconds() == 300


def test_a_jobs_decision_writes_nothing_until_its_effects_are_applied(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    with transaction(sessions) as session:
        setting = session.get_one(Setting, demo_setting)
        context = JobContext(session, setting, CHASE_TIME, parent_catalog(), staff_catalog())
        decided = chase_missing(context)
        assert decided.chased and decided.effects and decided.messages == []
        assert session.scalar(select(AbsenceChase)) is None
        assert session.scalar(select(Outbox)) is None


def _nothing(_context: JobContext) -> JobResult:
    return JobResult()
