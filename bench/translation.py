"""Broadcast cost: one message to 500 guardians in 8 languages, then the same message again.

Counts calls reaching a fake translation backend (behind the persistent cache): the first
broadcast must make at most one call per non-English language (7), the repeat none.
Prints the figures and a final JSON line; writes bench/results/translation.json.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # the fake lives in tests/i18n, shared with the tests
    sys.path.insert(0, str(REPO))

from bot.db.models import Base, Guardian, Outbox, Setting  # noqa: E402
from bot.i18n.cache import CachedTranslator  # noqa: E402
from bot.outbound.broadcast import broadcast  # noqa: E402
from tests.i18n.fake_translator import FakeTranslator  # noqa: E402

LANGUAGES = ("en", "pl", "ur", "pa", "bn", "so", "ar", "gu")
GUARDIANS = 500
MESSAGE = (
    "The nursery is closed on Friday 5 December for staff training. Please collect by 15:00 "
    "on Thursday. Questions: call 01632 960000 or email office@acorns.example."
)
RESULTS = REPO / "bench" / "results" / "translation.json"


def _seed(session: Session) -> int:
    setting = Setting(slug="bench", name="Bench Nursery")
    session.add(setting)
    session.flush()
    session.add_all(
        Guardian(
            setting_id=setting.id,
            name=f"Parent {number}",
            phone=f"+4477009{number:05d}",
            language=LANGUAGES[number % len(LANGUAGES)],
        )
        for number in range(GUARDIANS)
    )
    session.flush()
    return setting.id


def main() -> dict[str, object]:
    """Run both broadcasts and return the figures."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    fake = FakeTranslator()
    with Session(engine) as session:
        setting_id = _seed(session)
        translator = CachedTranslator(fake, session, fake.name)
        started = time.perf_counter()
        first = broadcast(session, setting_id, MESSAGE, None, translator)
        first_seconds = time.perf_counter() - started
        first_calls = len(fake.calls)
        started = time.perf_counter()
        second = broadcast(session, setting_id, MESSAGE, None, translator)
        second_seconds = time.perf_counter() - started
        rows = session.scalar(select(func.count(Outbox.id)))
    figures: dict[str, object] = {
        "guardians": GUARDIANS,
        "languages": len(LANGUAGES),
        "first_broadcast_calls": first_calls,
        "repeat_broadcast_calls": len(fake.calls) - first_calls,
        "first_broadcast_queued": first.queued,
        "repeat_broadcast_queued": second.queued,
        "outbox_rows": rows,
        "untranslated": first.untranslated + second.untranslated,
        "first_broadcast_ms": round(first_seconds * 1000, 1),
        "repeat_broadcast_ms": round(second_seconds * 1000, 1),
        "calls_within_limit": first_calls <= len(LANGUAGES) and len(fake.calls) == first_calls,
    }
    return figures


if __name__ == "__main__":
    result = main()
    for key, value in result.items():
        print(f"{key:>24}: {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    sys.exit(0 if result["calls_within_limit"] else 1)
