"""An evening's slots and the time windows families are asked about: pure.

Each evening's hours are cut into slots of the evening's length; a slot touching a break is not
offered to anyone. The windows split each evening into runs of whole slots (4 per evening with one
or two evenings, fewer with more) so the poll has at most 8 windows, plus "None of these times"
and "By phone or video instead": at most 10 options, as a Telegram poll allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.evenings.command import EveningSpec
from bot.evenings.solver import Grid
from bot.flows.dates import short_date

NONE, REMOTE = "none", "remote"  # the two options after the windows
MAX_WINDOWS = 8


@dataclass(frozen=True, slots=True)
class Window:
    """A run of slots a family can choose: its first and last slot index in the grid."""

    first: int
    last: int
    start: datetime
    end: datetime

    @property
    def value(self) -> str:
        """ "<ISO start>/<ISO end>", as records and poll options hold it."""
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    def label(self, language: str) -> str:
        """ "Tue 1 Dec 15:30-16:20" in the reader's language."""
        day = short_date(self.start.date(), language)
        return f"{day} {self.start:%H:%M}-{self.end:%H:%M}"


def grid_for(spec: EveningSpec, timezone: str) -> Grid:
    """Every slot of every evening, in time order, aware in the setting's zone."""
    zone = ZoneInfo(timezone)
    slots: list[tuple[datetime, datetime]] = []
    breaks: set[int] = set()
    length = timedelta(minutes=spec.slot_minutes)
    for day in spec.dates:
        moment = datetime.combine(day, spec.start, zone)
        close = datetime.combine(day, spec.end, zone)
        while moment + length <= close:
            end = moment + length
            if any(
                moment < datetime.combine(day, b, zone) and datetime.combine(day, a, zone) < end
                for a, b in spec.breaks
            ):
                breaks.add(len(slots))
            slots.append((moment, end))
            moment = end
    return Grid(tuple(slots), frozenset(breaks))


def windows_for(spec: EveningSpec, grid: Grid) -> list[Window]:
    """Each evening's slots cut into near-equal runs (at most 8 windows in all)."""
    per_day = max(1, min(4, MAX_WINDOWS // len(spec.dates)))
    windows: list[Window] = []
    for day in spec.dates:
        indices = [i for i, (start, _) in enumerate(grid.slots) if start.date() == day]
        count = min(per_day, len(indices))
        for part in range(count):
            chunk = indices[len(indices) * part // count : len(indices) * (part + 1) // count]
            if chunk:
                first, last = chunk[0], chunk[-1]
                windows.append(Window(first, last, grid.slots[first][0], grid.slots[last][1]))
    return windows


def window_slots(windows: list[Window], chosen: list[str]) -> frozenset[int] | None:
    """The slot indices inside the windows chosen (by value); None when none was chosen."""
    picked = [w for w in windows if w.value in chosen]
    if not picked:
        return None
    return frozenset(i for w in picked for i in range(w.first, w.last + 1))
