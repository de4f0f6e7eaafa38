"""The evening solver, one constraint at a time, on cases whose optimum is known by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.evenings.solver import Grid, Meet, Party, in_window, solve

START = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)


def grid(count: int, breaks: frozenset[int] = frozenset(), gap_after: int | None = None) -> Grid:
    """`count` ten-minute slots from 15:30; slots after `gap_after` are on the next evening."""
    slots = []
    for i in range(count):
        start = START + timedelta(minutes=10 * i)
        if gap_after is not None and i > gap_after:
            start += timedelta(days=1)
        slots.append((start, start + timedelta(minutes=10)))
    return Grid(tuple(slots), breaks)


def slots_of(solution: object, key: str) -> list[int]:
    return [slot for _, slot in solution.placed[key]]  # type: ignore[attr-defined]


def test_no_member_of_staff_has_two_families_in_one_slot() -> None:
    parties = [Party(f"g{i}", (Meet(1, (i,)),), frozenset({0})) for i in range(3)]
    solution = solve(parties, grid(3))
    assert sorted(s for p in parties for s in slots_of(solution, p.key)) == [0, 1, 2]
    assert not solution.unplaced


def test_families_are_placed_inside_their_windows_when_possible() -> None:
    parties = [
        Party("g1", (Meet(1, (1,)),), frozenset({0, 1})),
        Party("g2", (Meet(1, (2,)),), frozenset({0})),
        Party("g3", (Meet(1, (3,)),), frozenset({2})),
    ]
    solution = solve(parties, grid(3))
    assert slots_of(solution, "g1") == [1]
    assert slots_of(solution, "g2") == [0]
    assert slots_of(solution, "g3") == [2]
    assert solution.status == "OPTIMAL" and solution.gap == 0.0


def test_siblings_with_different_key_persons_are_seen_back_to_back() -> None:
    sibling = Party("g1", (Meet(1, (1,)), Meet(2, (2,))), None)
    busy = Party("g2", (Meet(1, (3,)),), frozenset({1}))
    solution = solve([sibling, busy], grid(4))
    placed = sorted(solution.placed["g1"], key=lambda pair: pair[1])
    assert placed[1][1] - placed[0][1] == 1  # no gap, no overlap
    assert {meet.staff for meet, _ in placed} == {1, 2}
    assert 1 not in [slot for meet, slot in placed if meet.staff == 1]


def test_a_sibling_block_never_spans_two_evenings_or_a_break() -> None:
    sibling = Party("g1", (Meet(1, (1,)), Meet(2, (2,))), frozenset({1, 2}))
    solution = solve([sibling], grid(4, gap_after=1))  # slots 0-1 one evening, 2-3 the next
    assert sorted(slots_of(solution, "g1")) in ([0, 1], [2, 3])
    solution = solve([sibling], grid(4, breaks=frozenset({2})))
    assert sorted(slots_of(solution, "g1")) == [0, 1]


def test_nobody_is_placed_in_a_staff_break() -> None:
    parties = [Party(f"g{i}", (Meet(1, (i,)),), None) for i in range(2)]
    solution = solve(parties, grid(3, breaks=frozenset({1})))
    assert sorted(s for p in parties for s in slots_of(solution, p.key)) == [0, 2]


def test_families_who_answered_none_or_nothing_still_get_a_slot() -> None:
    parties = [
        Party("g1", (Meet(1, (1,)),), None),
        Party("g2", (Meet(1, (2,)),), frozenset({0})),
    ]
    solution = solve(parties, grid(2))
    assert slots_of(solution, "g1") == [1] and slots_of(solution, "g2") == [0]
    assert not in_window(parties[0], solution.placed["g1"])


def test_when_windows_clash_one_family_goes_outside_and_the_bound_proves_it() -> None:
    parties = [Party(f"g{i}", (Meet(1, (i,)),), frozenset({0})) for i in range(2)]
    solution = solve(parties, grid(2))
    inside = [p.key for p in parties if in_window(p, solution.placed[p.key])]
    assert len(inside) == 1
    assert solution.objective == solution.bound == 2 * 1000 + 10


def test_a_family_too_many_for_the_evening_is_reported_unplaced() -> None:
    parties = [Party(f"g{i}", (Meet(1, (i,)),), None) for i in range(3)]
    solution = solve(parties, grid(2))
    assert len(solution.unplaced) == 1 and len(solution.placed) == 2
