"""Broadcasts staff can trust: a preview before anything goes, targeted rooms, scheduled and
weekly sends by the `broadcasts` job exactly once (restarts, catch-ups, two schedulers), quiet
hours, closed days and cancelling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import (
    Broadcast,
    BroadcastOccurrence,
    Child,
    GuardianChild,
    Outbox,
    Room,
    Setting,
)
from bot.db.session import transaction
from bot.jobs.registry import JOBS, run_job
from bot.pipeline.engine import Engine
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import reply_text, say

PRIYA, JESS = "+447700900001", "+447700900002"  # manager, key person (Saplings)
BROADCASTS = next(job for job in JOBS if job.name == "broadcasts")


class Clock:
    """A clock the test moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY_MORNING)


@pytest.fixture
def engine(sessions: sessionmaker[Session], demo_setting: int, clock: Clock) -> Engine:
    return Engine(sessions, demo_setting, clock=clock)


def _sent(sessions: sessionmaker[Session], text: str) -> list[Outbox]:
    with sessions() as session:
        query = select(Outbox).where(Outbox.kind == "broadcast", Outbox.text.contains(text))
        return list(session.scalars(query.order_by(Outbox.id)))


def _room_guardians(sessions: sessionmaker[Session], room: str) -> set[int]:
    with sessions() as session:
        query = (
            select(GuardianChild.guardian_id)
            .join(Child, Child.id == GuardianChild.child_id)
            .join(Room, Room.id == Child.room_id)
            .where(Room.name == room)
        )
        return set(session.scalars(query))


def _tick(sessions: sessionmaker[Session], setting: int, at: datetime) -> list[str]:
    result = run_job(sessions, setting, BROADCASTS, at)
    assert result is not None  # a polling job runs at every tick
    return result.broadcasts


def test_a_broadcast_is_previewed_and_nothing_is_queued_before_send(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    preview = say(engine, PRIYA, "broadcast to Oaks tomorrow at 8am: Please bring wellies")
    text = reply_text(preview)
    assert "nothing is sent yet" in text and "Tue 24 Nov 08:00" in text
    assert "Oaks: 11 (bn 1, en 3, pl 2, pt 1, ro 2, ur 2; sms 11)" in text
    assert "Opted out (STOP): 0. Cannot be reached: 0." in text
    assert "Please bring wellies" in text
    assert [c.id for c in preview.replies[0].choices] == ["broadcast:send", "broadcast:cancel"]
    assert _sent(sessions, "wellies") == []


def test_a_room_targeted_broadcast_reaches_only_that_room(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, PRIYA, "broadcast to Seedlings: Nappies are running low")
    result = say(engine, PRIYA, "", choice_id="broadcast:send")
    assert "Broadcast queued for 4 guardian(s)" in reply_text(result)
    sent = _sent(sessions, "Nappies")
    assert {row.guardian_id for row in sent} == _room_guardians(sessions, "Seedlings")
    assert len(result.messages) == 4


def test_cancel_before_send_sends_nothing(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    say(engine, PRIYA, "broadcast: Trip on Friday")
    assert "Cancelled: nothing was sent." in reply_text(say(engine, PRIYA, "broadcast:cancel"))
    assert "no broadcast waiting" in reply_text(say(engine, PRIYA, "broadcast:send"))
    say(engine, PRIYA, "broadcast Fri 9:00: Trip tomorrow")
    scheduled = reply_text(say(engine, PRIYA, "broadcast:send"))
    ref = scheduled.split()[1]
    assert scheduled.startswith("Scheduled B") and "Fri 27 Nov 09:00" in scheduled
    assert ref in reply_text(say(engine, PRIYA, "scheduled"))
    assert f"Cancelled {ref}" in reply_text(say(engine, PRIYA, f"cancel {ref}"))
    assert _tick(sessions, demo_setting, datetime(2026, 11, 27, 9, 1, tzinfo=UTC)) == []
    assert _sent(sessions, "Trip") == []
    assert "Nothing is scheduled." in reply_text(say(engine, PRIYA, "scheduled"))


def test_a_scheduled_send_goes_once_across_a_scheduler_restart(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    say(engine, PRIYA, "broadcast at 8am tomorrow: Please bring wellies")
    say(engine, PRIYA, "broadcast:send")
    early = datetime(2026, 11, 24, 7, 59, tzinfo=UTC)
    assert _tick(sessions, demo_setting, early) == []
    due = datetime(2026, 11, 24, 8, 0, 30, tzinfo=UTC)
    assert _tick(sessions, demo_setting, due) == ["B1 sent to 16 guardian(s)"]
    # a restarted scheduler catching up, and a second one started by mistake, at the same time
    assert _tick(sessions, demo_setting, due) == []
    assert _tick(sessions, demo_setting, due + timedelta(minutes=3)) == []
    assert len(_sent(sessions, "wellies")) == 16
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(BroadcastOccurrence)) == 1


def test_a_send_claimed_by_another_scheduler_is_not_sent_again(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    say(engine, PRIYA, "broadcast at 8am tomorrow: Please bring wellies")
    say(engine, PRIYA, "broadcast:send")
    due = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    with transaction(sessions) as session:  # the other scheduler claimed it a moment ago
        session.add(
            BroadcastOccurrence(broadcast_id=1, slot=due.isoformat(), sent_at=due, queued=16)
        )
    assert _tick(sessions, demo_setting, due) == []
    assert _sent(sessions, "wellies") == []


def test_quiet_hours_hold_a_non_urgent_send_until_they_end(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    with transaction(sessions) as session:
        setting = session.get_one(Setting, demo_setting)
        setting.options = {**setting.options, "quiet_hours": "20:00-07:00"}
    say(engine, PRIYA, "broadcast 9pm: Pyjama day tomorrow")
    held = reply_text(say(engine, PRIYA, "broadcast:send"))
    assert held.startswith("Quiet hours: B1 will go at Tue 24 Nov 07:00")
    assert _tick(sessions, demo_setting, datetime(2026, 11, 23, 21, 1, tzinfo=UTC)) == []
    assert _tick(sessions, demo_setting, datetime(2026, 11, 24, 6, 59, tzinfo=UTC)) == []
    morning = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert _tick(sessions, demo_setting, morning) == ["B1 sent to 16 guardian(s)"]
    assert len(_sent(sessions, "Pyjama")) == 16


def test_an_urgent_broadcast_is_not_held_by_quiet_hours(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int, clock: Clock
) -> None:
    with transaction(sessions) as session:
        setting = session.get_one(Setting, demo_setting)
        setting.options = {**setting.options, "quiet_hours": "20:00-07:00"}
    clock.now = datetime(2026, 11, 23, 21, 30, tzinfo=UTC)
    say(engine, PRIYA, "broadcast urgent: The nursery is closed tomorrow (no heating)")
    assert "Broadcast queued for 16" in reply_text(say(engine, PRIYA, "broadcast:send"))
    sent = _sent(sessions, "no heating")
    assert len(sent) == 16 and sent[0].choices[0]["id"] == "read:1"


def test_a_weekly_reminder_goes_every_week_and_skips_closed_days(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    say(engine, PRIYA, "remind every Thursday 15:00: Library books back tomorrow")
    assert "Scheduled B1 for Thu 26 Nov 15:00" in reply_text(say(engine, PRIYA, "broadcast:send"))
    first = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    assert _tick(sessions, demo_setting, first) == ["B1 sent to 16 guardian(s)"]
    assert _tick(sessions, demo_setting, first + timedelta(minutes=1)) == []
    assert _tick(sessions, demo_setting, first + timedelta(days=7)) == ["B1 sent to 16 guardian(s)"]
    # Thu 31 Dec is a closed day in the demo: skipped; the week after goes again
    for week in (2, 3, 4):
        _tick(sessions, demo_setting, first + timedelta(days=7 * week))
    closed = _tick(sessions, demo_setting, first + timedelta(days=35))
    assert closed == ["B1 skipped (closed)"]
    assert _tick(sessions, demo_setting, first + timedelta(days=42)) == [
        "B1 sent to 16 guardian(s)"
    ]
    with sessions() as session:
        row = session.get_one(Broadcast, 1)
        assert row.status == "scheduled" and row.next_at == first + timedelta(days=49)


def test_a_missed_weekly_reminder_goes_once_then_waits_for_its_next_time(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    say(engine, PRIYA, "remind every Monday 9am: Forest school today")
    say(engine, PRIYA, "broadcast:send")
    weeks_later = datetime(2026, 12, 16, 12, 0, tzinfo=UTC)  # the scheduler was down
    assert _tick(sessions, demo_setting, weeks_later) == ["B1 sent to 16 guardian(s)"]
    assert _tick(sessions, demo_setting, weeks_later) == []
    with sessions() as session:
        assert session.get_one(Broadcast, 1).next_at == datetime(2026, 12, 21, 9, 0, tzinfo=UTC)


def test_key_persons_broadcast_to_their_own_room_only_when_the_setting_allows(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    assert "Only managers" in reply_text(say(engine, JESS, "broadcast to Saplings: Hello"))
    with transaction(sessions) as session:
        setting = session.get_one(Setting, demo_setting)
        setting.options = {**setting.options, "key_persons_can_broadcast": True}
    assert "nothing is sent yet" in reply_text(say(engine, JESS, "broadcast to Saplings: Hello"))
    assert "Only managers" in reply_text(say(engine, JESS, "broadcast to Oaks: Hello"))
    assert "Only managers" in reply_text(say(engine, JESS, "broadcast: Hello"))


def test_unclear_times_and_rooms_get_clear_answers(engine: Engine) -> None:
    assert "already passed" in reply_text(say(engine, PRIYA, "broadcast at 9am yesterday: x"))
    assert "no room called 'Ladybirds'" in reply_text(
        say(engine, PRIYA, "broadcast to Ladybirds: x")
    )
    assert "Please give a time" in reply_text(say(engine, PRIYA, "remind tomorrow: x"))
    assert "after a colon" in reply_text(say(engine, PRIYA, "broadcast to Oaks:"))


def test_the_command_line_schedules_a_room_broadcast_for_the_job(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    from parentbot.cli_broadcast import schedule_broadcast

    answer = schedule_broadcast(
        sessions, demo_setting, "Nativity at 2pm", "tomorrow at 9am", "Oaks"
    )
    assert answer.startswith("Scheduled B1 for ")
    with sessions() as session:
        row = session.get_one(Broadcast, 1)
        assert row.status == "scheduled" and row.rooms == ["Oaks"]
        due = row.next_at
    assert due is not None
    assert _tick(sessions, demo_setting, due) == ["B1 sent to 11 guardian(s)"]
    assert {row.guardian_id for row in _sent(sessions, "Nativity")} == _room_guardians(
        sessions, "Oaks"
    )
