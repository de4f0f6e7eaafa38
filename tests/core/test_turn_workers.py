"""Several turns processes on one PostgreSQL database: each conversation's messages answered in
the order they were kept, exactly once, never two turns of one parent at once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import InboundLog, Outbox
from bot.db.session import make_engine, make_session_factory, only_process, transaction
from bot.pipeline.engine import Engine
from bot.pipeline.inbound import claim, hold_conversation, log_once
from tests.conftest import MONDAY_MORNING, REPO
from tests.core.helpers import inbound

PHONES = [f"+4477009001{n:02d}" for n in (1, 2, 3, 11, 12, 21, 31, 32, 41, 51, 52, 61)]
TEXTS = [
    "What time do you open on Friday?",
    "Is there a parents evening this term?",
    "thank you",
    "What time do you close today?",
]


def _keep(sessions: sessionmaker[Session], texts: list[str], phones: list[str]) -> None:
    """Every phone's messages kept, interleaved across conversations, as webhooks keep them."""
    with transaction(sessions) as session:
        for round_number, text in enumerate(texts):
            for phone in phones:
                message = inbound(text, f"SM{phone}-{round_number}", sender=phone)
                assert log_once(session, message) is not None


def _queued(sessions: sessionmaker[Session], setting_id: int) -> Engine:
    return Engine(sessions, setting_id, clock=lambda: MONDAY_MORNING, queue_turns=True)


def _turns_process(url: str, setting_id: int, stop: threading.Event) -> None:
    """A turns process's loop on its own connection pool, until no message waits."""
    engine = make_engine(url)
    worker = _queued(make_session_factory(engine), setting_id)
    while not stop.is_set():
        if worker.handle_received(limit=20, spread=True) == 0 and _waiting(worker.sessions) == 0:
            break
    engine.dispose()


def _waiting(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return len(
            session.scalars(select(InboundLog.id).where(InboundLog.status == "received")).all()
        )


def test_two_turns_processes_answer_every_conversation_in_order_exactly_once(
    db_url: str, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    _keep(sessions, TEXTS, PHONES)
    stop = threading.Event()
    workers = [
        threading.Thread(target=_turns_process, args=(db_url, demo_setting, stop)) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    stop.set()

    with sessions() as session:
        statuses = session.scalars(select(InboundLog.status)).all()
        replies = session.execute(
            select(Outbox.recipient_id, Outbox.inbound_id)
            .where(Outbox.kind == "reply")
            .order_by(Outbox.id)
        ).all()
    assert statuses == ["handled"] * len(TEXTS) * len(PHONES)
    answered: dict[str, list[int]] = defaultdict(list)
    for recipient, inbound_id in replies:
        if not answered[recipient] or answered[recipient][-1] != inbound_id:
            answered[recipient].append(inbound_id)
    assert sorted(answered) == sorted(PHONES)
    for phone, inbound_ids in answered.items():  # each message's turn once, in kept order
        assert inbound_ids == sorted(set(inbound_ids)), phone
        assert len(inbound_ids) == len(TEXTS), phone


@pytest.mark.postgres_only  # advisory locks (SQLite runs one turns process)
def test_a_conversation_another_process_is_answering_is_skipped_then_answered(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    sarah, mark = PHONES[0], PHONES[1]
    _keep(sessions, TEXTS[:2], [sarah, mark])
    engine = _queued(sessions, demo_setting)
    with transaction(sessions) as other_process:  # mid-turn in Sarah's conversation
        assert hold_conversation(other_process, ("sms", sarah), wait=False)
        assert engine.handle_received() == 2  # Mark's two; Sarah's wait
        with sessions() as session:
            waiting = session.scalars(
                select(InboundLog.sender_id).where(InboundLog.status == "received")
            ).all()
        assert waiting == [sarah, sarah]
    assert engine.handle_received() == 2


@pytest.mark.postgres_only  # advisory locks (SQLite runs one turns process)
def test_a_crashed_process_lets_go_of_the_conversation(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    sarah = PHONES[0]
    _keep(sessions, TEXTS[:1], [sarah])
    crashed = sessions()
    crashed.begin()
    assert hold_conversation(crashed, ("sms", sarah), wait=False)
    engine = _queued(sessions, demo_setting)
    assert engine.handle_received() == 0
    crashed.rollback()  # the process died: its transaction, and its claim, are gone
    crashed.close()
    assert engine.handle_received() == 1


def test_an_older_message_waiting_holds_back_the_newer_one(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    sarah = PHONES[0]
    _keep(sessions, TEXTS[:2], [sarah])
    with sessions() as session:
        first, second = session.execute(
            select(InboundLog.id, InboundLog.text).order_by(InboundLog.id)
        ).all()
    with transaction(sessions) as session:
        newer = inbound(second.text, "SM-second", sender=sarah)
        assert not claim(session, second.id, newer, queued=True)
    with sessions() as session, session.begin():
        assert claim(session, first.id, inbound(first.text, "SM-first", sender=sarah), queued=True)
        session.rollback()  # a turn that crashed: the message waits again
    assert _queued(sessions, demo_setting).handle_received() == 2


def test_a_second_turns_process_on_sqlite_is_refused(tmp_path: Path, sqlite_template: Path) -> None:
    copy = tmp_path / "one.sqlite3"
    shutil.copy(sqlite_template, copy)
    url = f"sqlite:///{copy}"
    first = make_session_factory(make_engine(url))
    assert only_process(first, "turns")
    second = subprocess.run(
        [sys.executable, "-m", "parentbot", "turns", "--db", url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 1
    assert "SQLite runs exactly one" in second.stderr
