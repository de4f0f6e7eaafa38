"""The notice conversation: read-back, change, withdraw, past dates, closed days, collectors."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Absence, AuditLog, CollectionChange
from bot.pipeline.engine import Engine
from tests.core.helpers import reply_text, say

SARAH = "+447700900101"  # Maya and Leo Thompson; Linda Thompson is on their collectors list


def _absences(sessions: sessionmaker[Session]) -> list[tuple[str, str, str]]:
    with sessions() as session:
        return [
            (a.start.isoformat(), a.end.isoformat(), a.status)
            for a in session.scalars(select(Absence).order_by(Absence.id))
        ]


def test_read_back_names_child_day_and_date_with_change_and_withdraw(engine: Engine) -> None:
    result = say(engine, SARAH, "Maya's off today, temperature")
    reply = result.replies[0]
    assert reply.text.startswith("Thanks Sarah. Maya is marked absent today, Mon 23 Nov")
    assert "(temperature)" in reply.text
    assert [c.label for c in reply.choices] == ["Change", "Withdraw"]


def test_withdraw_marks_the_absence_withdrawn_audits_it_and_tells_staff(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "Maya's off today, temperature")
    withdrawn = say(engine, SARAH, "2")  # SMS answer to the numbered Withdraw choice
    assert "withdrawn" in reply_text(withdrawn)
    assert _absences(sessions) == [("2026-11-23", "2026-11-23", "withdrawn")]
    assert {n["to"] for n in withdrawn.staff_notifications} >= {"Jess Hughes"}
    with sessions() as session:
        assert session.scalar(select(AuditLog).where(AuditLog.action == "absence_withdrawn"))


def test_change_asks_for_the_day_again_and_replaces_the_record(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    change = say(engine, SARAH, "Maya's off today, temperature").replies[0].choices[0]
    asked = say(engine, SARAH, "", choice_id=change.id)
    assert "Which day" in reply_text(asked)
    say(engine, SARAH, "tomorrow")
    assert _absences(sessions) == [
        ("2026-11-23", "2026-11-23", "withdrawn"),
        ("2026-11-24", "2026-11-24", "active"),
    ]


def test_a_date_in_the_past_is_questioned_not_recorded(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, SARAH, "Maya was off sick last Friday")
    assert "already passed" in reply_text(result)
    assert result.records == [] and _absences(sessions) == []


def test_weekends_are_skipped_in_a_range(engine: Engine) -> None:
    result = say(engine, SARAH, "Leo is off from Thursday to Tuesday, we're away")
    [record] = result.records
    assert (record["start"], record["end"]) == ("2026-11-26", "2026-12-01")
    assert "4 days we're open" in reply_text(result)


def test_nothing_is_recorded_for_days_the_setting_is_closed(
    make_engine_at,
    sessions: sessionmaker[Session],  # type: ignore[no-untyped-def]
) -> None:
    from datetime import UTC, datetime

    engine = make_engine_at(datetime(2026, 12, 21, 8, 0, tzinfo=UTC))
    result = say(engine, SARAH, "Maya is off on the 25th December")
    assert "closed" in reply_text(result)
    assert _absences(sessions) == []


def test_listed_collector_needs_no_id_check(engine: Engine) -> None:
    result = say(engine, SARAH, "Linda Thompson will collect Maya today")
    assert result.records and result.records[0]["authorised"] is True
    assert "photo ID" not in reply_text(result)


def test_unlisted_collector_means_photo_id_and_password_never_revealed(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, SARAH, "My neighbour Dave will pick up Maya today at 5")
    text = reply_text(result)
    assert "photo ID" in text and "collection password" in text
    with sessions() as session:
        [change] = session.scalars(select(CollectionChange))
    assert change.on_date.isoformat() == "2026-11-23" and change.authorised is False
    assert change.collect_time == "17:00"


def test_lateness_is_recorded_for_today(engine: Engine) -> None:
    result = say(engine, SARAH, "running about 20 mins late for Leo")
    [record] = result.records
    assert record["minutes_late"] == 20 and record["start"] == "2026-11-23"
    assert "20 minutes late" in reply_text(result)
