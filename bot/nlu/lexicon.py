"""The curated lexicons in `content/nlu/`, loaded once and compiled into matchers.

Each language has `content/nlu/lang/<code>.toml`. Every section maps a label to a list of
phrases (or to a table of such lists, flattened to "label:sub"). Phrases are written natively;
matching folds case and Latin diacritics. `*` at an end of a phrase allows a suffix/prefix there.
A language may list `[meta] optional_apostrophes` (English: "n't", "'s", ...): every phrase
with one of them inside a word also matches without the apostrophe ("won't" -> "wont").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from bot.content import content_dir
from bot.nlu.text import Matcher, fold

SECTIONS = (
    "intent",
    "dates",
    "now_cues",
    "time",
    "late",
    "reasons",
    "symptoms",
    "relationships",
    "all_children",
    "amend",
    "language_names",
    "names",
    "detect",
    "asking",
    "personal",
)


def nlu_dir() -> Path:
    """The folder holding lexicons, name tables and labelled examples."""
    return content_dir() / "nlu"


@cache
def available_languages() -> tuple[str, ...]:
    """Codes of every language with a lexicon file, sorted."""
    return tuple(sorted(path.stem for path in (nlu_dir() / "lang").glob("*.toml")))


@cache
def raw(code: str) -> dict[str, Any]:
    """The parsed lexicon file of one language."""
    with (nlu_dir() / "lang" / f"{code}.toml").open("rb") as handle:
        return tomllib.load(handle)


def related(code: str) -> tuple[str, ...]:
    """Languages whose words are also understood in messages of `code` (Urdu <-> Panjabi)."""
    return tuple(raw(code).get("meta", {}).get("related", ()))


def active_languages(code: str) -> tuple[str, ...]:
    """The lexicons consulted for a message in `code`: itself, related ones, then English."""
    chosen = [code, *related(code), "en"]
    return tuple(dict.fromkeys(c for c in chosen if c in available_languages()))


def _flatten(section: dict[str, Any]) -> dict[str, list[str]]:
    """`{label: [..]}` or `{label: {sub: [..]}}` -> `{label or "label:sub": [..]}`."""
    flat: dict[str, list[str]] = {}
    for label, value in section.items():
        if isinstance(value, dict):
            for sub, entries in value.items():
                flat[f"{label}:{sub}"] = list(entries)
        else:
            flat[label] = list(value)
    return flat


def _without_apostrophes(entries: list[str], endings: tuple[str, ...]) -> list[str]:
    """The entries plus, per ending written after a letter, a variant without its apostrophe."""
    extra = []
    for entry in entries:
        variant = entry
        for ending in endings:
            bare = ending.replace("'", "")
            variant = re.sub(rf"(?<=[^\W\d_]){re.escape(ending)}(?![^\W\d_])", bare, variant)
        if variant != entry:
            extra.append(variant)
    return entries + [e for e in extra if e not in entries]


def table(code: str, section: str) -> dict[str, list[str]]:
    """One section of one language, flattened (with its optional-apostrophe variants)."""
    flat = _flatten(raw(code).get(section, {}))
    endings = tuple(raw(code).get("meta", {}).get("optional_apostrophes", ()))
    if not endings or section == "names":
        return flat
    return {label: _without_apostrophes(entries, endings) for label, entries in flat.items()}


@cache
def matcher(section: str, languages: tuple[str, ...], prefix: str = "") -> Matcher:
    """A compiled matcher for one section (labels starting with `prefix`) over several lexicons."""
    merged: dict[str, list[str]] = {}
    for code in languages:
        for label, entries in table(code, section).items():
            if label.startswith(prefix):
                merged.setdefault(label, []).extend(entries)
    return Matcher(merged)


def _entries(code: str) -> Iterable[str]:
    for section in SECTIONS:
        for entries in table(code, section).values():
            yield from (fold(entry.lstrip("=")) for entry in entries)


@cache
def detection_matchers() -> dict[str, Matcher]:
    """Per language, a matcher of its words that unrelated lexicons do not share.

    Related languages (romanised Urdu and Panjabi) may share words: they count for both.
    """
    per_language = {code: set(_entries(code)) for code in available_languages()}
    owners: dict[str, set[frozenset[str]]] = {}
    for code, entries in per_language.items():
        family = frozenset((code, *related(code)))
        for entry in entries:
            owners.setdefault(entry, set()).add(family)
    return {
        code: Matcher({code: [e for e in entries if len(owners[e]) == 1 and len(e.strip("*")) > 2]})
        for code, entries in per_language.items()
    }


@cache
def common_words() -> frozenset[str]:
    """Folded single words any lexicon uses, plus the name stop-list: never a child's name."""
    words: set[str] = set()
    for code in available_languages():
        for entry in _entries(code):
            words.update(entry.strip("*").split())
    return frozenset(words)


@cache
def vocabulary(languages: tuple[str, ...]) -> Matcher:
    """Every phrase of every section: words the lexicons explain are never person names."""
    merged: dict[str, list[str]] = {}
    for code in languages:
        for section in SECTIONS:
            for entries in table(code, section).values():
                merged.setdefault(section, []).extend(entries)
    return Matcher(merged)
