"""The one scheduler process: the scheduled jobs of bot/jobs/registry.py, and stale outbox rows.

Run exactly ONE scheduler process (the Procfile's `scheduler` entry), never one per web worker:
APScheduler 3 keeps its jobs in the process that runs them (a job store must never be shared by
two schedulers). Should two run by mistake, a daily job still runs once a day: each run is
recorded in `job_runs` in the job's own transaction, and the second finds it and does nothing.

Triggers live in memory, rebuilt from the settings and the registry at start: a cron trigger per
daily job and setting at its option's local time on the days the setting opens, an interval for
each polling job. A misfire grace time lets a job delayed by a busy or restarting process still
run; at start, jobs whose time passed within that grace and that have not run today run once
(`catch_up`), because a fresh in-memory scheduler would otherwise wait for tomorrow.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WEEKDAYS
from bot.db.models import Setting, utcnow
from bot.jobs.job import Daily, Job, JobResult
from bot.jobs.registry import JOBS, due_at, run_job
from bot.outbound.delivery import DeliveryWorker
from bot.outbound.outbox import EVERY_CHANNEL, Reach

log = logging.getLogger(__name__)

MISFIRE_GRACE_SECONDS = 900
STALE_SENDING = timedelta(minutes=10)  # a row "sending" this long belonged to a crashed worker


def requeue_stale(sessions: sessionmaker[Session]) -> int:
    """Claims a crashed delivery worker never attempted go back to pending; rows it left
    "sending" (the provider may have them) are marked "unknown" for staff."""
    return DeliveryWorker(sessions, {}).requeue_stale(STALE_SENDING)


def run_now(
    sessions: sessionmaker[Session], setting_id: int, job: Job, reach: Reach = EVERY_CHANNEL
) -> JobResult | None:
    """A trigger's call: the job as of now (nothing when it already ran for today)."""
    return run_job(sessions, setting_id, job, utcnow(), reach)


def build_scheduler(
    sessions: sessionmaker[Session],
    scheduler: BaseScheduler | None = None,
    reach: Reach = EVERY_CHANNEL,
    jobs: Sequence[Job] = JOBS,
) -> BaseScheduler:
    """A trigger per job (the registered ones) and setting, plus the outbox clean-up."""
    scheduler = scheduler or BlockingScheduler(
        job_defaults={
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            "coalesce": True,
            "max_instances": 1,
        }
    )
    with sessions() as session:
        settings = list(session.scalars(select(Setting).order_by(Setting.id)))
        for setting in settings:
            for job in jobs:
                trigger = _trigger(job, setting)
                if trigger is None:
                    continue
                scheduler.add_job(
                    run_now,
                    trigger,
                    args=(sessions, setting.id, job),
                    kwargs={"reach": reach},
                    id=f"{job.name}:{setting.slug}",
                    replace_existing=True,
                )
    scheduler.add_job(
        requeue_stale, IntervalTrigger(minutes=5), args=(sessions,), id="outbox:requeue_stale"
    )
    return scheduler


def _trigger(job: Job, setting: Setting) -> BaseTrigger | None:
    """When the job fires for the setting; None when it does not run there (its time unset)."""
    schedule = job.schedule
    if not isinstance(schedule, Daily):
        return IntervalTrigger(minutes=schedule.minutes)
    at = schedule.time_for(setting)
    if at is None:
        return None
    days = "*"
    if schedule.open_days_only:
        days = ",".join(WEEKDAYS[day] for day in sorted(setting.open_weekdays))
    return CronTrigger(day_of_week=days, hour=at.hour, minute=at.minute, timezone=setting.timezone)


def catch_up(
    sessions: sessionmaker[Session],
    now: datetime,
    reach: Reach = EVERY_CHANNEL,
    jobs: Sequence[Job] = JOBS,
) -> list[JobResult]:
    """Run the jobs whose time passed within the grace time and have not run today (the process
    just started); what each did."""
    since = now - timedelta(seconds=MISFIRE_GRACE_SECONDS)
    with sessions() as session:
        due = [
            (setting.id, job)
            for setting in session.scalars(select(Setting).order_by(Setting.id))
            for job in jobs
            if isinstance(job.schedule, Daily) and due_at(job, setting, now, since)
        ]  # a polling job's interval trigger runs it within minutes anyway
    results = [run_job(sessions, setting_id, job, now, reach) for setting_id, job in due]
    return [result for result in results if result is not None]


def run_forever(sessions: sessionmaker[Session], reach: Reach) -> None:
    """Start the scheduler in this process and block (Ctrl-C or SIGTERM stops it)."""
    scheduler = build_scheduler(sessions, reach=reach)
    catch_up(sessions, utcnow(), reach)
    for job in scheduler.get_jobs():
        log.info("scheduled %s: %s", job.id, job.trigger)
    scheduler.start()
