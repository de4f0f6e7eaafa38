"""`parentbot broadcast --text ... [--room NAME]`: every family (or one room's), each in their
own language, with the report printed."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.db.models import AuditLog, Guardian, Outbox
from bot.i18n.names import parent_catalog
from bot.i18n.services import Translation
from bot.i18n.translator import NoTranslator
from parentbot.cli import app, send_broadcast
from tests.i18n.fake_translator import FakeTranslator

NO_TRANSLATOR_PL = parent_catalog().text("broadcast.no_translator", "pl")
LANGUAGES = ("en", "pl", "ur", "pa", "bn", "so", "ar", "gu", "pt", "ro", "es")
TEXT = "Seedlings will have a visit from the fire brigade on Friday at 10:00."


def _sent(sessions: sessionmaker[Session]) -> dict[str, Outbox]:
    with sessions() as session:
        rows = session.execute(
            select(Guardian.name, Outbox).join(Guardian, Outbox.guardian_id == Guardian.id)
        ).all()
        return {name: row for name, row in rows}


def test_broadcast_to_a_room_reaches_only_that_rooms_guardians(
    demo_setting: int, sessions: sessionmaker[Session]
) -> None:
    fake = FakeTranslator()
    summary = send_broadcast(sessions, demo_setting, TEXT, Translation(fake), room="seedlings")
    assert "Broadcast queued for 4 guardian(s). By language: pl 2, ur 2." in summary
    sent = _sent(sessions)
    assert set(sent) == {"Magda Kowalska", "Piotr Kowalski", "Nadia Hussain", "Imran Hussain"}
    assert sent["Magda Kowalska"].text == f"[pl] {TEXT}"
    assert sent["Nadia Hussain"].original_text == TEXT
    assert sorted(target for _, _, target in fake.calls) == ["pl", "ur"]
    with sessions() as session:
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "broadcast_sent"))
        assert audit is not None and audit.details["room"] == "seedlings"


def test_broadcast_with_no_translator_sends_english_with_a_note_and_says_so(
    db_url: str,
    demo_setting: int,
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TRANSLATOR", raising=False)  # the real path with no translator configured
    monkeypatch.delenv("PARENTBOT_SETTING", raising=False)
    configure_sms(monkeypatch)
    result = CliRunner().invoke(app, ["broadcast", "--text", TEXT, "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "Broadcast queued for 16 guardian(s)" in result.output
    assert "12 guardian(s) got your English with a short note" in result.output
    sent = _sent(sessions)
    assert len(sent) == 16
    assert sent["Magda Kowalska"].text == f"{TEXT}\n\n{NO_TRANSLATOR_PL}"  # the message first
    assert sent["Sarah Thompson"].text == TEXT
    assert all(row.original_text is None and row.choices == [] for row in sent.values())
    assert all(row.channel == "sms" and row.status == "pending" for row in sent.values())


def test_with_no_translator_configured_the_note_never_says_the_service_is_down(
    demo_setting: int, sessions: sessionmaker[Session]
) -> None:
    send_broadcast(sessions, demo_setting, TEXT, Translation(NoTranslator()))
    with sessions() as session:
        everything = "\n".join(session.scalars(select(Outbox.text)))
    assert NO_TRANSLATOR_PL in everything
    for code in LANGUAGES:  # "our translation service isn't working right now", in any language
        assert parent_catalog().text("broadcast.untranslated", code) not in everything


@pytest.fixture
def demo_db(db_url: str, demo_setting: int, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo nursery's database URL, the only setting served, no channel configured."""
    for name in ("PARENTBOT_SETTING", "TWILIO_ACCOUNT_SID", "TELEGRAM_BOT_TOKEN", "PARENTBOT_DEMO"):
        monkeypatch.delenv(name, raising=False)
    return db_url


def test_with_no_channel_configured_every_family_is_a_delivery_problem_at_once(
    demo_db: str, sessions: sessionmaker[Session]
) -> None:
    db_url = demo_db
    result = CliRunner().invoke(app, ["broadcast", "--text", TEXT, "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "Broadcast queued for 0 guardian(s)" in result.output
    assert "16 guardian(s) cannot be messaged; please call: " in result.output
    assert {row.status for row in _sent(sessions).values()} == {"undeliverable"}
    problems = CliRunner().invoke(app, ["delivery-problems", "--db", db_url]).output
    assert "No delivery problems" not in problems
    assert problems.count("undeliverable") == 16 and "Magda Kowalska (broadcast)" in problems


def configure_sms(monkeypatch: pytest.MonkeyPatch) -> None:
    """SMS through Twilio is configured (nothing is sent: the broadcast only queues)."""
    for name in ("TELEGRAM_BOT_TOKEN", "TWILIO_WHATSAPP_FROM", "PARENTBOT_DEMO"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "twilio-auth-token")
    monkeypatch.setenv("TWILIO_SMS_FROM", "+447700900500")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://nursery.example.org")


def test_broadcast_to_an_unknown_room_sends_nothing(
    db_url: str,
    demo_setting: int,
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PARENTBOT_SETTING", raising=False)
    result = CliRunner().invoke(
        app, ["broadcast", "--text", TEXT, "--room", "Moon", "--db", db_url]
    )
    assert result.exit_code == 1
    assert "no room called 'Moon'" in result.output
    assert _sent(sessions) == {}
