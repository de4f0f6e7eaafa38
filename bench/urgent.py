"""Urgent follow-up figure: the `urgent` job's decision for one urgent broadcast to 5,000
families (a third on WhatsApp, a third on Telegram, a third on SMS), 61 minutes after it went,
nobody having confirmed: every family goes in the managers' call task. Measured on SQLite (the
demo nursery plus 5,000 guardians), the decision alone (the query and the list), best of 3.
Prints the figures; the final line is JSON, also written to bench/results/urgent.json.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.db.models import (  # noqa: E402
    Base,
    Broadcast,
    BroadcastOccurrence,
    BroadcastRecipient,
    Guardian,
    Outbox,
    Setting,
)
from bot.db.session import make_engine, make_session_factory, transaction  # noqa: E402
from bot.i18n.names import parent_catalog, staff_catalog  # noqa: E402
from bot.jobs.job import JobContext  # noqa: E402
from bot.jobs.urgent import follow_up  # noqa: E402
from parentbot import setup  # noqa: E402

FAMILIES = 5_000
SENT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
CHANNELS = ("whatsapp", "telegram", "sms")


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        db = make_engine(f"sqlite:///{Path(folder) / 'urgent.sqlite3'}")
        Base.metadata.create_all(db)
        sessions = make_session_factory(db)
        setting_id = setup.import_setting_folder(sessions, REPO / "content" / "demo").setting_id
        _families(sessions, setting_id)
        timings = []
        for _ in range(3):
            with sessions() as session:
                setting = session.get_one(Setting, setting_id)
                now = SENT + timedelta(minutes=61)
                context = JobContext(session, setting, now, parent_catalog(), staff_catalog())
                started = time.perf_counter()
                result = follow_up(context)
                timings.append(time.perf_counter() - started)
        db.dispose()
    listed = result.call_tasks[0]["text"].count("+447900") if result.call_tasks else 0
    return {
        "families": FAMILIES,
        "follow_up_seconds": round(min(timings), 3),
        "families_in_call_task": listed,
        "effects": len(result.effects),
    }


def _families(sessions: object, setting_id: int) -> None:
    """5,000 guardians, one urgent broadcast's occurrence and a recipient row for each."""
    with transaction(sessions) as session:  # type: ignore[arg-type]
        guardians = [
            Guardian(setting_id=setting_id, name=f"Parent {n:04d}", phone=f"+4479009{n:05d}")
            for n in range(FAMILIES)
        ]
        session.add_all(guardians)
        row = Broadcast(setting_id=setting_id, text="Closed today", urgent=True, status="sent")
        session.add(row)
        session.flush()
        occurrence = BroadcastOccurrence(broadcast_id=row.id, slot="x", sent_at=SENT, queued=1)
        session.add(occurrence)
        session.flush()
        for n, guardian in enumerate(guardians):
            channel = CHANNELS[n % 3]
            outbox = Outbox(channel=channel, recipient_id=guardian.phone, text="Closed today")
            session.add(outbox)
            session.flush()
            session.add(
                BroadcastRecipient(
                    occurrence_id=occurrence.id,
                    guardian_id=guardian.id,
                    outbox_id=outbox.id,
                    channel=channel,
                )
            )


if __name__ == "__main__":
    figures = main()
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "urgent.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures))
