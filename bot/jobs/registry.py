"""The scheduled jobs, when each is due, and running one: once per slot, its effects applied.

A new job is one entry in `JOBS`: `Job(name, Daily(option) | Every(minutes), run)` (see
bot/jobs/job.py). The scheduler process (parentbot/scheduler.py) builds its triggers from this
table, and simulate's tick runs every job due by the tick from it. Running a job takes its own
transaction: a Daily job first records its run in `job_runs` (setting, job, slot = the local
date), so it runs once a day whoever starts it (its cron trigger, a catch-up at start, a second
scheduler started by mistake); then the job decides, and its effects go through the same apply
step as a turn's (bot/recording/apply.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import JobRun, Setting
from bot.db.session import insert_unless_present, transaction
from bot.evenings.jobs import remind_non_responders, schedule_evenings
from bot.i18n import names
from bot.i18n.catalog import Catalog
from bot.i18n.services import Translation
from bot.i18n.translator import NoTranslator, Translator
from bot.jobs.broadcasts import send_due
from bot.jobs.chase import chase_missing, create_call_tasks
from bot.jobs.consent import consent_follow_up
from bot.jobs.job import Daily, Every, Job, JobContext, JobResult
from bot.jobs.meetings import REMINDERS_EVERY_MINUTES, remind_meetings
from bot.jobs.urgent import follow_up
from bot.metrics import JOB_RUNS
from bot.outbound.outbox import EVERY_CHANNEL, Reach
from bot.privacy.retention import retention_job
from bot.recording import EffectContext, apply_effects

log = logging.getLogger(__name__)

JOBS: tuple[Job, ...] = (
    Job("chase", Daily("absence_chase_at"), chase_missing),
    Job("call_tasks", Daily("absence_call_task_at"), create_call_tasks),
    Job("retention", Daily("retention_at", "02:00", open_days_only=False), retention_job),
    Job("meeting_reminders", Every(REMINDERS_EVERY_MINUTES), remind_meetings),
    Job(
        "evening_reminders",
        Daily("evening_reminder_at", "10:00", open_days_only=False),
        remind_non_responders,
    ),
    Job("evening_schedule", Every(5), schedule_evenings),
    Job("broadcasts", Every(1), send_due),
    Job("urgent", Every(1), follow_up),
    Job("consent", Every(1), consent_follow_up),
)


def due_at(job: Job, setting: Setting, now: datetime, since: datetime | None = None) -> bool:
    """Whether the job is due for the setting at `now`: an Every job always; a Daily job when its
    local time today falls in (since, now] on a day it runs."""
    schedule = job.schedule
    if isinstance(schedule, Every):
        return True
    at = schedule.time_for(setting)
    local = now.astimezone(ZoneInfo(setting.timezone))
    if at is None or (schedule.open_days_only and not setting.opens_on(local.date())):
        return False
    moment = datetime.combine(local.date(), at, local.tzinfo)
    return moment <= local and (since is None or moment > since)


def run_job(
    sessions: sessionmaker[Session],
    setting_id: int,
    job: Job,
    now: datetime,
    reach: Reach = EVERY_CHANNEL,
    *,
    catalog: Catalog | None = None,
    staff_catalog: Catalog | None = None,
    translation: Translation | None = None,
) -> JobResult | None:
    """Run the job for the setting, in its own transaction, when it is due at `now` and (a Daily
    job) has not run for today yet; None otherwise. `reach`: the channels that can carry its
    messages (the wiring's); `translation`: for broadcasts (TRANSLATOR's when not given)."""
    with transaction(sessions) as session:
        setting = session.get_one(Setting, setting_id)
        if not due_at(job, setting, now) or not _first_run(session, setting, job, now):
            return None
        catalogs = (catalog or names.parent_catalog(), staff_catalog or names.staff_catalog())
        translator = (translation or Translation.from_env()).for_turn(session, setting_id)
        context = JobContext(session, setting, now, *catalogs, reach)
        result = perform(job.run, context, translator.translator)
    JOB_RUNS.labels(job.name).inc()
    log.info("%s for setting %s: %s", job.name, setting_id, _counts(result))
    return result


def perform(
    decide: Callable[[JobContext], JobResult],
    context: JobContext,
    translator: Translator | None = None,
) -> JobResult:
    """A job's decision with its effects applied, in the context's session (the caller's
    transaction); its report completed with what applying them sent."""
    result = decide(context)
    applied = EffectContext(
        context.session,
        context.setting.id,
        None,
        context.staff_catalog,
        reach=context.reach,
        catalog=context.catalog,
        translator=translator or NoTranslator(),
    )
    apply_effects(applied, result.effects)
    result.staff_notifications += applied.staff_notifications
    result.messages += applied.messages
    result.retention += applied.retention
    result.broadcasts += applied.broadcasts
    return result


def _first_run(session: Session, setting: Setting, job: Job, now: datetime) -> bool:
    """Record a Daily job's run for today's slot; False when it has one already. Another
    transaction's uncommitted run holds this one until it commits (then this finds it) or rolls
    back (then this one runs). Every jobs keep no runs: their own rows say what they did."""
    if isinstance(job.schedule, Every):
        return True
    slot = now.astimezone(ZoneInfo(setting.timezone)).date().isoformat()
    run = insert_unless_present(
        session, JobRun, setting_id=setting.id, job=job.name, slot=slot, ran_at=now
    )
    return run is not None


def _counts(result: JobResult) -> str:
    """The report in a log line: "chased 3, call_tasks 0, ..."."""
    return ", ".join(f"{name} {len(values)}" for name, values in result.report().items())
