"""Which of the sender's own children a message is about, and which names are someone else's.

Names are resolved only against the children passed in: first name, known-as name, any name in
the same group of `content/nlu/names.toml` (diminutives, spellings, other scripts), inflected
forms (Polish "Kubę", "Zosi"; Bengali "আয়েশার"), possessives ("Maya's") and conservative typo
matching. A word that fuzzily fits two of the children matches neither: the flow asks.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz

from bot.nlu import lexicon
from bot.nlu.text import Text, fold
from bot.types import ChildRef

FUZZY_THRESHOLD = 80.0  # rapidfuzz ratio for words of five letters or more
FUZZY_SHORT_THRESHOLD = 85.0  # three or four letters, and only when capitalised
FUZZY_MARGIN = 6.0  # a second child this close to the best makes the guess ambiguous
_CONNECTORS = frozenset(
    {"and", "&", "n", "i", "y", "e", "si", "iyo", "aur", "te", "ate", "و", "আর", "ਤੇ"}
)


@dataclass(frozen=True, slots=True)
class NameTable:
    """Name groups and inflection rules, folded."""

    groups: dict[str, frozenset[str]]
    suffixes: tuple[tuple[str, str], ...]
    prefixes: tuple[str, ...]


@cache
def name_table() -> NameTable:
    """The name groups and inflection rules in `content/nlu/names.toml`."""
    with (lexicon.nlu_dir() / "names.toml").open("rb") as handle:
        data = tomllib.load(handle)
    groups: dict[str, frozenset[str]] = {}
    for group in data["groups"]:
        members = frozenset(fold(name) for name in group)
        for member in members:
            groups[member] = groups.get(member, frozenset()) | members
    suffixes = tuple(dict.fromkeys((fold(a), fold(b)) for a, b in data["suffixes"]))
    return NameTable(groups, suffixes, tuple(fold(p) for p in data["prefixes"]))


def _variants(child: ChildRef) -> set[str]:
    """Every folded form that names this child."""
    names = {fold(child.first_name)} | ({fold(child.known_as)} if child.known_as else set())
    table = name_table()
    for name in list(names):
        names |= table.groups.get(name, frozenset())
    return names


def _base_forms(word: str) -> list[str]:
    """The word itself and every form the inflection rules can turn it into."""
    table = name_table()
    forms = [word]
    for ending, replacement in table.suffixes:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            forms.append(word[: len(word) - len(ending)] + replacement)
    forms += [word[len(p) :] for p in table.prefixes if word.startswith(p) and len(word) > 3]
    return forms


@dataclass
class ChildMatch:
    """The outcome of resolving names in one message."""

    ids: list[int] = field(default_factory=list)
    ambiguous: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)


def _fuzzy(word: str, index: dict[str, set[int]], capitalised: bool) -> list[tuple[float, int]]:
    """(score, child id) for children whose names the word may be a typo of, best first."""
    if len(word) < 3 or (len(word) < 5 and not capitalised) or word in lexicon.common_words():
        return []
    threshold = FUZZY_THRESHOLD if len(word) >= 5 else FUZZY_SHORT_THRESHOLD
    best: dict[int, float] = {}
    for variant, ids in index.items():
        if variant[0] != word[0] or len(variant) < 3:
            continue
        score = fuzz.ratio(word, variant)
        if score >= threshold:
            for child_id in ids:
                best[child_id] = max(best.get(child_id, 0.0), score)
    return sorted(((score, cid) for cid, score in best.items()), reverse=True)


def _index(children: Iterable[ChildRef]) -> dict[str, set[int]]:
    index: dict[str, set[int]] = {}
    for child in children:
        for variant in _variants(child):
            index.setdefault(variant, set()).add(child.id)
    return index


def _exact(word: str, index: dict[str, set[int]]) -> set[int]:
    for form in _base_forms(word):
        if form in index:
            return index[form]
    return set()


def resolve(text: Text, children: tuple[ChildRef, ...]) -> ChildMatch:
    """Find the sender's children named in the message."""
    result = ChildMatch()
    if not children:
        return result
    index = _index(children)
    tokens = text.tokens()
    weak: dict[int, set[int]] = {}  # token position -> ids, for names that are also common words
    confirmed: dict[int, set[int]] = {}
    for pos, (start, end) in enumerate(tokens):
        word, capitalised = text.folded[start:end], text.raw[start : start + 1].isupper()
        ids = _exact(word, index)
        if ids:
            common = word in lexicon.common_words() and not capitalised
            (weak if common and pos > 0 else confirmed)[pos] = ids
            continue
        scored = _fuzzy(word, index, capitalised)
        if len(scored) > 1 and scored[0][0] - scored[1][0] < FUZZY_MARGIN:
            result.ambiguous = True
        elif scored:
            confirmed[pos] = {scored[0][1]}
    for pos, ids in weak.items():
        if _next_to_child(pos, tokens, text, confirmed):
            confirmed[pos] = ids
    for pos in sorted(confirmed):
        result.ids.extend(i for i in sorted(confirmed[pos]) if i not in result.ids)
        result.spans.append(tokens[pos])
    return result


def _next_to_child(
    pos: int, tokens: list[tuple[int, int]], text: Text, confirmed: dict[int, set[int]]
) -> bool:
    """A lower-case "will" is a child only when joined to another child ("will and bella")."""
    for step in (1, -1):
        nxt = pos + step
        if nxt in confirmed:
            return True
        start, end = tokens[nxt] if 0 <= nxt < len(tokens) else (0, 0)
        if text.folded[start:end] in _CONNECTORS and (nxt + step) in confirmed:
            return True
    return False
