"""Importing a setting folder: validated all-or-nothing, re-importable in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.db.models import Child, Guardian, GuardianChild, PolicyDocument, Staff
from bot.roster.errors import RosterInvalid
from parentbot import setup
from parentbot.cli import app
from tests.roster.helpers import append, demo_copy, replace_line


def _counts(session: Session) -> tuple[int, int, int, int]:
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Child, Guardian, Staff, GuardianChild)
    )


def test_sample_policies_and_roster_import(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    summary = setup.import_setting_folder(sessions, demo_copy(tmp_path))
    assert (summary.children, summary.guardians, summary.staff) == (14, 16, 6)
    assert summary.policies == 2
    with sessions() as session:
        maya = session.scalar(select(Child).where(Child.first_name == "Maya"))
        assert maya is not None and maya.room is not None and maya.room.name == "Saplings"
        assert maya.key_person is not None and maya.key_person.name == "Jess Hughes"
        sarah = session.scalar(select(Guardian).where(Guardian.name == "Sarah Thompson"))
        assert sarah is not None and sarah.phone == "+447700900101"
        assert [child.first_name for child in sarah.children] == ["Maya", "Leo"]
        assert session.scalar(select(func.count(PolicyDocument.id))) == 2


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("guardians.csv", "07700 900101", "07700 12", "guardians.csv:2: phone: '07700 12' is not"),
        (
            "children.csv",
            "2023-03-14,Saplings",
            "2023-03-14,Sunflowers",
            "children.csv:2: room: unknown room 'Sunflowers'",
        ),
        (
            "guardians.csv",
            "Maya Thompson;Leo Thompson,yes",
            "Maya Thompson;Oliver Thompson,yes",
            "guardians.csv:2: children: unknown child 'Oliver Thompson'",
        ),
        (
            "children.csv",
            "2023-03-14,",
            "2023-02-30,",
            "children.csv:2: date_of_birth: '2023-02-30' is not a date",
        ),
        (
            "guardians.csv",
            "mother,en,Maya",
            "mother,english,Maya",
            "guardians.csv:2: language: 'english' is not an ISO 639-1",
        ),
        (
            "staff.csv",
            "manager;safeguarding_lead,",
            "boss,",
            "staff.csv:2: role: 'boss' is not a role",
        ),
    ],
)
def test_bad_row_is_reported_with_file_line_and_column_and_changes_nothing(
    sessions: sessionmaker[Session], tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    folder = demo_copy(tmp_path)
    setup.import_setting_folder(sessions, folder)
    with sessions() as session:
        before = _counts(session)
    replace_line(folder / "guardians.csv", "Fiona Campbell", "Fiona MacLeod")  # a change too
    replace_line(folder / file, old, new)
    with pytest.raises(RosterInvalid) as raised:
        setup.import_setting_folder(sessions, folder)
    assert any(str(error).startswith(expected) for error in raised.value.errors), raised.value
    with sessions() as session:
        assert _counts(session) == before
        assert session.scalar(select(Guardian).where(Guardian.name == "Fiona MacLeod")) is None


def test_child_listed_twice_is_reported_at_the_second_line(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = demo_copy(tmp_path)
    append(folder / "children.csv", "Maya,Thompson,,2023-03-14,Saplings,Jess Hughes,,")
    with pytest.raises(RosterInvalid) as raised:
        setup.import_setting_folder(sessions, folder)
    assert [str(e) for e in raised.value.errors] == [
        "children.csv:16: first_name: child listed twice (first at line 2)"
    ]
    assert setup.setting_count(sessions) == 0


def test_reimport_updates_in_place_and_never_duplicates(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = demo_copy(tmp_path)
    setup.import_setting_folder(sessions, folder)
    with sessions() as session:
        first = _counts(session)
    assert first == (14, 16, 6, 23)
    replace_line(
        folder / "guardians.csv",
        "Fiona Campbell,07700 900121,fiona.c@example.com",
        "Fiona Campbell,07700 900121,fiona@new.example",
    )
    setup.import_setting_folder(sessions, folder)
    with sessions() as session:
        assert _counts(session) == first
        fiona = session.scalar(select(Guardian).where(Guardian.name == "Fiona Campbell"))
        assert fiona is not None and fiona.email == "fiona@new.example"
        assert session.scalar(select(func.count(PolicyDocument.id))) == 2


def test_guardian_removed_from_roster_loses_access(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = demo_copy(tmp_path)
    setup.import_setting_folder(sessions, folder)
    lines = (folder / "guardians.csv").read_text(encoding="utf-8").splitlines()
    (folder / "guardians.csv").write_text(
        "\n".join(line for line in lines if not line.startswith("Mark Thompson")) + "\n",
        encoding="utf-8",
    )
    summary = setup.import_setting_folder(sessions, folder)
    assert summary.removed == 1
    with sessions() as session:
        assert session.scalar(select(Guardian).where(Guardian.name == "Mark Thompson")) is None


def test_uk_national_phone_formats_are_stored_as_e164(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = demo_copy(tmp_path)
    replace_line(folder / "guardians.csv", "07700 900101", "+44 (0)7700-900101")
    replace_line(folder / "guardians.csv", "07700 900102", "447700900102")
    setup.import_setting_folder(sessions, folder)
    with sessions() as session:
        phones = set(session.scalars(select(Guardian.phone)))
    assert {"+447700900101", "+447700900102"} <= phones


def test_cli_import_prints_errors_and_exits_non_zero(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    replace_line(folder / "staff.csv", "07700 900002", "not a phone")
    result = CliRunner().invoke(
        app, ["import", str(folder), "--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}"]
    )
    assert result.exit_code == 1
    assert "staff.csv:3: phone: 'not a phone' is not a phone number" in result.output
    assert "nothing was changed" in result.output


def test_cli_import_notes_languages_without_curated_messages(tmp_path: Path) -> None:
    folder = demo_copy(tmp_path)
    replace_line(folder / "guardians.csv", "mother,pl,", "mother,fr,")
    replace_line(folder / "guardians.csv", "father,pl,", "father,de,")
    result = CliRunner().invoke(
        app, ["import", str(folder), "--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}"]
    )
    assert result.exit_code == 0
    assert (
        "note: no curated messages in French (fr), German (de): those guardians get the bot's "
        "own messages in English, and broadcasts machine-translated when TRANSLATOR is set."
    ) in result.stderr.splitlines()
