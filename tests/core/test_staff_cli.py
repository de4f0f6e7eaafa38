"""Staff look-ups from the command line: delivery problems, link codes, unanswered questions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.db.models import ChannelIdentity, Outbox
from bot.db.session import transaction
from bot.pipeline.engine import Engine
from bot.pipeline.inbound import log_once
from bot.pipeline.linking import redeem_link_code
from bot.types import InboundMessage
from parentbot import setup
from parentbot.cli import app
from tests.conftest import DEMO
from tests.core.helpers import say


def _database(tmp_path: Path) -> tuple[str, sessionmaker[Session]]:
    url = f"sqlite:///{tmp_path / 'staff.sqlite3'}"
    sessions = setup.open_database(url)
    setup.import_setting_folder(sessions, DEMO)
    return url, sessions


def test_delivery_problems_lists_failed_unknown_dead_and_opted_out(tmp_path: Path) -> None:
    url, sessions = _database(tmp_path)
    with transaction(sessions) as session:
        for status, error in (
            ("unknown", "timeout after create"),
            ("dead", "gave up"),
            ("delivered", None),
        ):
            session.add(
                Outbox(
                    channel="sms",
                    recipient_id="+447700900101",
                    text="hi",
                    status=status,
                    last_error=error,
                    guardian_id=1,
                )
            )
        session.add(
            ChannelIdentity(
                channel="sms", external_id="+447700900121", guardian_id=6, opted_out=True
            )
        )
    output = CliRunner().invoke(app, ["delivery-problems", "--db", url]).output
    assert "unknown" in output and "timeout after create" in output and "dead" in output
    assert "delivered" not in output
    assert "opted out" in output and "Fiona Campbell" in output


def test_link_code_connects_the_guardian_it_was_issued_for(tmp_path: Path) -> None:
    url, sessions = _database(tmp_path)
    result = CliRunner().invoke(app, ["link-code", "--phone", "07700 900111", "--db", url])
    assert result.exit_code == 0, result.output
    code = result.output.split(": ")[1].split()[0]
    with transaction(sessions) as session:
        assert redeem_link_code(session, 1, "telegram", "424242", code)
    engine = Engine(sessions, 1)
    reply = say(engine, "424242", "hello", channel="telegram").replies[0].text
    assert "Magda" in reply


def test_link_code_for_an_unknown_phone_fails_clearly(tmp_path: Path) -> None:
    url, _ = _database(tmp_path)
    result = CliRunner().invoke(app, ["link-code", "--phone", "07700 900999", "--db", url])
    assert result.exit_code == 1 and "Nobody on the roster" in result.output


def test_unanswered_lists_questions_the_policies_did_not_cover(engine: Engine, db_url: str) -> None:
    say(engine, "+447700900121", "what's the wifi password?")
    output = CliRunner().invoke(app, ["unanswered", "--db", db_url]).output
    assert "Fiona Campbell: what's the wifi password?" in output


def test_delivery_problems_lists_a_parents_message_left_unanswered(tmp_path: Path) -> None:
    url, sessions = _database(tmp_path)
    kept = datetime.now(UTC) - timedelta(minutes=5)  # the turns process has not answered it
    with transaction(sessions) as session:
        for sid, at in (("SMold", kept), ("SMnew", datetime.now(UTC))):
            message = InboundMessage("sms", "+447700900101", f"Maya is off ({sid})", sid, at)
            log_once(session, message)
    output = CliRunner().invoke(app, ["delivery-problems", "--db", url]).output
    assert "not answered sms      +447700900101: Maya is off (SMold)" in output
    assert "SMnew" not in output  # a message a moment old is still being answered
