"""The question sets hold answer quality above floors, on the tuned and the held-out split.

Tuned sets (content/qa/{demo,berkhamstead,little-doves,out-of-scope}.jsonl) are close to the
issue's targets (fact >= 90%, out-of-scope abstain >= 95%, wrong abstain <= 5%; berkhamstead's
facts are at 88%). The held-out sets (content/qa/heldout-*.jsonl) were written before any tuning
and are never tuned against; they do NOT meet the targets yet, so their floors only stop
regressions, a little below today's measured figures, and should be raised as they improve. The
blind sets (content/qa/blind-*.jsonl) are a fresh split written once the held-out ones had been
looked at; the same goes for them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.policies.embedding import load_encoder
from bot.policies.evaluate import cli_main

CORPORA = ("demo", "berkhamstead", "little-doves")
# name -> (fact rate at least, wrong-abstain rate at most, out-of-scope abstain rate at least).
# With the sentence-embedding model installed (make install adds it) the floors sit just below
# today's hybrid figures; without it, just below the words-only figures the index falls back to.
HYBRID = load_encoder() is not None
if HYBRID:
    TUNED_FLOORS = {
        "demo": (0.88, 0.07, 0.96),
        "berkhamstead": (0.88, 0.04, 0.98),
        "little-doves": (0.92, 0.04, 0.98),
    }
    HELDOUT_FLOORS = {
        "demo": (0.81, 0.09, 0.73),
        "berkhamstead": (0.70, 0.30, 0.93),
        "little-doves": (0.77, 0.22, 0.93),
    }
    # content/qa/blind-*.jsonl, written fresh after the held-out sets had been looked at; only
    # aggregate figures read. Well short of the targets: these floors only stop regressions.
    BLIND_FLOORS = {
        "demo": (0.82, 0.10, 0.66),
        "berkhamstead": (0.55, 0.44, 0.95),
        "little-doves": (0.67, 0.17, 0.95),
    }
else:
    TUNED_FLOORS = dict.fromkeys(CORPORA, (0.88, 0.07, 0.93))
    HELDOUT_FLOORS = {
        "demo": (0.72, 0.12, 0.73),
        "berkhamstead": (0.55, 0.45, 0.93),
        "little-doves": (0.70, 0.30, 0.93),
    }
    BLIND_FLOORS = dict.fromkeys(CORPORA, (0.0, 1.0, 0.6))  # words-only figures not yet measured


@pytest.fixture(scope="module")
def sets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    out: Path = tmp_path_factory.mktemp("eval") / "eval.json"
    cli_main(out)
    return {s["name"]: s for s in json.loads(out.read_text())["sets"]}


@pytest.mark.parametrize("name", CORPORA)
def test_tuned_figures_stay_above_their_floors(sets: dict, name: str) -> None:
    fact, wrong, outside = TUNED_FLOORS[name]
    assert sets[name]["split"] == "tuned"
    assert sets[name]["fact_rate"] >= fact, name
    assert sets[name]["wrong_abstain_rate"] <= wrong, name
    assert sets[f"out-of-scope vs {name}"]["abstain_rate"] >= outside, name


@pytest.mark.parametrize("name", CORPORA)
def test_heldout_figures_stay_above_their_floors(sets: dict, name: str) -> None:
    fact, wrong, outside = HELDOUT_FLOORS[name]
    assert sets[f"heldout {name}"]["split"] == "heldout"
    assert sets[f"heldout {name}"]["fact_rate"] >= fact, name
    assert sets[f"heldout {name}"]["wrong_abstain_rate"] <= wrong, name
    assert sets[f"heldout out-of-scope vs {name}"]["abstain_rate"] >= outside, name


@pytest.mark.parametrize("name", CORPORA)
def test_blind_figures_stay_above_their_floors(sets: dict, name: str) -> None:
    fact, wrong, outside = BLIND_FLOORS[name]
    assert sets[f"blind {name}"]["split"] == "blind"
    assert sets[f"blind {name}"]["fact_rate"] >= fact, name
    assert sets[f"blind {name}"]["wrong_abstain_rate"] <= wrong, name
    assert sets[f"blind out-of-scope vs {name}"]["abstain_rate"] >= outside, name
