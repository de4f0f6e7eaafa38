"""`parentbot broadcast --text ... [--room NAME]`: every family (or one room's), each in their
own language, with the report printed."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.db.models import AuditLog, Guardian, Outbox
from bot.i18n.services import Translation
from parentbot.cli import app, send_broadcast
from tests.i18n.fake_translator import FakeTranslator

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
    result = CliRunner().invoke(app, ["broadcast", "--text", TEXT, "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "Broadcast queued for 16 guardian(s)" in result.output
    assert "12 guardian(s) got your English with a short note" in result.output
    sent = _sent(sessions)
    assert len(sent) == 16
    assert sent["Magda Kowalska"].text.endswith(f"\n\n{TEXT}")
    assert sent["Sarah Thompson"].text == TEXT
    assert all(row.original_text is None and row.choices == [] for row in sent.values())


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
