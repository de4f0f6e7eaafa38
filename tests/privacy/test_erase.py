"""Erasing a guardian: their numbers and words go from every table; the records the setting must
keep stay, with a reference instead of them; their children's records stay for the others."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.db.models import (
    SAFEGUARDING_HANDOFF,
    Absence,
    AuditLog,
    Base,
    Erasure,
    Guardian,
    HandoffItem,
    InboundLog,
)
from bot.db.session import transaction
from bot.jobs.registry import JOBS, run_job
from bot.pipeline.engine import Engine
from bot.privacy.erase import (
    DELETED_LINKS,
    GO_WITH_GUARDIAN,
    HANDOFF_LINK,
    KEPT_WHY,
    ErasureReport,
    erase_guardian,
)
from parentbot.cli import app
from tests.core.helpers import say
from tests.privacy.support import JESS, MARK, SARAH, every_stored_text, phone_forms

CHASE_TIME = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
CALL_TIME = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
SARAH_SAID = [
    "Maya's off today, temperature",
    "Could Jess call me about Maya's speech please? My work number is 0113 496 0999",
    "Afternoons suit me best, ring me at work",  # when would suit (the meeting flow asks)
    "Just checking you got my message about Maya",
]
DISCLOSURE = "Maya has a bruise and said someone at home hurt her"
MARK_SAID = "Leo is off tomorrow, he has the dentist"


def _sarah_and_mark_write(engine: Engine, sessions: sessionmaker[Session], setting: int) -> None:
    say(engine, SARAH, SARAH_SAID[0])
    say(engine, SARAH, SARAH_SAID[1])  # offered times with Jess: none suit, so it asks when
    say(engine, SARAH, "", choice_id="meeting:none")
    say(engine, SARAH, SARAH_SAID[2])
    say(engine, SARAH, SARAH_SAID[3], channel="webchat")
    say(engine, SARAH, DISCLOSURE)
    meeting = _handoff_id(sessions, "book_meeting")
    say(engine, JESS, f"reply H{meeting} Of course Sarah, I'll ring you at 3 on 0113 496 0999")
    say(engine, MARK, MARK_SAID)
    for name, at in (("chase", CHASE_TIME), ("call_tasks", CALL_TIME)):
        job = next(job for job in JOBS if job.name == name)
        run_job(sessions, setting, job, at)  # Leo is not in: a call task lists Sarah's number


def _handoff_id(sessions: sessionmaker[Session], kind: str) -> int:
    with sessions() as session:
        return session.scalars(select(HandoffItem.id).where(HandoffItem.kind == kind)).one()


def _erase(sessions: sessionmaker[Session], setting: int, phone: str) -> ErasureReport:
    with transaction(sessions) as session:
        return erase_guardian(session, setting, phone, CALL_TIME, "test")


def test_erase_leaves_none_of_their_numbers_or_words_in_any_table(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _sarah_and_mark_write(engine, sessions, demo_setting)
    stored = every_stored_text(sessions)
    assert any(SARAH_SAID[0] in text for _, _, text in stored)  # the scan sees them before
    assert any("+447700900101" in text for table, _, text in stored if table == "handoff_items")
    _erase(sessions, demo_setting, SARAH)
    stored = every_stored_text(sessions)
    found = [
        (table, column)
        for table, column, text in stored
        for secret in [*phone_forms(SARAH), "sarah.t@example.com", *SARAH_SAID]
        if secret in text
    ]
    assert found == []
    disclosure = [(table, column) for table, column, text in stored if DISCLOSURE in text]
    assert disclosure == [("handoff_items", "text")]  # the safeguarding item keeps her words


def test_records_the_setting_must_keep_stay_with_a_reference(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _sarah_and_mark_write(engine, sessions, demo_setting)
    report = _erase(sessions, demo_setting, SARAH)
    kept = {(item["table"], item["why"]) for item in report.kept}
    assert ("absences", KEPT_WHY["absences.reported_by_guardian_ids"]) in kept
    assert any(table == "handoff_items" and "safeguarding" in why for table, why in kept)
    lines = "\n".join(report.lines())
    assert "kept 1 in absences: attendance register" in lines
    assert "deleted" in lines and "still in the setting folder: children.csv" in lines
    with sessions() as session:
        absence = session.scalars(select(Absence)).all()
        assert [a.reported_by_guardian_ids for a in absence if a.start == CALL_TIME.date()] == [[]]
        item = session.scalars(
            select(HandoffItem).where(HandoffItem.kind == SAFEGUARDING_HANDOFF)
        ).one()
        assert item.text == DISCLOSURE and item.guardian_id is None
        pointer = session.scalars(select(InboundLog).where(InboundLog.status == "redacted")).one()
        assert pointer.text == f"[words kept on safeguarding item H{item.id}]"
        assert pointer.sender_id == f"erased:{report.reference}"
        call = session.scalars(
            select(HandoffItem).where(
                HandoffItem.kind == "call_task", HandoffItem.text.contains("Leo Thompson")
            )
        ).one()
        assert f"[erased guardian {report.reference}]" in call.text
        assert "[phone erased]" in call.text and "Mark Thompson" in call.text
        actors = set(session.scalars(select(AuditLog.actor)))
        assert f"erased:{report.reference}" in actors
        erasure = session.scalars(select(Erasure)).one()
        assert erasure.identifiers == {} and erasure.done_at is not None and erasure.kept


def test_their_childrens_records_and_the_other_parent_are_untouched(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _sarah_and_mark_write(engine, sessions, demo_setting)
    with sessions() as session:
        absences_before = len(session.scalars(select(Absence)).all())
    _erase(sessions, demo_setting, SARAH)
    with sessions() as session:
        assert len(session.scalars(select(Absence)).all()) == absences_before
        assert MARK_SAID in set(session.scalars(select(InboundLog.text)))
        mark = session.scalars(select(Guardian).where(Guardian.phone == MARK)).one()
        assert [child.first_name for child in mark.children] == ["Maya", "Leo"]
    reply = say(engine, MARK, "Is Maya marked absent today?")
    assert reply.replies


def test_an_erased_guardian_writing_again_is_a_stranger(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    say(engine, SARAH, SARAH_SAID[0])
    _erase(sessions, demo_setting, SARAH)
    result = say(engine, SARAH, "Maya's off tomorrow too")
    assert result.records == []
    assert "Maya" not in " ".join(reply.text for reply in result.replies)


def test_every_link_to_a_guardian_has_an_erasure_rule() -> None:
    handled = set(KEPT_WHY) | DELETED_LINKS | {HANDOFF_LINK} | GO_WITH_GUARDIAN
    links = {
        f"{table.name}.{key.parent.name}"
        for table in Base.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name == "guardians"
    }
    assert links - handled == set()
    cascading = {
        f"{table.name}.{key.parent.name}"
        for table in Base.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name == "guardians" and key.ondelete == "CASCADE"
    }
    assert cascading == GO_WITH_GUARDIAN  # only their access goes with the guardian row


def test_erase_command_shows_what_it_would_do_and_changes_nothing_without_yes(
    engine: Engine, sessions: sessionmaker[Session], db_url: str
) -> None:
    say(engine, SARAH, SARAH_SAID[0])
    result = CliRunner().invoke(app, ["erase", "--guardian", "07700 900101", "--db", db_url])
    assert result.exit_code == 1
    assert "kept 1 in absences" in result.output and "--yes" in result.output
    with sessions() as session:
        assert session.scalars(select(Guardian).where(Guardian.phone == SARAH)).one()
        assert session.scalars(select(Erasure)).all() == []


def test_erase_command_says_what_it_kept_and_why(
    engine: Engine, sessions: sessionmaker[Session], db_url: str
) -> None:
    say(engine, SARAH, SARAH_SAID[0])
    runner = CliRunner()
    result = runner.invoke(app, ["erase", "--guardian", "07700 900101", "--yes", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "Erasure E1:" in result.output
    assert "kept 1 in absences: attendance register" in result.output
    assert "guardians.csv" in result.output  # still listed there: the next import adds them
    with sessions() as session:
        assert session.scalars(select(Guardian).where(Guardian.phone == SARAH)).all() == []
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "erased")).one()
        assert entry.actor.startswith("cli") and entry.subject == "erasure:1"
    again = runner.invoke(app, ["erase", "--guardian", "07700 900101", "--yes", "--db", db_url])
    assert again.exit_code == 1 and "No guardian" in again.output
