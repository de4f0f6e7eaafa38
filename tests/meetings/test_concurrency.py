"""A slot is held by the database, not by a read-then-write: twenty requests for one slot at
once make exactly one booking (on SQLite and on PostgreSQL), the others are told it was taken."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import MEETING_BOOKED, Meeting, Staff
from bot.db.session import transaction
from bot.flows.effects import BookMeeting
from bot.i18n.names import staff_catalog
from bot.recording import EffectContext, apply_effects

START = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


def test_twenty_requests_for_one_slot_make_exactly_one_booking(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    with sessions() as session:
        jess = session.scalars(select(Staff).where(Staff.name == "Jess Hughes")).one().id
    booking = BookMeeting((1,), jess, START, START + timedelta(minutes=20))  # Maya, by Sarah
    start = threading.Barrier(20)
    outcomes: list[bool] = []

    def book() -> None:
        start.wait()
        with transaction(sessions) as session:
            context = EffectContext(session, demo_setting, 1, staff_catalog())
            apply_effects(context, [booking])
            outcomes.append(bool(context.booked) and not context.taken)

    threads = [threading.Thread(target=book) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False] * 19 + [True]
    with sessions() as session:
        count = select(func.count(Meeting.id)).where(Meeting.status == MEETING_BOOKED)
        assert session.scalar(count) == 1
