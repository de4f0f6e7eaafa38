"""Policy answering and import speed: median answer time over 500 passages, 20-document import,
and what the models cost: load time, index build time, memory. An answer is timed twice: without
the relevance model (`PolicyIndex.answer`) and with it (`PolicyIndex.consult`, which may ask back).

Run: .venv/bin/python bench/policies.py  (writes bench/results/policies.json)
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "policies"))

from policy_documents import make_document_folder  # noqa: E402

from bot.db.models import Base, Setting  # noqa: E402
from bot.policies.embedding import load_encoder  # noqa: E402
from bot.policies.evaluate import UNTOUCHED_SPLITS, load_items  # noqa: E402
from bot.policies.index import IndexedPassage, PolicyIndex  # noqa: E402
from bot.policies.parse import load_document  # noqa: E402
from bot.policies.rerank import load_reranker  # noqa: E402
from bot.policies.store import import_policies  # noqa: E402

PASSAGES = 500
ANSWER_GOAL_MS = 20.0  # without the relevance model
CONSULT_GOAL_MS = 30.0  # with it
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


def rss_mb() -> float:
    """This process's resident memory in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def five_hundred_passages(folder: Path) -> list[IndexedPassage]:
    """The folder's passages, repeated under numbered titles and headings until there are 500
    (each copy's sentences embed differently, so every passage is encoded: no cache hits)."""
    parsed = [load_document(p) for p in sorted(folder.iterdir())]
    base = [(d.title, p) for d in parsed for p in d.passages]
    return [
        IndexedPassage(
            f"{title} ({n // len(base) + 1})",
            (*p.heading_path[:-1], f"{p.heading_path[-1] if p.heading_path else title} ({n})"),
            p.text,
            n,
        )
        for n, (title, p) in ((n, base[n % len(base)]) for n in range(PASSAGES))
    ]


def bench_model() -> dict[str, object]:
    """Seconds and memory to load the embedding model and the relevance model (absent: figures
    without them)."""
    before = rss_mb()
    started = time.perf_counter()
    encoder = load_encoder()
    loaded = time.perf_counter()
    between = rss_mb()
    reranker = load_reranker()
    return {
        "sentence_embeddings": encoder is not None,
        "model_load_s": round(loaded - started, 3),
        "model_memory_mb": round(between - before, 1),
        "relevance_model": reranker is not None,
        "relevance_model_load_s": round(time.perf_counter() - loaded, 3),
        "relevance_model_memory_mb": round(rss_mb() - between, 1),
    }


def bench_build(passages: list[IndexedPassage]) -> tuple[PolicyIndex, float, float]:
    """The index over the passages, seconds to build it and memory it holds."""
    before = rss_mb()
    started = time.perf_counter()
    index = PolicyIndex.build(passages)
    return index, time.perf_counter() - started, rss_mb() - before


def bench_answer(answer: Callable[[str], object]) -> tuple[float, float, int, float]:
    """Median and 95th-percentile milliseconds per answer over every QA question (the untouched
    split aside), and the median CPU milliseconds of this thread (what a busy machine's other
    processes do not add to)."""
    qa = REPO / "content" / "qa"
    files = [f for f in sorted(qa.glob("*.jsonl")) if not f.name.startswith(UNTOUCHED_SPLITS)]
    questions = [i.question for f in files for i in load_items(f)]
    answer(questions[0])  # warm up
    timings, cpu = [], []
    for question in questions:
        started, started_cpu = time.perf_counter(), time.thread_time()
        answer(question)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    p95 = statistics.quantiles(timings, n=20)[-1]
    return statistics.median(timings), p95, len(questions), statistics.median(cpu)


def main() -> int:
    """Run both benchmarks, print them and a JSON line, and write bench/results/policies.json."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "policies"
        make_document_folder(folder)
        import_s, imported_passages = bench_import(folder)
        model = bench_model()
        index, build_s, index_mb = bench_build(five_hundred_passages(folder))
        median_ms, p95_ms, questions, cpu_ms = bench_answer(index.answer)
        consult_ms, consult_p95_ms, _, consult_cpu_ms = bench_answer(index.consult)
    result = {
        **model,
        "index_build_500_passages_s": round(build_s, 2),
        "index_memory_mb": round(index_mb, 1),
        "answer_median_ms": round(median_ms, 2),
        "answer_p95_ms": round(p95_ms, 2),
        "answer_with_relevance_model_median_ms": round(consult_ms, 2),
        "answer_with_relevance_model_p95_ms": round(consult_p95_ms, 2),
        "answer_cpu_median_ms": round(cpu_ms, 2),
        "answer_with_relevance_model_cpu_median_ms": round(consult_cpu_ms, 2),
        "answer_questions": questions,
        "indexed_passages": PASSAGES,
        "import_20_documents_s": round(import_s, 3),
        "imported_passages": imported_passages,
        "answer_goal_met": median_ms < ANSWER_GOAL_MS and consult_ms < CONSULT_GOAL_MS,
        "import_goal_met": import_s < IMPORT_GOAL_S,
    }
    print(
        f"answer: median {median_ms:.2f} ms (CPU {cpu_ms:.2f} ms), p95 {p95_ms:.2f} ms "
        f"({questions} questions, "
        f"{PASSAGES} passages; goal < {ANSWER_GOAL_MS:.0f} ms)"
    )
    print(
        f"answer with the relevance model: median {consult_ms:.2f} ms (CPU "
        f"{consult_cpu_ms:.2f} ms), p95 {consult_p95_ms:.2f} "
        f"ms (goal < {CONSULT_GOAL_MS:.0f} ms); model loaded in "
        f"{model['relevance_model_load_s']} s (+{model['relevance_model_memory_mb']} MB)"
    )
    print(
        f"model: embeddings {'on' if model['sentence_embeddings'] else 'off'}, loaded in "
        f"{model['model_load_s']} s (+{model['model_memory_mb']} MB); index of {PASSAGES} "
        f"passages built in {build_s:.2f} s (+{index_mb:.1f} MB)"
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
