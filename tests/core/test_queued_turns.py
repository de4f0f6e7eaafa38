"""Queued turns: webhooks only keep messages; the turns process answers them, each exactly once."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Absence, InboundLog, Outbox
from bot.db.session import transaction
from bot.pipeline.engine import Engine
from bot.pipeline.inbound import log_once
from bot.pipeline.turns import run_turns
from tests.conftest import MONDAY_MORNING, REPO
from tests.core.helpers import inbound


def _queued(sessions: sessionmaker[Session], setting_id: int) -> Engine:
    return Engine(sessions, setting_id, clock=lambda: MONDAY_MORNING, queue_turns=True)


def _replies(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        query = select(Outbox.text).where(Outbox.kind == "reply").order_by(Outbox.id)
        return list(session.scalars(query))


def _statuses(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(InboundLog.status).order_by(InboundLog.id)))


def test_a_queued_message_is_kept_unanswered_until_the_turns_process_takes_it(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = _queued(sessions, demo_setting)
    assert engine.submit(inbound("Maya is off sick today with a temperature", "SM1")).result()
    assert (_statuses(sessions), _replies(sessions)) == (["received"], [])

    assert engine.handle_received() == 1
    with sessions() as session:
        logged = session.scalars(select(InboundLog)).one()
        absences = session.scalar(select(func.count(Absence.id)))
    assert (logged.status, logged.intent, logged.handled_at) == (
        "handled",
        "absence",
        MONDAY_MORNING,
    )
    assert absences == 1 and "Maya" in _replies(sessions)[0]
    assert engine.handle_received() == 0


def test_a_replayed_webhook_is_kept_once_and_answered_once(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = _queued(sessions, demo_setting)
    assert engine.submit(inbound("What time do you open on Friday?", "SM2")).result()
    assert not engine.submit(inbound("What time do you open on Friday?", "SM2")).result()
    assert engine.handle_received() == 1
    assert not engine.submit(inbound("What time do you open on Friday?", "SM2")).result()
    assert engine.handle_received() == 0 and len(_replies(sessions)) == 1


def test_a_message_whose_turn_never_ran_is_answered_by_the_turns_process(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    # an inline web process kept the message and then died before its turn
    with transaction(sessions) as session:
        log_once(session, inbound("What time do you open on Friday?", "SM3"))
    assert _replies(sessions) == []
    assert _queued(sessions, demo_setting).handle_received() == 1
    assert _statuses(sessions) == ["handled"] and len(_replies(sessions)) == 1


def test_messages_are_answered_oldest_first(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = _queued(sessions, demo_setting)
    for number, day in enumerate(("Tuesday", "Wednesday", "Thursday")):
        engine.submit(inbound(f"Maya's off on {day}", f"SM{number}")).result()
    assert engine.handle_received(limit=1) == 1
    with sessions() as session:
        starts = [absence.start.isoformat() for absence in session.scalars(select(Absence))]
    assert starts == ["2026-11-24"]
    assert engine.handle_received() == 2


def test_two_turns_processes_answer_each_message_once(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    first, second = _queued(sessions, demo_setting), _queued(sessions, demo_setting)
    for number in range(6):
        first.submit(inbound("What time do you open on Friday?", f"SMtwo{number}")).result()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda engine: engine.handle_received(), (first, second)))
    assert _statuses(sessions) == ["handled"] * 6 and len(_replies(sessions)) == 6


def test_a_tapped_choice_waits_in_the_queue_with_itsinbound(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = _queued(sessions, demo_setting)
    engine.submit(inbound("Maya is off sick today", "SMc1")).result()
    engine.handle_received()
    with sessions() as session:
        offered = session.scalars(select(Outbox).order_by(Outbox.id.desc())).first()
    assert offered is not None and offered.choices
    engine.submit(inbound("", "SMc2", choice_id=offered.choices[0]["id"])).result()
    with sessions() as session:
        kept = session.scalars(select(InboundLog).where(InboundLog.status == "received")).one()
    assert kept.choice_id == offered.choices[0]["id"]
    engine.handle_received()
    assert _statuses(sessions) == ["handled", "handled"]
    assert len(_replies(sessions)) == 2


def test_the_turns_loop_answers_arriving_messages_until_stopped(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = _queued(sessions, demo_setting)
    stop = threading.Event()
    loop = threading.Thread(target=run_turns, args=(engine, stop))
    loop.start()
    try:
        engine.submit(inbound("What time do you open on Friday?", "SMloop")).result()
        deadline = time.monotonic() + 10
        while _statuses(sessions) != ["handled"] and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _statuses(sessions) == ["handled"]
    finally:
        stop.set()
        loop.join(timeout=5)
    assert not loop.is_alive()


def test_the_turns_command_answers_kept_messages_and_stops_on_sigterm(
    db_url: str, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = _queued(sessions, demo_setting)
    engine.submit(inbound("What time do you open on Friday?", "SMcli")).result()
    process = subprocess.Popen(
        [sys.executable, "-m", "parentbot", "turns", "--db", db_url],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while _statuses(sessions) != ["handled"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _statuses(sessions) == ["handled"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors


def test_a_turns_process_stopped_while_building_the_policy_index_exits_cleanly(
    db_url: str, demo_setting: int
) -> None:
    """SIGTERM while the start-up index build is in the model runtime: the process finishes
    the build and exits 0 (a daemon build thread aborted the process mid-teardown)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "parentbot", "turns", "--db", db_url],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(120, process.kill)  # never wait for ever on a missing line
    watchdog.start()
    try:
        assert process.stderr is not None
        for line in process.stderr:  # the structlog lines, one as the embedding starts
            if '"embedding ' in line:
                time.sleep(0.5)  # into the model runtime's work
                break
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=60)
        watchdog.cancel()
    assert process.returncode == 0, errors


def test_a_message_that_waited_overnight_means_the_day_it_was_written(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    tuesday = MONDAY_MORNING + timedelta(days=1)
    engine = Engine(sessions, demo_setting, clock=lambda: tuesday, queue_turns=True)
    written = inbound("Maya is off sick today with a temperature", "SMlate")
    engine.submit(replace(written, received_at=written.received_at - timedelta(days=1))).result()
    engine.handle_received()
    with sessions() as session:
        [absence] = session.scalars(select(Absence)).all()
    assert absence.start.isoformat() == "2026-11-23"  # Monday, when Sarah wrote
