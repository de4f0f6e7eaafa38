"""Benchmark of key-person meetings: offering slots, and many bookings at once.

A synthetic setting (200 children, a guardian each, 5 key persons with 40 children each, every
key person free on weekdays 08:00-18:00, 20-minute meetings, a 21-day horizon) is imported into
a temporary SQLite database (or `BENCH_DATABASE_URL`, emptied first).

1. Offering slots: the free slots of a key person with 40 children over the 21-day horizon
   (their hours less closed days less 40 booked meetings, then the six to offer), as the
   meeting flow's look-up computes them for a turn; and a whole turn that offers them ("can I
   have a meeting with the key person?" through the engine: understanding, flow, outbox).
   Goal: median under 20 ms.
2. 1,000 bookings by 200 guardians: each guardian books a meeting, then moves it four times
   (a new booking each time), 8 guardians at once, everyone tapping the first time offered, so
   most taps find it just taken and book a fresh one. Goal: 0 double bookings (two booked
   meetings of one member of staff overlapping).

Run: .venv/bin/python bench/meetings.py (prints figures, one JSON line; writes
bench/results/meetings.json)
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "meetings.json"
GUARDIANS = 200
KEY_PERSONS = 5
BOOKINGS_EACH = 5  # one booking and four moves
THREADS = 8
ROUNDS = 200
GOAL_MS = 20.0
NOW = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)  # a Monday morning
HOURS = "; ".join(f"{day} 08:00-18:00" for day in ("Mon", "Tue", "Wed", "Thu", "Fri"))


def _write_setting(folder: Path) -> None:
    """200 children, a guardian each, 5 key persons with 40 children each."""
    setting = (ROOT / "content" / "demo" / "setting.toml").read_text(encoding="utf-8")
    (folder / "setting.toml").write_text(setting.replace("bramble-lane", "bench-meetings"))
    (folder / "policies").mkdir()
    staff = ["name,phone,email,role,room,meeting_hours", "Mo Manager,07700 900001,,manager,,"]
    staff += [f"Key Person {n},07700 9000{n + 10:02d},,key_person,Oaks,{HOURS}" for n in range(5)]
    children = ["first_name,last_name,known_as,date_of_birth,room,key_person,days,"]
    guardians = ["name,phone,email,relationship,language,children,can_collect"]
    for n in range(GUARDIANS):
        first, last = f"Child{n:03d}", f"Family{n:03d}"
        children.append(f"{first},{last},,2023-01-01,Oaks,Key Person {n % KEY_PERSONS},,")
        guardians.append(f"Parent {n:03d},{_phone(n)},,mother,en,{first} {last},yes")
    for name, lines in (("staff", staff), ("children", children), ("guardians", guardians)):
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _phone(n: int) -> str:
    return f"+447700900{n + 200:03d}"


def _say(engine: Any, phone: str, text: str = "", choice: str | None = None) -> Any:
    from bot.types import InboundMessage

    message = InboundMessage(
        channel="sms",
        sender_id=phone,
        text=text,
        provider_message_id=f"bench-{phone}-{time.perf_counter_ns()}-{threading.get_ident()}",
        received_at=datetime.now(UTC),
        choice_id=choice,
    )
    return engine.receive(message)


def _ids(result: Any, prefix: str) -> list[str]:
    return [c.id for r in result.replies for c in r.choices if c.id.startswith(prefix)]


def _book_or_move(engine: Any, phone: str, meeting: str | None) -> tuple[str | None, int]:
    """One booking (a move when `meeting` is given): the new meeting's id and the taps taken."""
    if meeting is None:
        offered = _say(engine, phone, "can I have a meeting with the key person?")
    else:
        offered = _say(engine, phone, choice=f"meeting:move:{meeting}")
    taken = 0
    for _ in range(20):
        slots = _ids(offered, "meeting:slot:")
        if not slots:
            return None, taken
        result = _say(engine, phone, choice=slots[0])
        moves = _ids(result, "meeting:move:")
        if moves:
            return moves[0].rsplit(":", 1)[1], taken
        taken += 1
        offered = result  # "That time has just been taken" and fresh times
    return None, taken


def _offer_figures(
    engine: Any, sessions: Any, setting_id: int, meetings: dict[int, str | None]
) -> dict[str, float]:
    """The key person's free slots (40 of their children booked), and a whole offering turn."""
    from sqlalchemy import select

    from bot.db.models import Setting, Staff
    from bot.meetings.availability import spread
    from bot.meetings.store import staff_free

    with sessions() as session:
        setting = session.get_one(Setting, setting_id)
        member = session.scalars(select(Staff).where(Staff.name == "Key Person 0")).one()
        timings = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            offered = spread(staff_free(session, setting, member, NOW))
            timings.append((time.perf_counter() - started) * 1000)
        assert len(offered) == 6
    turns = []
    for n in range(0, 100, KEY_PERSONS):  # guardians of Key Person 0: Move offers fresh times
        started = time.perf_counter()
        result = _say(engine, _phone(n), choice=f"meeting:move:{meetings[n]}")
        turns.append((time.perf_counter() - started) * 1000)
        assert _ids(result, "meeting:slot:"), result
        engine.forget_pending("sms", _phone(n))
    return {
        "offer_median_ms": round(statistics.median(timings), 2),
        "offer_p95_ms": round(sorted(timings)[int(len(timings) * 0.95)], 2),
        "offer_turn_median_ms": round(statistics.median(turns), 2),
        "key_person_children": GUARDIANS // KEY_PERSONS,
    }


def _double_bookings(sessions: Any) -> int:
    """Pairs of booked meetings of one member of staff that overlap."""
    from sqlalchemy import select

    from bot.db.models import MEETING_BOOKED, Meeting

    with sessions() as session:
        rows = session.execute(
            select(Meeting.staff_id, Meeting.start, Meeting.end)
            .where(Meeting.status == MEETING_BOOKED)
            .order_by(Meeting.staff_id, Meeting.start)
        ).all()
    return sum(
        1
        for first, second in pairwise(rows)
        if first.staff_id == second.staff_id and second.start < first.end
    )


def main() -> None:
    from sqlalchemy import func, select

    from bot.db.models import Meeting
    from bot.pipeline.engine import Engine
    from parentbot import setup

    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "setting"
        folder.mkdir()
        _write_setting(folder)
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{temp}/bench.sqlite3"
        if os.environ.get("BENCH_DATABASE_URL"):
            _empty(url)
        sessions = setup.open_database(url, migrate=True)
        setting_id = setup.import_setting_folder(sessions, folder).setting_id
        engine = Engine(sessions, setting_id, clock=lambda: NOW)

        def first_booking(n: int) -> str | None:
            return _book_or_move(engine, _phone(n), None)[0]

        with ThreadPoolExecutor(max_workers=THREADS) as pool:  # 40 bookings for Key Person 0
            meetings: dict[int, str | None] = dict(
                zip(range(GUARDIANS), pool.map(first_booking, range(GUARDIANS)), strict=True)
            )
        figures = _offer_figures(engine, sessions, setting_id, meetings)
        taps_taken = [0]
        started = time.perf_counter()

        def moves(n: int) -> None:
            for _ in range(BOOKINGS_EACH - 1):
                meetings[n], taken = _book_or_move(engine, _phone(n), meetings[n])
                taps_taken[0] += taken

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            list(pool.map(moves, range(GUARDIANS)))
        seconds = time.perf_counter() - started
        with sessions() as session:
            made = session.scalar(select(func.count(Meeting.id)))
        report = figures | {
            "bookings": made,
            "guardians": GUARDIANS,
            "taps_finding_the_time_taken": taps_taken[0],
            "double_bookings": _double_bookings(sessions),
            "moves_seconds": round(seconds, 1),
            "database": "postgresql" if url.startswith("postgres") else "sqlite",
            "goal_offer_median_ms": GOAL_MS,
        }
    print(
        f"offering slots (40 children, 21 days): median {report['offer_median_ms']} ms, "
        f"p95 {report['offer_p95_ms']} ms; a whole offering turn: median "
        f"{report['offer_turn_median_ms']} ms (goal < {GOAL_MS} ms)"
    )
    print(
        f"{report['bookings']} bookings by {GUARDIANS} guardians ({THREADS} at once): "
        f"{report['double_bookings']} double bookings, {report['taps_finding_the_time_taken']} "
        f"taps found the time just taken"
    )
    print(json.dumps(report))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def _empty(url: str) -> None:
    from sqlalchemy import create_engine, text

    from bot.db.session import normalise_url

    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    main()
