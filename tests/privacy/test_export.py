"""A subject access request: everything held about a guardian (or a child), and no one else's."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.db.models import AuditLog, Base
from bot.pipeline.engine import Engine
from bot.privacy.erase import erase_guardian
from bot.privacy.export import export_for
from bot.privacy.tables import HELD, NOT_HELD
from parentbot.cli import app
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import say
from tests.privacy.support import (
    FIONA,
    JESS,
    MAGDA,
    MARK,
    SARAH,
    import_without,
    mentions,
    other_families,
    phone_forms,
    strings_in,
)

SARAH_SAID = "Maya's off today, temperature"
DISCLOSURE = "Maya has a bruise and said someone at home hurt her"


def _families_write(engine: Engine) -> None:
    say(engine, SARAH, SARAH_SAID)
    say(engine, SARAH, "Could Jess call me about Maya's speech please?")
    say(engine, MAGDA, "Kuba jest chory, nie przyjdzie dzisiaj")
    say(engine, FIONA, "Isla has a cough, she won't be in today")
    say(engine, FIONA, "Can my neighbour Rory pick Isla up at 3?")


def _export(sessions: sessionmaker[Session], setting_id: int, **who: object) -> dict:
    with sessions.begin() as session:
        return export_for(session, setting_id, MONDAY_MORNING, "test", **who)  # type: ignore[arg-type]


def test_export_holds_what_the_guardian_sent_and_nothing_of_another_family(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _families_write(engine)
    exported = _export(sessions, demo_setting, phone=SARAH)
    sent = [row["text"] for row in exported["held"]["inbound_log"]]
    assert SARAH_SAID in sent
    assert exported["held"]["absences"] and exported["held"]["outbox"]
    with sessions() as session:
        words, phones = other_families(session, SARAH)
    text = "\n".join(strings_in(exported))
    assert [word for word in words if mentions(text, word)] == []
    assert [form for phone in phones for form in phone_forms(phone) if form in text] == []


def test_export_of_a_child_holds_their_records_and_nothing_of_another_family(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _families_write(engine)
    exported = _export(sessions, demo_setting, child="maya thompson")
    assert exported["subject"] == "Maya Thompson"
    assert [row["first_name"] for row in exported["held"]["children"]] == ["Maya"]
    assert exported["held"]["absences"]
    with sessions() as session:
        words, phones = other_families(session, SARAH)
    text = "\n".join(strings_in(exported))
    assert [word for word in words if mentions(text, word)] == []
    assert not any(form in text for phone in phones for form in phone_forms(phone))


def test_safeguarding_items_are_withheld_until_the_lead_agrees(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    say(engine, SARAH, DISCLOSURE)
    exported = _export(sessions, demo_setting, phone=SARAH)
    assert DISCLOSURE not in "\n".join(strings_in(exported["held"]))
    assert "safeguarding" not in json.dumps(exported["held"])
    withheld = {item["table"] for item in exported["withheld"]}
    assert {"handoff_items", "inbound_log", "outbox", "audit_log"} <= withheld
    released = _export(sessions, demo_setting, phone=SARAH, include_safeguarding=True)
    assert released["withheld"] == []
    assert DISCLOSURE in [row["text"] for row in released["held"]["handoff_items"]]


def test_another_parents_words_about_the_same_child_are_not_exported(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    say(engine, MARK, "Please can Maya's key person ring me about her eczema cream")
    say(engine, MARK, "", choice_id="meeting:none")  # none of the times offered: it asks when
    say(engine, MARK, "Any afternoon")
    exported = _export(sessions, demo_setting, phone=SARAH)
    assert "eczema" not in "\n".join(strings_in(exported))
    assert _export(sessions, demo_setting, phone=MARK)["held"]["handoff_items"]


def test_every_table_is_exported_or_says_why_not() -> None:
    exported = {entry.model.__tablename__ for entry in HELD}
    about_people = {
        table.name
        for table in Base.metadata.sorted_tables
        if {"guardian_id", "child_id"} & set(table.columns.keys())
        or any(key.column.table.name in {"guardians", "children"} for key in table.foreign_keys)
    }
    assert about_people - exported == set()
    every = set(Base.metadata.tables)
    assert every - exported - set(NOT_HELD) - {AuditLog.__tablename__} == set()
    assert exported & set(NOT_HELD) == set()


def test_export_command_writes_json_and_is_audited(
    engine: Engine, sessions: sessionmaker[Session], db_url: str
) -> None:
    say(engine, SARAH, SARAH_SAID)
    result = CliRunner().invoke(app, ["export", "--guardian", "07700 900101", "--db", db_url])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.stdout)
    assert SARAH_SAID in [row["text"] for row in exported["held"]["inbound_log"]]
    with sessions() as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "exported")).one()
    assert entry.actor.startswith("cli") and entry.subject.startswith("guardian:")


def test_export_command_explains_who_it_cannot_find(engine: Engine, db_url: str) -> None:
    runner = CliRunner()
    unknown = runner.invoke(app, ["export", "--guardian", "07700 900999", "--db", db_url])
    assert unknown.exit_code == 1 and "No guardian on the roster" in unknown.output
    nobody = runner.invoke(app, ["export", "--child", "Peppa Pig", "--db", db_url])
    assert nobody.exit_code == 1 and "No child on the roll" in nobody.output
    both = runner.invoke(app, ["export", "--db", db_url])
    assert both.exit_code == 1 and "--guardian PHONE or --child NAME" in both.output


def test_exported_rows_have_every_column_but_staff_addresses(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    say(engine, SARAH, SARAH_SAID)
    exported = _export(sessions, demo_setting, phone=SARAH)
    for entry in HELD:
        columns = {column.key for column in inspect(entry.model).columns}
        for row in exported["held"][entry.model.__tablename__]:
            assert set(row) == columns
    alerts = [row for row in exported["held"]["outbox"] if row["staff_id"] is not None]
    assert alerts and all(row["recipient_id"].startswith("staff:") for row in alerts)
    text = "\n".join(strings_in(exported))
    assert not any(form in text for form in phone_forms(JESS))


def test_a_guardian_waiting_for_erasure_can_still_have_their_data_exported(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int, tmp_path: Path
) -> None:
    asked = "I'm worried about Maya's eczema cream, it doesn't seem to be working"
    say(engine, MARK, asked)
    import_without(sessions, tmp_path, "Mark Thompson")
    exported = _export(sessions, demo_setting, phone=MARK)
    assert exported["subject"] == "Mark Thompson (+447700900102)"
    assert [row["text"] for row in exported["held"]["inbound_log"]] == [asked]
    assert [row["text"] for row in exported["held"]["handoff_items"]] == [asked]


def test_an_erased_parents_safeguarding_item_never_reaches_the_other_parent(
    engine: Engine, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    say(engine, SARAH, DISCLOSURE)
    with sessions.begin() as session:
        erase_guardian(session, demo_setting, SARAH, MONDAY_MORNING, "test")
    for who in ({"phone": MARK}, {"child": "Maya Thompson"}):
        exported = _export(sessions, demo_setting, include_safeguarding=True, **who)
        assert DISCLOSURE not in "\n".join(strings_in(exported))
