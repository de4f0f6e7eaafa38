"""The daily retention job deletes exactly what is due, and a second run changes nothing; a
guardian the roster drops is erased when `erase_after_days` have passed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import (
    SAFEGUARDING_HANDOFF,
    Absence,
    Arrival,
    Base,
    Erasure,
    HandoffItem,
    InboundLog,
    Outbox,
)
from bot.db.session import transaction
from bot.pipeline.engine import Engine
from bot.privacy.retention import RetentionReport, run_retention
from parentbot import setup
from tests.core.helpers import say
from tests.privacy.support import (
    FIONA,
    MAGDA,
    MARK,
    SARAH,
    every_stored_text,
    import_without,
    phone_forms,
    roster_copy,
    set_option,
)

DISCLOSURE = "Maya has a bruise and said someone at home hurt her"


def _retain(sessions: sessionmaker[Session], setting: int, now: datetime) -> RetentionReport:
    with transaction(sessions) as session:
        return run_retention(session, setting, now)


def _snapshot(sessions: sessionmaker[Session]) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    with sessions() as session:
        counts = {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }
    return counts, sorted(every_stored_text(sessions))


def _age(sessions: sessionmaker[Session], inbound_ids: list[int], days: int) -> None:
    """Make these messages, and everything they caused, `days` old."""
    then = datetime.now(UTC) - timedelta(days=days)
    with transaction(sessions) as session:
        session.execute(
            update(InboundLog).where(InboundLog.id.in_(inbound_ids)).values(received_at=then)
        )
        session.execute(
            update(Outbox).where(Outbox.inbound_id.in_(inbound_ids)).values(created_at=then)
        )


def test_retention_deletes_exactly_what_is_due_and_a_second_run_changes_nothing(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    old = [
        say(engine, SARAH, "Maya's off today, temperature").inbound_id,
        say(engine, FIONA, "Isla has a cough, she won't be in today").inbound_id,
    ]
    recent = [
        say(engine, MAGDA, "Kuba jest chory, nie przyjdzie dzisiaj").inbound_id,
        say(engine, SARAH, "Leo is off today too").inbound_id,
    ]
    _age(sessions, old, 366)
    _age(sessions, recent[:1], 364)
    with sessions() as session:
        old_out = set(session.scalars(select(Outbox.id).where(Outbox.inbound_id.in_(old))))
        recent_out = set(session.scalars(select(Outbox.id).where(Outbox.inbound_id.in_(recent))))
        absences = len(session.scalars(select(Absence)).all())
    assert old_out and recent_out
    report = _retain(sessions, demo_setting, datetime.now(UTC))
    assert report.deleted == {"inbound_log": 2, "outbox": len(old_out)}
    with sessions() as session:
        assert set(session.scalars(select(InboundLog.id))) == set(recent)
        assert set(session.scalars(select(Outbox.id))) == recent_out
        assert len(session.scalars(select(Absence)).all()) == absences  # records stay longer
    before = _snapshot(sessions)
    again = _retain(sessions, demo_setting, datetime.now(UTC))
    assert not again.changed and again.lines() == ["Retention: nothing was due."]
    assert _snapshot(sessions) == before


def test_records_are_kept_retain_records_years_after_their_day(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    say(engine, SARAH, "Maya's off today, temperature")  # Monday 23 November 2026
    say(engine, "+447700900003", "in Leo")
    six_years_on = datetime(2032, 11, 23, 12, 0, tzinfo=UTC)
    _retain(sessions, demo_setting, six_years_on)
    with sessions() as session:
        assert session.scalars(select(Absence)).all() and session.scalars(select(Arrival)).all()
    report = _retain(sessions, demo_setting, six_years_on + timedelta(days=1))
    assert report.deleted["absences"] == 1 and report.deleted["arrivals"] == 1
    assert not _retain(sessions, demo_setting, six_years_on + timedelta(days=1)).changed


def test_a_disclosure_outlives_message_retention_on_its_safeguarding_item(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    said = say(engine, SARAH, DISCLOSURE).inbound_id
    _age(sessions, [said], 400)
    report = _retain(sessions, demo_setting, datetime.now(UTC))
    assert report.redacted == {"inbound_log": 1}
    with sessions() as session:
        item = session.scalars(
            select(HandoffItem).where(HandoffItem.kind == SAFEGUARDING_HANDOFF)
        ).one()
        assert item.text == DISCLOSURE
        kept = session.get_one(InboundLog, said)
        assert kept.text == f"[words kept on safeguarding item H{item.id}]"
    assert [t for t, _, text in every_stored_text(sessions) if DISCLOSURE in text] == [
        "handoff_items"
    ]
    far_later = datetime.now(UTC) + timedelta(days=3650)
    _retain(sessions, demo_setting, far_later)
    with sessions() as session:  # never expired: the safeguarding lead decides
        assert session.scalars(select(HandoffItem.text)).all() == [DISCLOSURE]
        assert session.get(InboundLog, said) is not None
    assert not _retain(sessions, demo_setting, far_later).changed


def test_a_dropped_guardian_is_erased_when_erase_after_days_have_passed(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int, tmp_path: Path
) -> None:
    said = "Leo is off tomorrow, he has the dentist"
    say(engine, MARK, said)
    import_without(sessions, tmp_path, "Mark Thompson")
    assert say(engine, MARK, "Leo's off on Friday too").records == []  # access gone at once
    with sessions() as session:
        erasure = session.scalars(select(Erasure)).one()
    assert erasure.done_at is None
    assert timedelta(days=29) < erasure.due_at - datetime.now(UTC) <= timedelta(days=30)
    not_yet = _retain(sessions, demo_setting, erasure.due_at - timedelta(hours=1))
    assert not_yet.erased == [] and any(said in t for _, _, t in every_stored_text(sessions))
    report = _retain(sessions, demo_setting, erasure.due_at)
    assert report.erased == [erasure.reference]
    stored = every_stored_text(sessions)
    secrets = [*phone_forms(MARK), "mark.t@example.com", said, "Leo's off on Friday too"]
    assert [(t, c) for t, c, text in stored for s in secrets if s in text] == []
    with sessions() as session:
        assert session.scalars(select(Absence)).all()  # Leo's absence stays: a record
    assert not _retain(sessions, demo_setting, erasure.due_at).changed


def test_a_guardian_put_back_before_their_erasure_gets_their_notices_back(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int, tmp_path: Path
) -> None:
    notice = say(engine, MARK, "Leo is off tomorrow, he has the dentist")
    withdraw = next(c.id for r in notice.replies for c in r.choices if "withdraw" in c.id)
    import_without(sessions, tmp_path, "Mark Thompson")
    setup.import_setting_folder(sessions, roster_copy(tmp_path / "again"))
    with sessions() as session:
        assert session.scalars(select(Erasure)).all() == []
    result = say(engine, MARK, "withdraw", choice_id=withdraw)
    assert [record["status"] for record in result.records] == ["withdrawn"]


def test_erase_after_days_is_read_from_the_setting(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int, tmp_path: Path
) -> None:
    import_without(sessions, tmp_path, "Mark Thompson", "erase_after_days = 0")
    assert _retain(sessions, demo_setting, datetime.now(UTC)).erased == ["E1"]


def test_each_setting_expires_its_own_peoples_messages(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    first = roster_copy(tmp_path / "first")
    set_option(first, "retain_messages_days = 30")
    second = roster_copy(tmp_path / "second")
    for name, old, new in [
        ("setting.toml", 'slug = "bramble-lane"', 'slug = "oak-tree"'),
        ("guardians.csv", "07700 900121", "07700 900921"),
    ]:
        text = (second / name).read_text(encoding="utf-8")
        (second / name).write_text(text.replace(old, new), encoding="utf-8")
    ours = setup.import_setting_folder(sessions, first).setting_id
    theirs = setup.import_setting_folder(sessions, second).setting_id
    sarah_wrote = say(Engine(sessions, ours), SARAH, "Maya's off today").inbound_id
    other_wrote = say(Engine(sessions, theirs), "+447700900921", "Isla's off today").inbound_id
    _age(sessions, [sarah_wrote, other_wrote], 100)
    report = _retain(sessions, ours, datetime.now(UTC))
    assert report.deleted["inbound_log"] == 1
    with sessions() as session:  # the other setting keeps its people's messages a year
        assert set(session.scalars(select(InboundLog.id))) == {other_wrote}
