"""The one scheduler process: first-day absence chase, staff call tasks, stale outbox rows.

Run exactly ONE scheduler process (the Procfile's `scheduler` entry), never one per web worker:
APScheduler 3 keeps its jobs in the process that runs them, and two running schedulers would
each fire every job (a job store must never be shared by two schedulers either). Jobs only write
records and outbox rows, in one transaction each, and they are idempotent (one AbsenceChase row
per child and day, unique in the database), so a retry or a catch-up never asks a family twice.

Jobs live in memory, rebuilt from the settings at start: cron triggers at each setting's
`absence_chase_at` / `absence_call_task_at` (local time, open weekdays). A misfire grace time
lets a job delayed by a busy or restarting process still run; at start, jobs whose time passed
within that grace are run once (`catch_up`), because a fresh in-memory scheduler would otherwise
wait for tomorrow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WEEKDAYS
from bot.db.models import Setting, utcnow
from bot.db.session import transaction
from bot.jobs.chase import (
    JobReport,
    chase_missing,
    create_call_tasks,
    due_jobs,
    job_times,
)
from bot.outbound.delivery import DeliveryWorker
from bot.outbound.outbox import EVERY_CHANNEL, Reach

log = logging.getLogger(__name__)

MISFIRE_GRACE_SECONDS = 900
STALE_SENDING = timedelta(minutes=10)  # a row "sending" this long belonged to a crashed worker
JOBS: dict[str, Callable[..., JobReport]] = {  # (session, setting id, now, reach=...)
    "chase": chase_missing,
    "call_tasks": create_call_tasks,
}


def run_job(
    sessions: sessionmaker[Session],
    setting_id: int,
    job: str,
    now: datetime | None = None,
    reach: Reach = EVERY_CHANNEL,
) -> JobReport:
    """Run one setting's job in its own transaction; `reach`: the channels that can carry its
    messages (the wiring's)."""
    with transaction(sessions) as session:
        report = JOBS[job](session, setting_id, now or utcnow(), reach=reach)
    log.info(
        "%s for setting %s: chased %d, call tasks %d",
        job,
        setting_id,
        len(report.chased),
        len(report.call_tasks),
    )
    return report


def requeue_stale(sessions: sessionmaker[Session]) -> int:
    """Claims a crashed delivery worker never attempted go back to pending; rows it left
    "sending" (the provider may have them) are marked "unknown" for staff."""
    return DeliveryWorker(sessions, {}).requeue_stale(STALE_SENDING)


def build_scheduler(
    sessions: sessionmaker[Session],
    scheduler: BaseScheduler | None = None,
    reach: Reach = EVERY_CHANNEL,
) -> BaseScheduler:
    """Cron jobs for every setting's chase times, plus the outbox clean-up."""
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
            days = ",".join(day for day in WEEKDAYS if day in setting.opening_hours) or "mon-fri"
            for job, at in job_times(setting.options).items():
                trigger = CronTrigger(
                    day_of_week=days, hour=at.hour, minute=at.minute, timezone=setting.timezone
                )
                scheduler.add_job(
                    run_job,
                    trigger,
                    args=(sessions, setting.id, job),
                    kwargs={"reach": reach},
                    id=f"{job}:{setting.slug}",
                    replace_existing=True,
                )
    scheduler.add_job(
        requeue_stale, IntervalTrigger(minutes=5), args=(sessions,), id="outbox:requeue_stale"
    )
    return scheduler


def catch_up(
    sessions: sessionmaker[Session], now: datetime, reach: Reach = EVERY_CHANNEL
) -> list[JobReport]:
    """Run today's jobs whose time passed within the grace time (the process just started)."""
    since = now - timedelta(seconds=MISFIRE_GRACE_SECONDS)
    with sessions() as session:
        due = [
            (setting.id, job)
            for setting in session.scalars(select(Setting).order_by(Setting.id))
            for job in due_jobs(setting, now, since)
        ]
    return [run_job(sessions, setting_id, job, now, reach) for setting_id, job in due]


def run_forever(sessions: sessionmaker[Session], reach: Reach) -> None:
    """Start the scheduler in this process and block (Ctrl-C or SIGTERM stops it)."""
    scheduler = build_scheduler(sessions, reach=reach)
    catch_up(sessions, utcnow(), reach)
    for job in scheduler.get_jobs():
        log.info("scheduled %s: %s", job.id, job.trigger)
    scheduler.start()
