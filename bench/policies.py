"""Policy answering and import speed: median answer time over 500 passages, 20-document import.

Run: .venv/bin/python bench/policies.py  (writes bench/results/policies.json)
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "policies"))

from policy_documents import make_document_folder  # noqa: E402

from bot.db.models import Base, Setting  # noqa: E402
from bot.policies.evaluate import load_items  # noqa: E402
from bot.policies.index import IndexedPassage, PolicyIndex  # noqa: E402
from bot.policies.parse import load_document  # noqa: E402
from bot.policies.store import import_policies  # noqa: E402

PASSAGES = 500
ANSWER_GOAL_MS = 20.0
IMPORT_GOAL_S = 5.0


def bench_import(folder: Path) -> tuple[float, int]:
    """Seconds to import the folder into a fresh in-memory SQLite database, and passages made."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Setting(id=1, slug="bench", name="Bench Nursery"))
        session.flush()
        started = time.perf_counter()
        report = import_policies(session, 1, folder)
        session.commit()
        elapsed = time.perf_counter() - started
    assert len(report.added) == 20 and not report.failed, report
    return elapsed, report.passages


def five_hundred_passages(folder: Path) -> list[IndexedPassage]:
    """The folder's passages, repeated under numbered titles until there are 500."""
    parsed = [load_document(p) for p in sorted(folder.iterdir())]
    base = [(d.title, p) for d in parsed for p in d.passages]
    return [
        IndexedPassage(f"{title} ({n // len(base) + 1})", p.heading_path, p.text, n)
        for n, (title, p) in ((n, base[n % len(base)]) for n in range(PASSAGES))
    ]


def bench_answer(passages: list[IndexedPassage]) -> tuple[float, float, int]:
    """Median and 95th-percentile milliseconds per answer over every QA question."""
    index = PolicyIndex.build(passages)
    qa = REPO / "content" / "qa"
    questions = [i.question for f in sorted(qa.glob("*.jsonl")) for i in load_items(f)]
    index.answer(questions[0])  # warm up
    timings = []
    for question in questions:
        started = time.perf_counter()
        index.answer(question)
        timings.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(timings, n=20)[-1]
    return statistics.median(timings), p95, len(questions)


def main() -> int:
    """Run both benchmarks, print them and a JSON line, and write bench/results/policies.json."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "policies"
        make_document_folder(folder)
        import_s, imported_passages = bench_import(folder)
        median_ms, p95_ms, questions = bench_answer(five_hundred_passages(folder))
    result = {
        "answer_median_ms": round(median_ms, 2),
        "answer_p95_ms": round(p95_ms, 2),
        "answer_questions": questions,
        "indexed_passages": PASSAGES,
        "import_20_documents_s": round(import_s, 3),
        "imported_passages": imported_passages,
        "answer_goal_met": median_ms < ANSWER_GOAL_MS,
        "import_goal_met": import_s < IMPORT_GOAL_S,
    }
    print(
        f"answer: median {median_ms:.2f} ms, p95 {p95_ms:.2f} ms ({questions} questions, "
        f"{PASSAGES} passages; goal < {ANSWER_GOAL_MS:.0f} ms)"
    )
    print(
        f"import: 20 documents ({imported_passages} passages) in {import_s:.3f} s "
        f"(goal < {IMPORT_GOAL_S:.0f} s)"
    )
    out = REPO / "bench" / "results" / "policies.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result))
    return 0 if result["answer_goal_met"] and result["import_goal_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
