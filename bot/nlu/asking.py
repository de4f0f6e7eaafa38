"""Which parts of a message ask and which tell: the clauses of a message, each asked, said or
supposed.

A message is cut into clauses at punctuation and wherever one of the `[asking]` phrases of its
lexicons starts (`question`: "how do i", "can you", "czy"; `opener`: the same, but only at the
start of a clause, for words that are something else inside one, such as "what" or Romanian
"ce"; `past`: "did", "was she", which ask what happened; `conditional`: "if", "in case";
`then`: "then", Urdu "تو", where a supposition ends and the next clause starts).
A `marker` is a question word that may stand anywhere in its clause and cuts nothing (Urdu
"کیسے", Bengali "কীভাবে": "میں شکایت کیسے کروں؟" asks as a whole).

- asked: opened by a question phrase, holding a marker, or ended by a question mark;
- said: anything else, and a question about the past (what happened is told, not asked about);
- supposed: opened by a conditional ("if I'm late"): neither asks nor tells.

The understanding step reads a flow's words in a said clause as the parent telling or asking
for that flow, and the same words in an asked or supposed clause as the subject of a question
(bot/nlu/routing.py).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from bot.nlu import lexicon
from bot.nlu.text import Hit, Text

_BOUNDARY = re.compile(r"[.!?;:,\n…،؛؟।¿¡]")
_QUESTION_MARKS = frozenset("?؟")
_STARTS = {"question": "asked", "opener": "asked", "past": "said", "conditional": "supposed"}
_THEN = "then"  # cuts a clause, which is then asked, said or supposed by what it holds


class Kind(enum.StrEnum):
    """What a clause does."""

    ASKED = "asked"
    SAID = "said"
    SUPPOSED = "supposed"


@dataclass(frozen=True, slots=True)
class Clause:
    """A stretch of the message and what it does; `phrased` when a question phrase opens it."""

    start: int
    end: int
    kind: Kind
    phrased: bool = False

    def holds(self, hit: Hit) -> bool:
        """Whether a hit starts inside this clause."""
        return self.start <= hit.start < self.end


@dataclass(frozen=True, slots=True)
class Clauses:
    """A message's clauses, in order."""

    items: tuple[Clause, ...]

    @property
    def phrased_question(self) -> bool:
        """Whether a question phrase opens a clause (a bare "?" may answer a question instead:
        "her nan?")."""
        return any(clause.kind is Kind.ASKED and clause.phrased for clause in self.items)

    def said(self, hit: Hit) -> bool:
        """Whether a hit lies in a clause that tells (not in a question or a supposition)."""
        return any(clause.kind is Kind.SAID and clause.holds(hit) for clause in self.items)

    def asked(self, hit: Hit) -> bool:
        """Whether a hit lies in a clause that asks."""
        return any(clause.kind is Kind.ASKED and clause.holds(hit) for clause in self.items)


def clauses(text: Text, languages: tuple[str, ...]) -> Clauses:
    """The message's clauses, each asked, said or supposed."""
    folded = text.folded
    ends = [m.start() for m in _BOUNDARY.finditer(folded)]
    boundaries = {0, *(end + 1 for end in ends)}
    starts: dict[int, str] = {}
    markers: list[int] = []
    for hit in lexicon.matcher("asking", languages).find(text):
        if hit.label == "marker":
            markers.append(hit.start)
        elif hit.label != "opener" or _opens(folded, hit.start, boundaries):
            starts.setdefault(hit.start, hit.label)
    cuts = sorted({*boundaries, *starts} - {len(folded)})
    items = []
    for n, start in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else len(folded)
        if not folded[start:end].strip(" \t\n.!?;:,…،؛؟।¿¡"):
            continue
        first = _first_word(folded, start, end)
        label = starts.get(first)
        if label is not None and label != _THEN:
            items.append(Clause(start, end, Kind(_STARTS[label]), phrased=label != "past"))
        elif any(start <= marker < end for marker in markers):
            items.append(Clause(start, end, Kind.ASKED, phrased=True))
        elif folded[start:end].rstrip().endswith(tuple(_QUESTION_MARKS)):
            items.append(Clause(start, end, Kind.ASKED))
        else:
            items.append(Clause(start, end, Kind.SAID))
    return Clauses(tuple(items))


def _opens(folded: str, position: int, boundaries: set[int]) -> bool:
    """Whether only spaces (or an inverted question mark) lie between a clause's start and
    `position`."""
    start = max(b for b in boundaries if b <= position)
    return not folded[start:position].strip(" \t¿¡")


def _first_word(folded: str, start: int, end: int) -> int:
    """Where the clause's first word starts."""
    stripped = folded[start:end]
    return start + len(stripped) - len(stripped.lstrip(" \t\n¿¡"))
