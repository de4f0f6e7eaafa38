"""Accuracy of the understanding step on the labelled examples in `content/nlu/examples/`.

`run("train")` / `run("heldout")` return the figures as a dict; `cli_main()` prints both splits,
then every blind split (`blind-*.jsonl`, written after tuning and scored as found), the routing
split (`routing.jsonl`: questions about what a flow covers against requests for it), then the
safeguarding detector's figures (`safeguarding_run`: disclosures flagged and ordinary worries kept
on `safeguarding*.jsonl`, and how many labelled examples it flags: none is a disclosure), and
writes them all as JSON (`parentbot eval-nlu`). Neither held-out nor blind splits are tuned
against; the exit status reflects the issue's targets on train and heldout only.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from bot.nlu.core import NluContext, understand
from bot.nlu.lexicon import nlu_dir
from bot.types import ChildRef, Understanding

SPLITS = ("train", "heldout")
REPORTED_SPLITS = ("routing",)  # reported, not gated
SAFEGUARDING_SPLITS = ("safeguarding", "safeguarding-blind")
DEFAULT_JSON = Path("eval-nlu.json")
_SIMPLE_SLOTS = (
    "reason",
    "collector_relationship",
    "collector_name",
    "minutes_late",
    "target_language",
    "touches",
    "personal_fact",
)


def blind_splits() -> tuple[str, ...]:
    """Names of the blind splits (`blind-*.jsonl`), sorted."""
    folder = nlu_dir() / "examples"
    return tuple(sorted(path.stem for path in folder.glob("blind-*.jsonl")))


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    text: str
    language: str
    context: NluContext
    expected: dict[str, Any]


@cache
def _fixtures() -> dict[str, Any]:
    fixtures: dict[str, Any] = json.loads(
        (nlu_dir() / "examples" / "families.json").read_text(encoding="utf-8")
    )
    return fixtures


def load(split: str) -> list[Example]:
    """The examples of one split."""
    fixtures = _fixtures()
    examples = []
    path = nlu_dir() / "examples" / f"{split}.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        kids = row.get("children") or fixtures["families"][row["family"]]
        context = NluContext(
            children=tuple(ChildRef(**kid) for kid in kids),
            now=datetime.fromisoformat(row.get("now", fixtures["default_now"])),
            timezone=row.get("timezone", fixtures["timezone"]),
            preferred_language=row.get("preferred"),
        )
        examples.append(Example(row["text"], row["language"], context, row["expected"]))
    return examples


def _slot_checks(got: Understanding, expected: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """(slot name, correct) for every slot the example labels."""
    if "children" in expected:
        yield "children", sorted(got.children) == sorted(expected["children"])
    if "start" in expected or "dates" in expected:
        if "start" in expected:
            span = got.dates and (got.dates.start.isoformat(), got.dates.end.isoformat())
            yield "dates", span == (expected["start"], expected["end"])
        else:
            yield "dates", got.dates is None
    if "time" in expected:
        yield "time", got.time is not None and got.time.strftime("%H:%M") == expected["time"]
    if "symptoms" in expected:
        yield "symptoms", sorted(got.symptoms) == sorted(expected["symptoms"])
    if "unmatched_names" in expected:
        yield "unmatched_names", list(got.unmatched_names) == expected["unmatched_names"]
    for slot in _SIMPLE_SLOTS:
        if slot in expected:
            value = getattr(got, slot)
            yield slot, (value.value if hasattr(value, "value") else value) == expected[slot]


def _ratio(pair: list[int]) -> float:
    return round(pair[0] / pair[1], 4) if pair[1] else 1.0


def run(split: str) -> dict[str, Any]:
    """Intent accuracy per intent and language, slot accuracy, and the misses, for one split."""
    tally: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    misses = []
    for example in load(split):
        got = understand(example.text, example.context)
        expected_intent = example.expected["intent"]
        ok = got.intent.value == expected_intent
        group = "english" if example.language == "en" else "other_languages"
        for key, bucket in (
            ("overall", "all"),
            ("per_intent", expected_intent),
            ("per_language", example.language),
            ("by_group", group),
        ):
            tally[key][bucket][0] += ok
            tally[key][bucket][1] += 1
        tally["language_detection"][example.language][0] += got.language == example.language
        tally["language_detection"][example.language][1] += 1
        wrong = [slot for slot, right in _slot_checks(got, example.expected) if not right]
        for slot, right in _slot_checks(got, example.expected):
            tally["slots"][slot][0] += right
            tally["slots"][slot][1] += 1
        if not ok or wrong:
            misses.append(
                {
                    "text": example.text,
                    "expected": example.expected,
                    "got": got.intent.value,
                    "language": got.language,
                    "wrong_slots": wrong,
                }
            )
    report: dict[str, Any] = {"split": split, "examples": tally["overall"]["all"][1]}
    for key, buckets in tally.items():
        report[key] = {name: _ratio(pair) for name, pair in sorted(buckets.items())}
    report["intent_accuracy"] = report.pop("overall")["all"]
    report["misses"] = misses
    return report


def _labelled_rows(split: str) -> list[dict[str, Any]]:
    path = nlu_dir() / "examples" / f"{split}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def safeguarding_run(split: str) -> dict[str, Any]:
    """The disclosure detector on one safeguarding split: the share of disclosures flagged (in
    English and in other languages), the share of ordinary worries left alone, and the misses."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for row in _labelled_rows(split):
        flagged = understand(row["text"], _SAFEGUARDING_CONTEXT).safeguarding
        group = "english" if row["language"] == "en" else "other_languages"
        kind = "disclosures" if row["safeguarding"] else "ordinary"
        for key in (kind, f"{kind}_{group}"):
            tally[key][0] += flagged == row["safeguarding"]
            tally[key][1] += 1
        if flagged != row["safeguarding"]:
            misses.append({"text": row["text"], "expected": row["safeguarding"]})
    report: dict[str, Any] = {"split": split, "misses": misses}
    report["counts"] = {key: tally[key][1] for key in ("disclosures", "ordinary")}
    return report | {key: _ratio(pair) for key, pair in sorted(tally.items())}


def flagged_examples() -> dict[str, Any]:
    """Labelled examples of every intent split the detector flags (none is a disclosure)."""
    splits = (*SPLITS, *blind_splits(), *REPORTED_SPLITS)
    examples = [example for split in splits for example in load(split)]
    flagged = [e.text for e in examples if understand(e.text, e.context).safeguarding]
    return {"examples": len(examples), "flagged": len(flagged), "texts": flagged}


_SAFEGUARDING_CONTEXT = NluContext(
    children=(), now=datetime(2026, 11, 23, tzinfo=UTC), timezone="UTC"
)


def _print_safeguarding(report: dict[str, Any]) -> None:
    counts = report["counts"]
    print(
        f"== {report['split']} ({counts['disclosures']} disclosures, "
        f"{counts['ordinary']} ordinary worries) =="
    )
    print(
        f"disclosures flagged: {report['disclosures']:.3f} (english "
        f"{report['disclosures_english']:.3f}, other languages "
        f"{report['disclosures_other_languages']:.3f}); ordinary worries kept: "
        f"{report['ordinary']:.3f}"
    )


def _safeguarding_reports() -> dict[str, Any]:
    """Every safeguarding split's figures and the labelled examples flagged, printed."""
    reports: dict[str, Any] = {split: safeguarding_run(split) for split in SAFEGUARDING_SPLITS}
    for report in reports.values():
        _print_safeguarding(report)
    flagged = reports["labelled_examples"] = flagged_examples()
    print(
        f"labelled examples flagged for safeguarding: {flagged['flagged']} of {flagged['examples']}"
    )
    return reports


def _print(report: dict[str, Any]) -> None:
    print(f"== {report['split']} ({report['examples']} examples) ==")
    print(f"intent accuracy: {report['intent_accuracy']:.3f}")
    for key in ("by_group", "per_language", "per_intent", "slots", "language_detection"):
        cells = ", ".join(f"{name} {value:.3f}" for name, value in report[key].items())
        print(f"  {key}: {cells}")


def cli_main(json_out: Path | None = None) -> int:
    """Print every split's figures and write them as JSON; 0 when train and heldout meet the
    targets (blind splits are reported, not gated: they estimate accuracy on unseen phrasing)."""
    reports = {split: run(split) for split in (*SPLITS, *blind_splits(), *REPORTED_SPLITS)}
    for report in reports.values():
        _print(report)
    reports["safeguarding"] = _safeguarding_reports()
    path = json_out or DEFAULT_JSON
    path.write_text(json.dumps(reports, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written: {path}")
    return 0 if all(meets_targets(reports[split]) for split in SPLITS) else 1


def meets_targets(report: dict[str, Any]) -> bool:
    """The issue's figures: intent >= 95% English, >= 90% other; child and date slots >= 90%."""
    groups: dict[str, float] = report["by_group"]
    slots: dict[str, float] = report["slots"]
    return bool(
        groups.get("english", 1.0) >= 0.95
        and groups.get("other_languages", 1.0) >= 0.90
        and slots.get("children", 1.0) >= 0.90
        and slots.get("dates", 1.0) >= 0.90
    )
