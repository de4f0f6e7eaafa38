"""The question sets hold answer quality above floors, on every split.

Tuned sets (content/qa/{demo,berkhamstead,little-doves,out-of-scope}.jsonl) are close to the
issue's targets (fact >= 90%, out-of-scope abstain >= 95%, wrong abstain <= 5%). The held-out sets
(content/qa/heldout-*.jsonl) were written before any tuning; the blind sets (blind-*.jsonl) once the
held-out ones had been looked at; the fresh sets (fresh-*.jsonl) once the blind ones had been
tuned on too; the fresh2 sets (fresh2-*.jsonl) once fresh became a development set, and only their
aggregate figures are read (see notes/issue4-figures.md). Their floors only stop regressions, a
little below today's measured figures, and should be raised as they improve: the fresh2 split, the
only one nobody has tuned on, is well short of the targets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.policies.embedding import load_encoder
from bot.policies.evaluate import DEFAULT_SPLITS, cli_main

CORPORA = ("demo", "berkhamstead", "little-doves")
# split -> name -> (fact rate at least, wrong-abstain rate at most, out-of-scope abstain at least).
# With the sentence-embedding model installed (make install adds it) the floors sit just below
# today's hybrid figures; without it, just below the words-only figures the index falls back to.
HYBRID = load_encoder() is not None
if HYBRID:
    FLOORS = {
        "tuned": {
            "demo": (0.88, 0.07, 0.96),
            "berkhamstead": (0.88, 0.04, 0.98),
            "little-doves": (0.92, 0.04, 0.98),
        },
        "heldout": {
            "demo": (0.88, 0.03, 0.85),
            "berkhamstead": (0.92, 0.02, 0.98),
            "little-doves": (0.92, 0.08, 0.98),
        },
        "blind": {
            "demo": (0.91, 0.03, 0.92),
            "berkhamstead": (0.85, 0.08, 0.98),
            "little-doves": (0.68, 0.08, 0.98),
        },
        "fresh": {
            "demo": (0.64, 0.17, 0.79),
            "berkhamstead": (0.52, 0.27, 0.94),
            "little-doves": (0.49, 0.44, 0.97),
        },
        "fresh2": {
            "demo": (0.64, 0.21, 0.67),
            "berkhamstead": (0.63, 0.24, 0.97),
            "little-doves": (0.71, 0.19, 0.92),
        },
    }
else:
    FLOORS = {
        "tuned": dict.fromkeys(CORPORA, (0.88, 0.07, 0.93)),
        "heldout": {
            "demo": (0.76, 0.07, 0.82),
            "berkhamstead": (0.55, 0.43, 0.98),
            "little-doves": (0.70, 0.29, 0.98),
        },
        "blind": {
            "demo": (0.77, 0.11, 0.81),
            "berkhamstead": (0.63, 0.36, 0.98),
            "little-doves": (0.68, 0.16, 0.98),
        },
        "fresh": {
            "demo": (0.56, 0.25, 0.86),
            "berkhamstead": (0.39, 0.54, 0.97),
            "little-doves": (0.42, 0.50, 0.97),
        },
        "fresh2": {
            "demo": (0.70, 0.18, 0.67),
            "berkhamstead": (0.49, 0.44, 0.98),
            "little-doves": (0.59, 0.32, 0.94),
        },
    }


@pytest.fixture(scope="module")
def sets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    out: Path = tmp_path_factory.mktemp("eval") / "eval.json"
    cli_main(out)
    return {s["name"]: s for s in json.loads(out.read_text())["sets"]}


def test_every_split_has_floors() -> None:
    assert set(FLOORS) == set(DEFAULT_SPLITS)


@pytest.mark.parametrize("split", DEFAULT_SPLITS)
@pytest.mark.parametrize("name", CORPORA)
def test_figures_stay_above_their_floors(sets: dict, split: str, name: str) -> None:
    fact, wrong, outside = FLOORS[split][name]
    label = "" if split == "tuned" else f"{split} "
    answerable = sets[f"{label}{name}"]
    assert answerable["split"] == split
    assert answerable["fact_rate"] >= fact, name
    assert answerable["wrong_abstain_rate"] <= wrong, name
    assert sets[f"{label}out-of-scope vs {name}"]["abstain_rate"] >= outside, name
