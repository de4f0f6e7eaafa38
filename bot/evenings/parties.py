"""Who comes to the evening together, and with which preferences: pure.

Guardians who share a child come together (`joint`, the default of the setting option
`evening_slots`), at a time inside the windows both chose when they share one, else inside either's;
with `each`, every guardian who answered comes on their own (separated parents each get a slot),
and a guardian who did not answer joins the other. A party has one meeting per key person of its
children: siblings with one key person share a slot, siblings with different key persons are seen
back to back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.evenings.solver import Meet, Party

JOINT, EACH = "joint", "each"


@dataclass(frozen=True, slots=True)
class Asked:
    """A guardian asked: their children (child id -> key person's staff id) and their answer:
    the slot indices inside the windows they chose, empty for "none", None for no answer."""

    guardian: int
    children: Mapping[int, int]
    windows: frozenset[int] | None = None
    remote: bool = False


def parties_for(asked: list[Asked], mode: str = JOINT) -> list[tuple[Party, tuple[int, ...]]]:
    """Each party with the guardians in it, in a stable order."""
    groups = _groups(asked) if mode == JOINT else _each(asked)
    result = []
    for members in groups:
        children: dict[int, int] = {}
        for member in members:
            children.update(member.children)
        by_staff: dict[int, list[int]] = {}
        for child, staff in sorted(children.items()):
            by_staff.setdefault(staff, []).append(child)
        meets = tuple(Meet(staff, tuple(ids)) for staff, ids in sorted(by_staff.items()))
        key = "g" + "+g".join(str(m.guardian) for m in members)
        party = Party(key, meets, _windows([m.windows for m in members]))
        result.append((party, tuple(m.guardian for m in members)))
    return result


def _groups(asked: list[Asked]) -> list[list[Asked]]:
    """Guardians linked by a shared child, together (union by child)."""
    groups: list[list[Asked]] = []
    for one in sorted(asked, key=lambda a: a.guardian):
        linked = [g for g in groups if any(set(one.children) & set(m.children) for m in g)]
        merged = [one] + [m for g in linked for m in g]
        groups = [g for g in groups if g not in linked] + [sorted(merged, key=lambda a: a.guardian)]
    return sorted(groups, key=lambda g: g[0].guardian)


def _each(asked: list[Asked]) -> list[list[Asked]]:
    """Every guardian who answered with windows alone; one who did not joins a co-parent."""
    answered = [a for a in asked if a.windows]
    groups = [[a] for a in sorted(answered, key=lambda a: a.guardian)]
    for one in sorted(asked, key=lambda a: a.guardian):
        if one.windows:
            continue
        home = next((g for g in groups if set(one.children) & set(g[0].children)), None)
        if home is None or set(one.children) - set(home[0].children):
            groups.append([one])
        else:
            home.append(one)
    return sorted(groups, key=lambda g: g[0].guardian)


def _windows(answers: list[frozenset[int] | None]) -> frozenset[int] | None:
    """Slots that suit everyone who gave windows; when they share none, any of theirs."""
    given = [a for a in answers if a]
    if not given:
        return None
    common = frozenset.intersection(*given)
    return common if common else frozenset.union(*given)
