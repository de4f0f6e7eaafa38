"""The data-protection options are checked on import; who viewed, exported, erased or changed
what is in the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.audit import viewed
from bot.db.models import AuditLog, Setting
from bot.db.session import transaction
from bot.pipeline.engine import Engine
from bot.privacy.options import PrivacyOptions, privacy_options
from bot.roster.errors import RosterInvalid
from bot.roster.folder import read_setting_folder
from parentbot import setup
from parentbot.cli import app, cli_actor
from tests.core.helpers import say
from tests.privacy.support import JESS, roster_copy, set_option


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            'retain_messages_days = "a year"',
            "retain_messages_days: 'a year': use a whole number of days from 1 to 36500, "
            "e.g. retain_messages_days = 365",
        ),
        ("retain_records_years = 0", "retain_records_years: 0: use a whole number of years"),
        ("erase_after_days = -1", "erase_after_days: -1: use a whole number of days from 0"),
        ("erase_after_days = true", "erase_after_days: True: use a whole number of days"),
        ("retain_messages_days = 30.5", "retain_messages_days: 30.5: use a whole number"),
    ],
)
def test_a_bad_option_is_named_with_its_line(tmp_path: Path, line: str, problem: str) -> None:
    folder = roster_copy(tmp_path)
    set_option(folder, line)
    lines = (folder / "setting.toml").read_text(encoding="utf-8").count("\n")
    with pytest.raises(RosterInvalid) as raised:
        read_setting_folder(folder)
    [error] = raised.value.errors
    assert str(error).startswith(f"setting.toml:{lines}: {problem}")


def test_options_are_read_with_their_defaults(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    assert privacy_options({}) == PrivacyOptions(365, 6, 30)
    folder = roster_copy(tmp_path)
    set_option(folder, "retain_messages_days = 90\nretain_records_years = 7")
    setting_id = setup.import_setting_folder(sessions, folder).setting_id
    with sessions() as session:
        options = session.get_one(Setting, setting_id).options
    assert privacy_options(options) == PrivacyOptions(90, 7, 30)


def test_the_cli_actor_is_cli_and_the_os_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGNAME", "ana")
    assert cli_actor() == "cli:ana"


def _entries(sessions: sessionmaker[Session], action: str) -> list[tuple[str, str]]:
    with sessions() as session:
        rows = session.execute(
            select(AuditLog.actor, AuditLog.subject).where(AuditLog.action == action)
        )
        return [(actor, subject) for actor, subject in rows]


def test_staff_viewing_the_register_is_audited(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, JESS, "register")
    assert _entries(sessions, "viewed") == [("staff:2", "register:2026-11-23")]


def test_command_line_look_ups_and_link_codes_are_audited(
    engine: Engine, sessions: sessionmaker[Session], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "ana")
    runner = CliRunner()
    for command in (
        ["unanswered"],
        ["delivery-problems"],
        ["link-code", "--phone", "07700 900101"],
    ):
        assert runner.invoke(app, [*command, "--db", db_url]).exit_code == 0
    assert _entries(sessions, "viewed") == [
        ("cli:ana", "handoffs:policy_unanswered"),
        ("cli:ana", "outbox:delivery_problems"),
    ]
    assert _entries(sessions, "link_code_issued") == [("cli:ana", "guardian:1")]


def test_the_dashboard_can_record_what_was_viewed(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    with transaction(sessions) as session:
        viewed(session, "dashboard:priya", "guardian:1", {"page": "family"})
    assert _entries(sessions, "viewed") == [("dashboard:priya", "guardian:1")]
