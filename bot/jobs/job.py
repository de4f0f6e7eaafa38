"""What a scheduled job is: its schedule, what its run may read, and what it returns.

A job decides, from what the database holds now, and returns effects (bot/jobs/effects.py) with
its report; bot/jobs/registry.py applies the effects by the same step as a turn's, in the job's
own transaction, and records each Daily run once per slot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Setting
from bot.i18n.catalog import Catalog
from bot.jobs.effects import JobEffect
from bot.outbound.outbox import EVERY_CHANNEL, Reach


@dataclass(frozen=True, slots=True)
class Daily:
    """Once a day, at the local time ("HH:MM") a setting option holds (`default` when it is
    unset; no run at all when both are), on the days the setting opens unless `open_days_only`
    is False. Its slot is the local date: it runs at most once per day."""

    option: str
    default: str | None = None
    open_days_only: bool = True

    def time_for(self, setting: Setting) -> time | None:
        """The setting's local time for this job, or None when it does not run there."""
        value = setting.options.get(self.option) or self.default
        return time.fromisoformat(str(value)) if value else None


@dataclass(frozen=True, slots=True)
class Every:
    """Every `minutes`: polls for due rows (reminders, scheduled sends) and is idempotent by the
    rows it writes (it records what it sent), so no run is recorded."""

    minutes: int


@dataclass(frozen=True)
class JobContext:
    """What a job's run may read. The session is for reading: what it changes are effects."""

    session: Session
    setting: Setting
    now: datetime  # aware
    catalog: Catalog  # what parents are sent
    staff_catalog: Catalog
    reach: Reach = EVERY_CHANNEL  # the channels that can carry messages now

    @property
    def today(self) -> date:
        """The calendar day in the setting's time zone."""
        return self.now.astimezone(ZoneInfo(self.setting.timezone)).date()

    def staff_text(self, key: str, **values: object) -> str:
        """A staff message (staff read English)."""
        return self.staff_catalog.text(key, "en", **values)


@dataclass
class JobResult:
    """One run of a job: the effects to apply, and its report for the scheduler's log and
    simulate's tick line. Every field after `effects` is a list the tick line prints under its
    name (a new job's report field is one more list here); applying the effects fills in
    `staff_notifications` and `messages`."""

    effects: tuple[JobEffect, ...] = ()
    chased: list[str] = field(default_factory=list)  # children asked about
    call_tasks: list[dict[str, str]] = field(default_factory=list)  # {"child", "text"}
    staff_notifications: list[dict[str, Any]] = field(default_factory=list)  # {"to", "text"}
    messages: list[dict[str, Any]] = field(default_factory=list)  # to parents: {"to", "text"}
    retention: list[str] = field(default_factory=list)  # "deleted 3 from outbox", "erased E7"
    evening_reminded: list[str] = field(default_factory=list)  # guardians reminded of a poll
    # a parents' evening scheduled: {"children", "guardian", "staff", "start", "end"}
    evening_slots: list[dict[str, Any]] = field(default_factory=list)
    broadcasts: list[str] = field(default_factory=list)  # "B3 sent to 16 families"

    @property
    def did_anything(self) -> bool:
        """Whether the run reported anything it did (a tick lists only such runs): a job reports
        what its effects did, so a run with nothing to report did nothing."""
        return any(self.report().values())

    def report(self) -> dict[str, list[Any]]:
        """The report fields by name, in order."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "effects"}


@dataclass(frozen=True, slots=True)
class Job:
    """A scheduled job: its name (simulate's `jobs`, the job_runs table), when it runs, and the
    decision it makes."""

    name: str
    schedule: Daily | Every
    run: Callable[[JobContext], JobResult]
