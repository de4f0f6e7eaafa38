"""Moving a family's published slots: the free blocks that keep their meetings back to back.
Pure."""

from __future__ import annotations

from bot.evenings.solver import Grid

MOST_OFFERED = 5


def free_blocks(
    grid: Grid, staff_order: list[int], busy: set[tuple[int, int]], current: int
) -> list[int]:
    """First slots of blocks where each member of staff in `staff_order` is free in turn (the
    family's own meetings not counted as busy), nearest to the `current` first slot first."""
    found = [
        first
        for first in grid.blocks(len(staff_order))
        if first != current
        and all((staff, first + i) not in busy for i, staff in enumerate(staff_order))
    ]
    return sorted(found, key=lambda first: (abs(first - current), first))[:MOST_OFFERED]


def is_free(grid: Grid, staff_order: list[int], busy: set[tuple[int, int]], first: int) -> bool:
    """Whether the block starting at `first` is still free for every member of staff in turn."""
    return first in grid.blocks(len(staff_order)) and all(
        (staff, first + i) not in busy for i, staff in enumerate(staff_order)
    )
