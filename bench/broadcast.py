"""Broadcast figure: 1,000 Telegram sends through the DeliveryWorker to the fake Bot API.

The fake enforces Telegram's 30 messages/s cap (429 + retry_after beyond it). Run twice: once
clean, once with 5% of answers being 429. Prints the rate achieved as a share of the cap, and
how many messages were lost or duplicated; the final line is JSON, also written to
bench/results/broadcast.json. Loopback only; each run takes about 34 s.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.db.models import Base, Outbox  # noqa: E402
from bot.db.session import make_engine, make_session_factory, transaction  # noqa: E402
from bot.delivery import DeliveryWorker  # noqa: E402
from channels.telegram import TelegramConfig, TelegramSender, make_bot  # noqa: E402
from tests.fakes.telegram_api import FakeBotApi  # noqa: E402

MESSAGES = 1_000
CAP = 30
DEADLINE_SECONDS = 180


async def run(fail_fraction: float, folder: Path) -> dict[str, float]:
    """One broadcast of MESSAGES rows; its rate, losses and duplicates."""
    db = make_engine(f"sqlite:///{folder / f'broadcast-{fail_fraction}.sqlite3'}")
    Base.metadata.create_all(db)
    sessions = make_session_factory(db)
    with transaction(sessions) as session:
        session.add_all(
            Outbox(channel="telegram", recipient_id=str(10_000 + n), text=f"broadcast #{n}")
            for n in range(MESSAGES)
        )
    with FakeBotApi(cap_per_second=CAP, fail_fraction=fail_fraction) as api:
        config = TelegramConfig("1:BENCH", "secret", "https://x", api_base_url=api.base_url)
        async with make_bot(config) as bot:
            worker = DeliveryWorker(sessions, {"telegram": TelegramSender(bot)}, batch_size=100)
            started = time.monotonic()
            while time.monotonic() - started < DEADLINE_SECONDS and _pending(sessions):
                if await worker.run_once() == 0:
                    await asyncio.sleep(0.02)
            elapsed = time.monotonic() - started
        accepted = Counter(call.params["text"] for call in api.sent())
        refused = sum(1 for call in api.calls if call.status == 429)
    with sessions() as session:
        statuses = Counter(session.scalars(select(Outbox.status)).all())
    db.dispose()
    expected = {f"broadcast #{n}" for n in range(MESSAGES)}
    return {
        "seconds": round(elapsed, 2),
        "rate_per_s": round(MESSAGES / elapsed, 2),
        "rate_of_cap": round(MESSAGES / elapsed / CAP, 3),
        "lost": len(expected - set(accepted)) + sum(n for s, n in statuses.items() if s != "sent"),
        "duplicated": sum(count - 1 for count in accepted.values()),
        "answered_429": refused,
    }


def _pending(sessions: object) -> bool:
    with sessions() as session:  # type: ignore[operator]
        busy = select(func.count()).where(Outbox.status.in_(("pending", "sending")))
        return bool(session.scalar(busy))


async def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        clean = await run(0.0, Path(folder))
        print("clean:", json.dumps(clean), flush=True)
        flaky = await run(0.05, Path(folder))
        print("5% 429:", json.dumps(flaky), flush=True)
    return {
        "rate_of_cap": clean["rate_of_cap"],
        "lost": clean["lost"] + flaky["lost"],
        "duplicated": clean["duplicated"] + flaky["duplicated"],
        "rate_of_cap_with_429": flaky["rate_of_cap"],
        "answered_429": flaky["answered_429"],
        "cap_per_s": CAP,
        "messages": MESSAGES,
    }


if __name__ == "__main__":
    figures = asyncio.run(main())
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "broadcast.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures))
