"""The question sets hold answer quality above floors a little below today's measured figures.

The issue's targets (fact >= 90%, out-of-scope abstain >= 95%, wrong abstain <= 5%) are not all
met yet; these floors stop regressions and should be raised as the figures improve.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.policies.evaluate import cli_main


def test_eval_figures_stay_above_their_floors(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    cli_main(out)
    sets = {s["name"]: s for s in json.loads(out.read_text())["sets"]}
    for name in ("demo", "berkhamstead", "little-doves"):
        assert sets[name]["fact_rate"] >= 0.78, name
        assert sets[name]["wrong_abstain_rate"] <= 0.06, name
        assert sets[f"out-of-scope vs {name}"]["abstain_rate"] >= 0.92, name
