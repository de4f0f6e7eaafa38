"""Parents' evening figure: the solver on a large setting.

200 families (30 of them with siblings in rooms with different key persons, 10 separated
households whose two guardians answer separately and, with `evening_slots = "each"`, get a slot
each), 12 key persons, two evenings of 3.5 h (15:30-19:00) in 10-minute slots, with preferences
drawn at random with a fixed seed (each family picks 1-3 of the 8 windows; 10% answer "none",
10% do not answer). Prints the solve time (goal < 5 s on 2 cores), the share of families with
windows placed in one of them (goal >= 95% of those for whom it is feasible: a family's windows
are feasible when a block of back-to-back slots for all its meetings lies inside them, everyone
else ignored), siblings back to back
(goal 100%), and the optimality gap the solver reports (goal 0%). The final line is JSON, also
written to bench/results/evening.json.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.evenings.command import EveningSpec  # noqa: E402
from bot.evenings.grid import grid_for, windows_for  # noqa: E402
from bot.evenings.parties import EACH, Asked, parties_for  # noqa: E402
from bot.evenings.solver import in_window, solve  # noqa: E402

SEED, FAMILIES, STAFF, SIBLINGS, SEPARATED = 20261204, 200, 12, 30, 10


def families(windows: int, slots_of: list[frozenset[int]]) -> list[Asked]:
    """The guardians asked, with seeded answers."""
    rng = random.Random(SEED)
    asked: list[Asked] = []
    child, guardian = 0, 0
    for family in range(FAMILIES):
        kids: dict[int, int] = {}
        first_staff = rng.randrange(STAFF)
        child += 1
        kids[child] = first_staff
        if family < SIBLINGS:
            child += 1
            kids[child] = (first_staff + rng.randrange(1, STAFF)) % STAFF
        guardians = 2 if SIBLINGS <= family < SIBLINGS + SEPARATED else 1
        for _ in range(guardians):
            guardian += 1
            draw = rng.random()
            if draw < 0.1:
                answer: frozenset[int] | None = None  # no answer
            elif draw < 0.2:
                answer = frozenset()  # "none of these times"
            else:
                picks = rng.sample(range(windows), rng.randint(1, 3))
                answer = frozenset(i for p in picks for i in slots_of[p])
            asked.append(Asked(guardian, dict(kids), answer))
    return asked


def main() -> None:
    spec = EveningSpec(
        (date(2026, 12, 8), date(2026, 12, 9)), time(15, 30), time(19, 0), 10, date(2026, 12, 4)
    )
    grid = grid_for(spec, "Europe/London")
    windows = windows_for(spec, grid)
    slots_of = [frozenset(range(w.first, w.last + 1)) for w in windows]
    parties = [party for party, _ in parties_for(families(len(windows), slots_of), EACH)]
    solution = solve(parties, grid, seconds=30.0)
    wanting = [p for p in parties if p.windows]
    feasible = [  # a block of its length lies wholly inside its windows
        p
        for p in wanting
        if any(
            all(slot in (p.windows or ()) for slot in range(first, first + len(p.meetings)))
            for first in grid.blocks(len(p.meetings))
        )
    ]
    inside = [p for p in feasible if in_window(p, solution.placed.get(p.key, []))]
    siblings = [p for p in parties if len(p.meetings) > 1]
    together = [
        p
        for p in siblings
        if p.key in solution.placed
        and sorted(s for _, s in solution.placed[p.key])
        == list(
            range(
                min(s for _, s in solution.placed[p.key]),
                min(s for _, s in solution.placed[p.key]) + len(p.meetings),
            )
        )
    ]
    figures = {
        "families": FAMILIES,
        "parties": len(parties),
        "meetings": sum(len(p.meetings) for p in parties),
        "slots_per_staff": len(grid.slots),
        "status": solution.status,
        "solve_seconds": round(solution.seconds, 3),
        "placed": len(solution.placed),
        "unplaced": len(solution.unplaced),
        "with_windows": len(wanting),
        "feasible_in_window": len(feasible),
        "placed_in_window": len(inside),
        "share_in_window": round(len(inside) / max(1, len(feasible)), 4),
        "sibling_parties": len(siblings),
        "siblings_back_to_back": round(len(together) / max(1, len(siblings)), 4),
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": round(solution.gap, 6),
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    out = REPO / "bench" / "results" / "evening.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
