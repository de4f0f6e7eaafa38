"""Staff roles in staff.csv: several per person (a DSL is often also the manager or a key person),
with a clear error for a role that does not exist."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Staff
from bot.roster.errors import RosterInvalid
from parentbot import setup
from tests.conftest import DEMO


def _folder(tmp_path: Path, old: str | None = None, new: str = "") -> Path:
    folder = tmp_path / "setting"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("policies"))
    (folder / "policies").mkdir()
    if old is not None:
        staff = folder / "staff.csv"
        text = staff.read_text(encoding="utf-8")
        assert old in text
        staff.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _roles(sessions: sessionmaker[Session]) -> dict[str, list[str]]:
    with sessions() as session:
        return {member.name: list(member.roles) for member in session.scalars(select(Staff))}


def test_demo_names_the_safeguarding_lead_and_deputy_its_policy_names(
    sessions: sessionmaker[Session],
) -> None:
    setup.import_setting_folder(sessions, DEMO)
    roles = _roles(sessions)
    assert roles["Priya Shah"] == ["manager", "safeguarding_lead"]
    assert roles["Tom Okafor"] == ["key_person", "safeguarding_lead"]
    leads = sorted(name for name, held in roles.items() if "safeguarding_lead" in held)
    policy = (DEMO / "policies" / "safeguarding.md").read_text(encoding="utf-8")
    assert leads == ["Priya Shah", "Tom Okafor"]
    assert "Designated Safeguarding Lead (DSL) is Priya Shah" in policy
    assert "deputy DSL is Tom Okafor" in policy


def test_several_roles_are_read_in_any_case_and_spacing(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = _folder(
        tmp_path, "key_person,Saplings", "Key Person ; safeguarding lead;key_person,Saplings"
    )
    setup.import_setting_folder(sessions, folder)
    assert _roles(sessions)["Jess Hughes"] == ["key_person", "safeguarding_lead"]


def test_unknown_role_among_several_is_reported_by_line(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = _folder(tmp_path, "manager;safeguarding_lead", "manager;dsl")
    with pytest.raises(RosterInvalid) as raised:
        setup.import_setting_folder(sessions, folder)
    assert [str(error) for error in raised.value.errors] == [
        "staff.csv:2: role: 'dsl' is not a role "
        "(key_person, practitioner, manager, admin, safeguarding_lead)"
    ]


def test_empty_role_is_reported(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    folder = _folder(tmp_path, "admin,", ",")
    with pytest.raises(RosterInvalid) as raised:
        setup.import_setting_folder(sessions, folder)
    assert [str(error) for error in raised.value.errors] == ["staff.csv:7: role: is required"]


def test_reimport_changes_roles_in_place(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    setup.import_setting_folder(sessions, folder)
    staff = folder / "staff.csv"
    text = staff.read_text(encoding="utf-8")
    staff.write_text(
        text.replace("key_person;safeguarding_lead,Oaks", "key_person,Oaks").replace(
            "practitioner,Oaks", "practitioner;safeguarding_lead,Oaks"
        ),
        encoding="utf-8",
    )
    setup.import_setting_folder(sessions, folder)
    roles = _roles(sessions)
    assert roles["Tom Okafor"] == ["key_person"]
    assert roles["Sam Patel"] == ["practitioner", "safeguarding_lead"]
