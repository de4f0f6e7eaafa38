"""Messages that disclose or suggest harm, neglect or fear are flagged for the safeguarding lead,
in every language and whatever else they are; ordinary worries stay with the key person."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.nlu import evaluate
from bot.types import Intent
from tests.nlu.helpers import KOWALSKI, PATEL, SMITH, read

EXAMPLES = Path(__file__).resolve().parents[2] / "content" / "nlu" / "examples"


def _labelled(name: str) -> list[dict[str, object]]:
    lines = (EXAMPLES / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


SAFEGUARDING = _labelled("safeguarding.jsonl")
DISCLOSURES = [row for row in SAFEGUARDING if row["safeguarding"]]
WORRIES = [row for row in SAFEGUARDING if not row["safeguarding"]]
OTHER_SETS = sorted(
    path.name for path in EXAMPLES.glob("*.jsonl") if not path.name.startswith("safeguarding")
)


def test_the_test_sets_are_big_enough_and_multilingual() -> None:
    foreign = [row for row in DISCLOSURES if row["language"] != "en"]
    assert len(DISCLOSURES) >= 15 and len(WORRIES) >= 15
    assert len(foreign) >= 5 and len({row["language"] for row in foreign}) >= 5


@pytest.mark.parametrize("row", DISCLOSURES, ids=lambda row: str(row["text"])[:40])
def test_disclosure_is_flagged_for_the_safeguarding_lead(row: dict[str, object]) -> None:
    assert read(str(row["text"])).safeguarding is True


@pytest.mark.parametrize("row", WORRIES, ids=lambda row: str(row["text"])[:40])
def test_ordinary_worry_is_not_flagged(row: dict[str, object]) -> None:
    assert read(str(row["text"])).safeguarding is False


@pytest.mark.parametrize("name", OTHER_SETS)
def test_no_labelled_example_is_flagged(name: str) -> None:
    flagged = [row["text"] for row in _labelled(name) if read(str(row["text"])).safeguarding]
    assert flagged == []


def test_disclosure_inside_an_absence_keeps_the_absence() -> None:
    got = read("Leo won't be in today, his dad hit him last night", SMITH)
    assert (got.intent, got.children, got.safeguarding) == (Intent.ABSENCE, (3,), True)


def test_disclosure_in_a_question_or_another_language_is_flagged() -> None:
    assert read("is it normal that her dad hits her?", PATEL).safeguarding is True
    assert read("Kuba nie przyjdzie dziś, tata go uderzył", KOWALSKI).safeguarding is True


def test_the_detector_reads_every_language_whatever_was_detected() -> None:
    assert read("Zosia mówi, że tata ją bije", KOWALSKI, preferred="en").safeguarding is True


def test_blind_safeguarding_set_stays_above_its_floor() -> None:
    report = evaluate.safeguarding_run("safeguarding-blind")
    assert report["disclosures"] >= 0.85 and report["ordinary"] == 1.0
