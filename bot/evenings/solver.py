"""Give every family a slot at a parents' evening: a pure CP-SAT model, no database.

A party is one guardian (or guardians sharing one slot) with a meeting per key person of their
children. Each party gets one block of back-to-back slots on one evening, one slot per meeting in
some order: siblings with different key persons are seen one after the other with no gap, and a
break or the end of an evening never splits a block. No member of staff has two meetings in one
slot, and no one meets in a break. Every party is placed when the evening has room; the objective
counts blocks wholly inside the windows the party chose (a party with no windows, who answered
"none" or nothing, is placed anywhere). The solver's objective and bound are returned, so the
optimality gap is visible."""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from ortools.sat.python import cp_model

log = logging.getLogger(__name__)

PLACED, IN_WINDOW = 1000, 10  # weights: placing everyone first, then their windows


@dataclass(frozen=True, slots=True)
class Meet:
    """One meeting of a party: a key person and the children of theirs it is about."""

    staff: int
    children: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Party:
    """Who comes together (`key`, e.g. "g12"), their meetings, and the slots (indices of the
    grid) inside the windows they chose; None when they gave none."""

    key: str
    meetings: tuple[Meet, ...]
    windows: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class Grid:
    """The evening's slots in time order (start, end), and those in a staff break."""

    slots: tuple[tuple[datetime, datetime], ...]
    breaks: frozenset[int] = frozenset()

    def blocks(self, length: int) -> list[int]:
        """First slots of every run of `length` back-to-back slots outside breaks."""
        starts = []
        for first in range(len(self.slots) - length + 1):
            run = range(first, first + length)
            if any(i in self.breaks for i in run):
                continue
            if all(self.slots[i][1] == self.slots[i + 1][0] for i in run[:-1]):
                starts.append(first)
        return starts


@dataclass
class Solution:
    """Each party's meetings with their slot index; what the solver proved."""

    placed: dict[str, list[tuple[Meet, int]]] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)
    status: str = ""
    objective: float = 0.0
    bound: float = 0.0
    seconds: float = 0.0

    @property
    def gap(self) -> float:
        """Relative optimality gap (0.0 when proved optimal)."""
        return abs(self.bound - self.objective) / max(1.0, abs(self.bound))


def solve(parties: list[Party], grid: Grid, seconds: float = 10.0, workers: int = 2) -> Solution:
    """The best assignment the solver finds within `seconds`."""
    model = cp_model.CpModel()
    choices: dict[str, list[tuple[cp_model.IntVar, tuple[tuple[Meet, int], ...], bool]]] = {}
    use: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    score = []
    for party in parties:
        options = choices.setdefault(party.key, [])
        for first in grid.blocks(len(party.meetings)):
            slots = range(first, first + len(party.meetings))
            inside = party.windows is not None and all(i in party.windows for i in slots)
            for order in itertools.permutations(party.meetings):
                var = model.new_bool_var(f"{party.key}@{first}:{len(options)}")
                placement = tuple(zip(order, slots, strict=True))
                options.append((var, placement, inside))
                for meet, slot in placement:
                    use.setdefault((meet.staff, slot), []).append(var)
                score.append((PLACED + (IN_WINDOW if inside else 0)) * var)
        model.add_at_most_one(var for var, _, _ in options)
    for held in use.values():
        model.add_at_most_one(held)
    model.maximize(sum(score))
    for var in _greedy(parties, choices):
        model.add_hint(var, True)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.symmetry_level = 0  # its detection costs more than it saves here
    began = time.perf_counter()
    status = solver.solve(model)
    result = Solution(status=solver.status_name(status), seconds=time.perf_counter() - began)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result.unplaced = [party.key for party in parties]
        return result
    result.objective, result.bound = solver.objective_value, solver.best_objective_bound
    for party in parties:
        chosen = [placement for var, placement, _ in choices[party.key] if solver.value(var)]
        if chosen:
            result.placed[party.key] = list(chosen[0])
        else:
            result.unplaced.append(party.key)
    log.info(
        "evening solver: %s, objective %s, bound %s, %.2f s",
        result.status,
        result.objective,
        result.bound,
        result.seconds,
    )
    return result


def _greedy(
    parties: list[Party],
    choices: dict[str, list[tuple[cp_model.IntVar, tuple[tuple[Meet, int], ...], bool]]],
) -> list[cp_model.IntVar]:
    """A first assignment to start the search from (often already optimal): siblings first,
    then the parties with the fewest in-window placements, each in its first free in-window
    placement; then everyone left in their first free placement."""
    taken: set[tuple[int, int]] = set()
    placed: dict[str, cp_model.IntVar] = {}
    order = sorted(parties, key=lambda p: (-len(p.meetings), sum(i for *_, i in choices[p.key])))
    for preferring in (True, False):
        for party in order:
            if party.key in placed:
                continue
            for var, placement, inside in choices[party.key]:
                cells = {(meet.staff, slot) for meet, slot in placement}
                if (inside or not preferring) and not cells & taken:
                    taken |= cells
                    placed[party.key] = var
                    break
    return list(placed.values())


def in_window(party: Party, placement: list[tuple[Meet, int]]) -> bool:
    """Whether the party's slots all fall inside the windows it chose."""
    return party.windows is not None and all(slot in party.windows for _, slot in placement)
