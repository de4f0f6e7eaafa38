"""The question sets hold the answer quality above floors a little below the issue's figures."""

from __future__ import annotations

import json
from pathlib import Path

from bot.policies.evaluate import cli_main


def test_eval_figures_stay_above_their_floors(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    cli_main(out)
    sets = {s["name"]: s for s in json.loads(out.read_text())["sets"]}
    for name in ("demo", "berkhamstead", "little-doves"):
        assert sets[name]["fact_rate"] >= 0.85, name
        assert sets[name]["wrong_abstain_rate"] <= 0.10, name
        assert sets[f"out-of-scope vs {name}"]["abstain_rate"] >= 0.90, name
