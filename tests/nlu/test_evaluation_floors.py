"""The labelled example set keeps the understanding step above the issue's figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.nlu import evaluate
from bot.types import Intent

ENGLISH_FLOOR = 0.93
OTHER_LANGUAGES_FLOOR = 0.88
SLOT_FLOOR = 0.88
# Blind English sets, floors a little below what was measured (see content/nlu/examples/README.md).
# blind-en was then tuned against by category (1.000 after); blind-en-2 was scored once (0.887).
BLIND_FLOORS = {
    "blind-en": {"intent": 0.96, "children": 0.96, "dates": 0.96},
    "blind-en-2": {"intent": 0.85, "children": 0.94, "dates": 0.92},
}


@pytest.mark.parametrize("split", evaluate.SPLITS)
def test_accuracy_floors_hold_on_both_splits(split: str) -> None:
    report = evaluate.run(split)
    assert report["by_group"]["english"] >= ENGLISH_FLOOR
    assert report["by_group"]["other_languages"] >= OTHER_LANGUAGES_FLOOR
    assert report["slots"]["children"] >= SLOT_FLOOR
    assert report["slots"]["dates"] >= SLOT_FLOOR


@pytest.mark.parametrize("split", sorted(BLIND_FLOORS))
def test_accuracy_floors_hold_on_blind_english_sets(split: str) -> None:
    assert split in evaluate.blind_splits()
    report = evaluate.run(split)
    floors = BLIND_FLOORS[split]
    assert report["by_group"]["english"] >= floors["intent"]
    assert report["slots"]["children"] >= floors["children"]
    assert report["slots"]["dates"] >= floors["dates"]
    assert {e.expected["intent"] for e in evaluate.load(split)} == {i.value for i in Intent}


def test_example_set_covers_every_intent_and_language() -> None:
    for split, minimum in (("train", 400), ("heldout", 150)):
        examples = evaluate.load(split)
        assert len(examples) >= minimum
        assert {e.expected["intent"] for e in examples} >= {
            "help",
            "policy_question",
            "absence",
            "collection_change",
            "book_meeting",
            "update_details",
            "concern",
            "set_language",
            "other",
        }
        assert len({e.language for e in examples}) == 10


def test_cli_writes_json_for_both_splits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "eval.json"
    assert evaluate.cli_main(out) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    reported = {*evaluate.SPLITS, *evaluate.blind_splits(), *evaluate.REPORTED_SPLITS}
    assert set(written) == {*reported, "safeguarding"}
    assert set(written["safeguarding"]) == {*evaluate.SAFEGUARDING_SPLITS, "labelled_examples"}
    assert "per_language" in capsys.readouterr().out


def test_the_routing_split_scores_what_a_question_touches_and_personal_facts() -> None:
    report = evaluate.run("routing")
    assert report["intent_accuracy"] >= 0.95
    assert report["slots"]["touches"] >= 0.9
    assert report["slots"]["personal_fact"] >= 0.95
