"""SQLite has one writer at a time: writers in other processes wait on a lock, not in a poll."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.db.session import SqliteWriterLock

HOLD_FOR_HALF_A_SECOND = """
import sys, time
from bot.db.session import SqliteWriterLock
with SqliteWriterLock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(0.5)
"""


def test_a_writer_waits_while_another_process_writes(tmp_path: Path) -> None:
    database = str(tmp_path / "shared.sqlite3")
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_FOR_HALF_A_SECOND, database],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert other.stdout is not None and other.stdout.readline().strip() == "held"
    started = time.monotonic()
    with SqliteWriterLock(database):
        waited = time.monotonic() - started
    assert other.wait(timeout=10) == 0
    assert waited > 0.2


def test_the_holding_thread_may_take_the_lock_again(tmp_path: Path) -> None:
    lock = SqliteWriterLock(str(tmp_path / "again.sqlite3"))
    with lock, lock:
        pass
    with lock:  # released fully: taken again at once
        pass


def test_an_in_memory_database_needs_no_lock_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with SqliteWriterLock(":memory:"):
        pass
    assert not list(tmp_path.iterdir())
