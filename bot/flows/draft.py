"""A notice as the flows hold it: being put together, or as recorded (then it carries its refs).

The draft lives in the conversation context between messages as plain JSON (the notice flow's
data, `NoticeData`). A choice that acts on a recorded notice (`notice:withdraw:A12+A13`) is read
back into a draft too, so Change works the same on any read-back, old or new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.types import Intent

ABSENCE = Intent.ABSENCE.value
COLLECTION = Intent.COLLECTION_CHANGE.value


@dataclass(frozen=True)
class Draft:
    """A notice being put together or changed; serialised into the conversation context."""

    kind: str
    children: tuple[int, ...] = ()
    start: date | None = None
    end: date | None = None
    reason: str | None = None
    symptoms: tuple[str, ...] = ()
    collector_name: str | None = None
    collector_relationship: str | None = None
    time: str | None = None
    minutes_late: int | None = None
    words: str = ""  # the parent's own messages for this notice, quoted to staff
    refs: tuple[str, ...] = ()  # the records this notice is ("A12", "C7"); recording replaces them

    def with_words(self, text: str) -> Draft:
        """The draft with another message of the parent's added (bare numbers are choices)."""
        cleaned = " ".join(text.split())
        if not cleaned or cleaned.isdecimal():
            return self
        return replace(self, words=f"{self.words} / {cleaned}" if self.words else cleaned)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the conversation context."""
        data = self.__dict__ | {"children": list(self.children), "symptoms": list(self.symptoms)}
        return data | {"start": _iso(self.start), "end": _iso(self.end), "refs": list(self.refs)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Draft:
        """Read back a draft saved by `to_json`."""
        return cls(
            **(
                dict(data)
                | {
                    "children": tuple(data.get("children", ())),
                    "symptoms": tuple(data.get("symptoms", ())),
                    "start": _date(data.get("start")),
                    "end": _date(data.get("end")),
                    "refs": tuple(data.get("refs", ())),
                }
            )
        )

    @property
    def is_lateness(self) -> bool:
        return self.kind == COLLECTION and self.minutes_late is not None


@dataclass(frozen=True)
class NoticeData:
    """The notice flow's data: the draft it asks about (or has just read back), and whether its
    question was already asked once more."""

    draft: Draft
    again: bool = False

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the conversation context."""
        return {"draft": self.draft.to_json(), "again": self.again}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NoticeData:
        """Read back what `to_json` wrote."""
        return cls(Draft.from_json(data["draft"]), bool(data.get("again")))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
