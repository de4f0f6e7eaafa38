"""Does a message disclose or suggest harm, neglect or fear? Then it is for the safeguarding lead.

Pure and offline. Every language's `[safeguarding]` lexicon is read whatever language the message
was detected in, so a misread language never hides a disclosure. A message discloses when it holds
a `disclosure` phrase ("domestic abuse", "home alone"), or when two halves of a pair stand in one
sentence (no `.!?;,` between), in either order and a few words apart (`PAIRS`):

- a `person` and `harm` ("her dad hits her", "mój partner mnie bije");
- a `person` and `accidental` harm not followed by a `body` part ("dad hit her", not "her dad hit
  his head");
- `fear` and a `person` ("I'm scared of my partner");
- an `injury` and `unexplained` ("she has bruises she can't explain").

In the first three a new `subject` between the halves parts them ("her dad said she hurt...").

`ordinary` phrases are longer everyday wordings that win over the words inside them ("got hurt",
"to be left alone", "scared of the dark"). Precision matters both ways: an ordinary worry ("she
fell and grazed her knee") stays with the key person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu import lexicon
from bot.nlu.text import Hit, Matcher, Text, Words

BODY_AFTER = 2  # a body part fewer words than this after accidental harm: an accident


@dataclass(frozen=True, slots=True)
class Pair:
    """Two labels that together disclose harm, at most `gap` words apart."""

    left: str
    right: str
    gap: int
    subject_parts: bool = True  # a new subject between the two parts them


PAIRS = (
    Pair("person", "harm", 3),
    Pair("person", "accidental", 3),
    Pair("fear", "person", 2),
    Pair("injury", "unexplained", 6, subject_parts=False),
)
_SENTENCE_BREAK = re.compile(r"[.!?;,\n،؛؟۔।]")


def matcher() -> Matcher:
    """The safeguarding phrases of every language, compiled once."""
    return lexicon.matcher("safeguarding", lexicon.available_languages())


def discloses(text: Text) -> bool:
    """Whether the message discloses or suggests harm, neglect or fear."""
    hits = matcher().find(text)
    if not hits:
        return False
    if any(hit.label == "disclosure" for hit in hits):
        return True
    words = Words(text)
    by_label: dict[str, list[Hit]] = {}
    for hit in hits:
        by_label.setdefault(hit.label, []).append(hit)
    bodies = by_label.get("body", [])
    by_label["accidental"] = [
        hit
        for hit in by_label.get("accidental", [])
        if not any(0 <= words.between(hit, body) < BODY_AFTER for body in bodies)
    ]
    subjects = by_label.get("subject", [])
    return any(
        _paired(text, words, pair, first, second, subjects if pair.subject_parts else [])
        for pair in PAIRS
        for first in by_label.get(pair.left, [])
        for second in by_label.get(pair.right, [])
    )


def _paired(
    text: Text, words: Words, pair: Pair, one: Hit, other: Hit, subjects: list[Hit]
) -> bool:
    """Both hits in one sentence, close enough, with no new subject between them."""
    first, second = (one, other) if one.start <= other.start else (other, one)
    gap = words.between(first, second)
    if not 0 <= gap <= pair.gap or _SENTENCE_BREAK.search(text.folded, first.end, second.start):
        return False
    return not any(first.end <= hit.start and hit.end <= second.start for hit in subjects)
