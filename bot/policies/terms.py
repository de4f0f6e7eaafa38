"""Words for retrieval: tokenising, light stemming, stopwords and the parent-vocabulary table."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bm25s.stopwords import STOPWORDS_EN_PLUS

from bot.content import content_dir

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_WORD_CASED = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
_SHORTHAND_WORD = re.compile(r"[A-Za-z0-9&]+")
_CLITIC = re.compile(r"'[a-z]+$")
_VOWEL = re.compile(r"[aeiouy]")
_SHORT_ROOT = re.compile(r"^[^aeiou][aeiou][^aeiouwxy]$")
_DOUBLE_END = re.compile(r"([bdfgmnprt])\1$")
_INFLECTIONS = ("ingly", "edly", "ings", "ing", "ed", "ly")
_IRREGULAR = {
    "children": "child",
    "people": "person",
    "women": "woman",
    "men": "man",
    # nouns that only look like -ing forms ("evening" is not "even")
    "evening": "evening",
    "evenings": "evening",
    "morning": "morning",
    "mornings": "morning",
    "nothing": "nothing",
    "something": "something",
    "anything": "anything",
    "everything": "everything",
    # nor is "parking" a "park": "is there parking" is not a walk to the park
    "parking": "parking",
}
# "off" carries meaning here: "off sick", "a day off", "keep him off".
STOPWORDS = frozenset(STOPWORDS_EN_PLUS) - {"off"}


def stem(word: str) -> str:
    """A light English stemmer: plurals, -ing, -ed, -ly, -ction and a final e."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in _INFLECTIONS:
        if not word.endswith(suffix):
            continue
        root = word[: -len(suffix)]
        if suffix in ("ing", "ed") and _SHORT_ROOT.match(root):
            word = root + "e"  # "taking" -> "take", "named" -> "name"
            break
        if suffix == "ed" and root.endswith("e"):
            continue
        shortest = 4 if suffix in ("ings", "ly") else 3
        if len(root) >= shortest and _VOWEL.search(root):
            word = root[:-1] if _DOUBLE_END.search(root) else root
            break
    if word.endswith(("mental", "ional")):
        word = word[:-2]  # "developmental" -> "development", "additional" -> "addition"
    if word.endswith("ction"):
        word = word[:-3]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word.removesuffix("y") + "i" if word.endswith("y") and len(word) > 4 else word


def words(text: str) -> list[str]:
    """Lower-cased words without clitics: "child's" -> "child", "i'm" -> "i", "don't" -> "don"."""
    return [_CLITIC.sub("", w) for w in _WORD.findall(text.lower().replace("’", "'"))]


def index_terms(text: str) -> list[str]:
    """Stemmed content words of passage text, as the index stores them."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


@dataclass(frozen=True)
class Concept:
    """One thing the parent asked about: their own words, or any expansion, covers it."""

    own: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]
    generic: bool = False  # an everyday word ("come", "today") that says little about the topic
    capitalised: bool = False  # written with a capital inside the question: maybe a name

    def covered_by(self, terms: frozenset[str]) -> bool:
        """True when every stem of some alternative occurs in the passage terms."""
        return any(all(t in terms for t in alt) for alt in self.alternatives)

    @property
    def stems(self) -> set[str]:
        """Every stem the concept may match on."""
        return {t for alt in self.alternatives for t in alt}


@dataclass(frozen=True)
class Lexicon:
    """Parent phrase -> policy phrases, filler words to ignore, everyday words to discount, and
    text-speak written out ("u" -> "you", "lo" -> "child"). A phrase in `instead` is covered by
    its policy phrases only, never by its own words ("where do I park": parking, not a park)."""

    expansions: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    filler: frozenset[str] = frozenset()
    generic: frozenset[str] = frozenset()
    shorthand: dict[str, str] = field(default_factory=dict)
    outside: tuple[tuple[str, ...], ...] = ()  # "recommend", "where can i buy": not policy
    instead: frozenset[tuple[str, ...]] = frozenset()

    @classmethod
    def from_toml(cls, path: Path, extra: Iterable[tuple[str, Iterable[str]]] = ()) -> Lexicon:
        """Read a synonyms table (see content/qa/synonyms.toml), with `extra` entries for its
        [expand] (a setting's own, bot.db.models.PolicySynonym)."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        expansions: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
        instead = data.get("instead", {})
        pairs = [*data.get("expand", {}).items(), *extra, *instead.items()]
        for parent, policy in pairs:
            key = tuple(stem(w) for w in words(parent))
            found = tuple(_content(words(p)) for p in policy)
            merged = expansions.get(key, ()) + tuple(e for e in found if e)
            expansions[key] = tuple(dict.fromkeys(merged))
        expansions = _one_more_step(expansions)
        filler = frozenset(stem(w) for w in data.get("filler", {}).get("words", []))
        generic = frozenset(stem(w) for w in data.get("generic", {}).get("words", []))
        shorthand = {k.lower(): v for k, v in data.get("shorthand", {}).items()}
        phrases = data.get("outside", {}).get("phrases", [])
        outside = tuple(tuple(stem(w) for w in words(p)) for p in phrases)
        replaced = frozenset(tuple(stem(w) for w in words(parent)) for parent in instead)
        return cls(expansions, filler, generic, shorthand, outside, replaced)

    def asks_outside(self, question: str) -> set[str]:
        """Content words of the phrases asking for advice a policy never gives (recommendations,
        shopping, tips); empty when the question has none."""
        tokens = [stem(w) for w in words(question)]
        found: set[str] = set()
        for phrase in self.outside:
            size = len(phrase)
            if any(tuple(tokens[i : i + size]) == phrase for i in range(len(tokens) - size + 1)):
                found |= {t for t in phrase if t not in STOPWORDS}
        return found

    def plain(self, question: str) -> str:
        """The question with text-speak written out, as both the words and the sentence embedding
        read it better ("can u tell me if my lo" -> "can you tell me if my child")."""
        return _SHORTHAND_WORD.sub(
            lambda m: self.shorthand.get(m.group().lower(), m.group()), question
        )

    def concepts(self, question: str) -> list[Concept]:
        """The question's concepts, each with its expansions, filler and stopwords left out."""
        raw = words(question)
        capitals = _capitalised(question)
        tokens = [stem(w) for w in raw]
        concepts: list[Concept] = []
        position = 0
        longest = max((len(k) for k in self.expansions), default=1)
        while position < len(tokens):
            for size in range(min(longest, len(tokens) - position), 0, -1):
                key = tuple(tokens[position : position + size])
                if key in self.expansions:
                    own = _content(raw[position : position + size]) or key
                    policy = self.expansions[key]
                    covers = policy if key in self.instead else (own, *policy)
                    concepts.append(Concept(own, covers))
                    position += size
                    break
            else:
                token = tokens[position]
                if raw[position] not in STOPWORDS and token not in self.filler:
                    generic = token in self.generic
                    capitalised = position in capitals
                    concepts.append(Concept((token,), ((token,),), generic, capitalised))
                position += 1
        return _dedupe(concepts)


def _one_more_step(
    expansions: dict[tuple[str, ...], tuple[tuple[str, ...], ...]],
) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Follow each expansion one step further: "feed" -> "breastfeed" -> "nursing mothers"."""
    return {
        key: tuple(
            dict.fromkeys(
                [*policy, *(further for p in policy for further in expansions.get(p, ()))]
            )
        )
        for key, policy in expansions.items()
    }


def _capitalised(question: str) -> set[int]:
    """Positions of words written with a capital letter other than at the start of a sentence."""
    found = set()
    sentence_start = True
    question = question.replace("’", "'")
    for position, match in enumerate(_WORD_CASED.finditer(question)):
        word = match.group()
        if word[0].isupper() and not sentence_start and not word.isupper():
            found.add(position)
        tail = question[match.end() : match.end() + 2]
        sentence_start = bool(tail) and tail[0] in ".!?"
    return found


def _content(raw_words: Iterable[str]) -> tuple[str, ...]:
    """Stems of the words that are not stopwords."""
    return tuple(stem(w) for w in raw_words if w not in STOPWORDS)


def _dedupe(concepts: list[Concept]) -> list[Concept]:
    seen: set[tuple[str, ...]] = set()
    unique = []
    for concept in concepts:
        if concept.own not in seen:
            seen.add(concept.own)
            unique.append(concept)
    return unique


@cache
def default_lexicon() -> Lexicon:
    """The shipped table, content/qa/synonyms.toml."""
    return Lexicon.from_toml(content_dir() / "qa" / "synonyms.toml")


def lexicon_with(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> Lexicon:
    """The shipped table with a setting's own [expand] entries (the shipped one when none)."""
    if not extra:
        return default_lexicon()
    return Lexicon.from_toml(content_dir() / "qa" / "synonyms.toml", extra)
