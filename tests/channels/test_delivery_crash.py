"""A delivery worker killed mid-broadcast (SIGKILL, a real `parentbot deliver` process against the
fake Bot API): what it claimed but never attempted goes out once through the next worker, and
nothing goes out twice.

The kill lands between sends: a row whose attempt is marked but whose request has not reached
the provider yet is, by design, "unknown" (it may have gone) and not resent, so a kill inside that
millisecond window could lose that one message. The test freezes the worker (SIGSTOP) until no row
is in that window, then kills it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import ChannelIdentity, Guardian, Outbox, utcnow
from bot.db.session import normalise_url, transaction
from bot.i18n.services import Translation
from bot.outbound.delivery import DeliveryWorker
from parentbot.cli import send_broadcast
from tests.fakes.telegram_api import FakeBotApi
from tests.i18n.fake_translator import FakeTranslator

PARENTBOT = Path(sys.executable).with_name("parentbot")
FIRST_CHAT = 70_000
KILL_AFTER_SENDS = 6  # of 16: some sent, the rest claimed and never attempted
TEXT = "The nursery is closed on Friday for staff training."


def link_every_family_on_telegram(sessions: sessionmaker[Session], setting_id: int) -> int:
    """Each demo guardian last wrote from their own Telegram chat; how many guardians."""
    with transaction(sessions) as session:
        guardians = session.scalars(
            select(Guardian).where(Guardian.setting_id == setting_id).order_by(Guardian.id)
        ).all()
        for number, guardian in enumerate(guardians):
            session.add(
                ChannelIdentity(
                    channel="telegram",
                    external_id=str(FIRST_CHAT + number),
                    guardian_id=guardian.id,
                    last_inbound_at=utcnow(),
                )
            )
        return len(guardians)


def start_worker(db_url: str, api: FakeBotApi) -> subprocess.Popen[bytes]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TWILIO_", "TELEGRAM_", "PARENTBOT_"))
    }
    env |= {
        "TELEGRAM_BOT_TOKEN": "123:TEST",
        "TELEGRAM_API_BASE_URL": api.base_url,
        "PARENTBOT_DELIVERY_LEASE_SECONDS": "2",
    }
    return subprocess.Popen(
        [str(PARENTBOT), "deliver", "--db", db_url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_between_sends(worker: subprocess.Popen[bytes], api: FakeBotApi, db_url: str) -> None:
    """SIGKILL the worker once KILL_AFTER_SENDS sends arrived, at a moment when every row it
    marked "sending" has reached the provider. (Read with a plain engine: the project's SQLite
    transactions take the writer lock, which the frozen worker may hold.)"""
    reader = create_engine(normalise_url(db_url))
    deadline = time.monotonic() + 60
    while len(api.arrived) < KILL_AFTER_SENDS and time.monotonic() < deadline:
        time.sleep(0.001)
    sending = select(Outbox.recipient_id).where(Outbox.status == "sending")
    while time.monotonic() < deadline:
        os.kill(worker.pid, signal.SIGSTOP)
        with reader.connect() as connection:
            marked = {int(chat) for chat in connection.scalars(sending)}
        if not marked - set(api.arrived):
            reader.dispose()
            os.kill(worker.pid, signal.SIGKILL)
            return
        os.kill(worker.pid, signal.SIGCONT)
        time.sleep(0.002)
    raise AssertionError("no moment between sends to kill the worker")


def wait_until_settled(sessions: sessionmaker[Session], deadline: float) -> None:
    in_hand = select(func.count()).where(Outbox.status.in_(("pending", "claimed")))
    while time.monotonic() < deadline:
        with sessions() as session:
            if not session.scalar(in_hand):
                return
        time.sleep(0.1)
    raise AssertionError("the second worker did not send the stranded rows in time")


def test_a_killed_worker_loses_nothing_and_sends_nothing_twice(
    db_url: str, sessions: sessionmaker[Session], demo_setting: int
) -> None:
    families = link_every_family_on_telegram(sessions, demo_setting)
    send_broadcast(sessions, demo_setting, TEXT, Translation(FakeTranslator()))
    with FakeBotApi(cap_per_second=None) as api:
        first = start_worker(db_url, api)
        kill_between_sends(first, api, db_url)
        assert first.wait(timeout=60) == -signal.SIGKILL
        with sessions() as session:
            stranded = session.scalar(select(func.count()).where(Outbox.status == "claimed"))
        assert stranded, "the kill came too late to strand any claimed row"
        second = start_worker(db_url, api)
        try:
            wait_until_settled(sessions, time.monotonic() + 60)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
        copies = Counter(call.params["chat_id"] for call in api.sent())
    with sessions() as session:
        statuses = Counter(session.scalars(select(Outbox.status)))
    assert len(copies) == families, statuses  # 0 lost
    assert set(copies.values()) == {1}  # 0 doubled
    DeliveryWorker(sessions, {}).requeue_stale(timedelta(0))  # the scheduler's sweep
    with sessions() as session:
        rows = session.scalars(select(Outbox)).all()
    assert {row.status for row in rows} <= {"sent", "unknown"}
    # "unknown" only for rows whose provider call may have happened: here, it did
    assert all(int(row.recipient_id) in copies for row in rows if row.status == "unknown")
