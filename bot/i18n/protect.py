"""Keep names, numbers and addresses away from the translation provider.

`protect` swaps each name, setting term, email, web address, full date ("14 March 2023",
"20 maja 2022": a date of birth, in any curated language) and number (phones, dates, times) for
a token like ⟦1⟧ before the text leaves, and returns a function that puts them back. Only the
masked text reaches the provider. Restoring tolerates what engines do to tokens (spaces inside,
native digits such as ١ or ১, square brackets) and refuses output that lost a token.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache, lru_cache

from babel.dates import get_month_names

from bot.i18n.catalog import Catalog
from bot.i18n.translator import TranslationUnavailable, Translator
from bot.nlu.text import WORD, Text, fold, trie_regex

EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
URL = r"(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)]"
_GROUP = r"\(?\d(?:[\d().:/-]*\d)?\)?"
NUMBER = rf"\+?{_GROUP}(?: {_GROUP})*(?:\s?(?:[ap]\.?m\b\.?)|st\b|nd\b|rd\b|th\b)?"
TOKEN = re.compile(r"[⟦⟧]\s*(\d+)\s*[⟦⟧]|\[\[\s*(\d+)\s*\]\]")
MIN_NAME_LENGTH = 2

Restore = Callable[[str], str]


def protect(
    text: str, names: Iterable[str], terms: Mapping[str, str] | None = None
) -> tuple[str, Restore]:
    """Mask `names` (restored as written), `terms` (restored as their mapped value), emails,
    web addresses, full dates and numbers; return the masked text and the function that
    restores it. Names are found as the understanding step finds them, on the folded text (any
    case, with or without diacritics: "Kubę" is the form "kubę" of "Kuba"; Arabic-script
    letter variants alike)."""
    prepared = Text.of(text)  # positions in `folded` are positions in `raw`
    restored_as = {fold(term): value for term, value in (terms or {}).items()}
    pattern = _pattern([*names, *(terms or {})])
    originals: list[str] = []
    index_of: dict[str, int] = {}
    pieces: list[str] = []
    done = 0
    for match in pattern.finditer(prepared.folded):
        found = prepared.raw[match.start() : match.end()]
        if found not in index_of:
            originals.append(restored_as.get(" ".join(match.group().split()), found))
            index_of[found] = len(originals)
        pieces += [prepared.raw[done : match.start()], f"⟦{index_of[found]}⟧"]
        done = match.end()
    masked = "".join(pieces) + prepared.raw[done:] if pieces else text
    return masked, lambda translated: _restore(translated, originals)


def _pattern(names: Iterable[str]) -> re.Pattern[str]:
    return _compiled(frozenset(names))


@lru_cache(maxsize=16)
def _compiled(names: frozenset[str]) -> re.Pattern[str]:
    """The pattern for these names (folded, as a trie, longest first), built once: a setting's
    names are the same from one message to the next."""
    words = {" ".join(fold(name).split()) for name in names}
    words = {word for word in words if len(word) >= MIN_NAME_LENGTH}
    alternatives = [EMAIL, URL, full_date()]
    if words:
        alternatives.append(rf"(?<!{WORD})(?:{trie_regex(words)})(?!{WORD})")
    alternatives.append(rf"(?<!\w){NUMBER}")
    return re.compile("|".join(f"(?:{item})" for item in alternatives))


@cache
def full_date() -> str:
    """A day, a month's name in any curated language and a year, either way round ("14th March
    2023", "March 14, 2023", "20 maja 2022", "5 de mayo de 2022"): a date of birth, kept whole.
    A day and month alone are left to the numbers (the month is translated)."""
    months = {fold(name.rstrip(".")) for name in month_names(Catalog.load().languages)}
    month = f"(?:{trie_regex(months)})" + r"\.?"
    day = r"\d{1,2}(?:st|nd|rd|th|\.|º)?"
    link = r"(?:\s+(?:of|de|del)\s+|\s*)"
    year = r"[,،]?\s*(?:de\s+)?\d{4}(?!\d)"
    return rf"(?<!\w)(?:{day}{link}{month}|{month}\s+{day}){year}"


def month_names(languages: Iterable[str]) -> set[str]:
    """Every month's full and short name, in both grammatical forms, in these languages."""
    return {
        name
        for language in languages
        for width in ("wide", "abbreviated")
        for context in ("format", "stand-alone")
        for name in get_month_names(width, context, language).values()
        if name
    }


def _restore(translated: str, originals: list[str]) -> str:
    seen: set[int] = set()

    def unmask(match: re.Match[str]) -> str:
        number = int(
            match.group(1) or match.group(2)
        )  # int() reads any script's digits: ١ and ১ are 1
        if not 1 <= number <= len(originals):
            raise TranslationUnavailable(f"translation invented a token ⟦{number}⟧")
        seen.add(number)
        return originals[number - 1]

    restored = TOKEN.sub(unmask, translated)
    if len(seen) != len(originals):
        raise TranslationUnavailable("translation lost a protected name or number")
    return restored


def translate_protected(
    translator: Translator,
    text: str,
    source: str,
    target: str,
    names: Iterable[str],
    terms: Mapping[str, str] | None = None,
) -> str:
    """Translate `text` with names, terms, numbers and addresses masked, then restore them."""
    masked, restore = protect(text, names, terms)
    return restore(translator.translate(masked, source, target))


def name_variants(full_names: Iterable[str | None]) -> set[str]:
    """Each full name and its separate words ("Maya Khan", "Maya", "Khan") for `protect`."""
    variants: set[str] = set()
    for full in full_names:
        if full and full.strip():
            variants.add(full.strip())
            variants.update(part for part in full.split() if len(part) >= MIN_NAME_LENGTH)
    return variants
