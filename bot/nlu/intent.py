"""Intent scoring: weighted lexicon phrases and patterns, plus a few structural signals.

An intent's phrases are `strong`, `weak` or `topic`: topic phrases name what a flow is about
("complain", "parents evening") and weigh as much as strong ones; in a question they are its
subject rather than a request for the flow (bot/nlu/routing.py). A pattern's key is
"<intent>:<weight>", or "<intent>:<weight>:topic" for one that names a subject.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from bot.nlu import lexicon
from bot.nlu.text import Hit, Text
from bot.types import Intent

WEIGHTS = {"strong": 3.0, "weak": 1.0, "topic": 3.0}
SYMPTOM_WEIGHT = 1.5  # per symptom, towards absence
CONTACT_WEIGHT = 3.0  # a phone number or e-mail address, towards update_details
LANGUAGE_NAME_WEIGHT = 3.0  # a language's name, towards set_language
LATENESS_WEIGHT = 2.0
QUESTION_WEIGHT = 0.5  # a question mark, towards policy_question
CLEAR_NOTICE = 3.0  # a notice this strong is never overruled by small talk or a language request
MIN_SCORE = 0.5  # below this nothing was understood (a bare question still counts)
# on equal scores the more specific request wins (the flow confirms it anyway): the order the
# intents are declared in, so every intent, however new, has its place
TIE_ORDER = {intent: rank for rank, intent in enumerate(Intent)}


_NOTICES = (Intent.ABSENCE, Intent.COLLECTION_CHANGE)
_YIELDS_TO_NOTICES = (Intent.SET_LANGUAGE, Intent.HELP, Intent.OTHER)


@dataclass(frozen=True, slots=True)
class IntentScore:
    """The chosen intent, its confidence and the runner-up's score."""

    intent: Intent
    confidence: float
    score: float


@dataclass(frozen=True, slots=True)
class Pattern:
    """One regular expression of a lexicon's `[patterns]` and what it adds to an intent."""

    intent: Intent
    weight: float
    topic: bool
    regex: re.Pattern[str]


@cache
def _patterns(languages: tuple[str, ...]) -> tuple[Pattern, ...]:
    compiled = []
    for code in languages:
        for key, regexes in lexicon.raw(code).get("patterns", {}).items():
            name, weight, *kind = key.split(":")
            topic = kind == ["topic"]
            intent = Intent(name)
            compiled += [Pattern(intent, float(weight), topic, re.compile(r)) for r in regexes]
    return tuple(compiled)


@dataclass(frozen=True)
class Evidence:
    """What speaks for each intent in one message: its lexicon phrases found, and its patterns
    that matched."""

    hits: dict[Intent, list[Hit]]
    patterns: dict[Intent, list[Pattern]]


def find_evidence(text: Text, languages: tuple[str, ...]) -> Evidence:
    """Every intent's phrases and patterns in the message."""
    hits = {  # one matcher per intent: phrases of different intents may overlap
        intent: lexicon.matcher("intent", languages, f"{intent.value}:").find(text)
        for intent in Intent
    }
    patterns: dict[Intent, list[Pattern]] = {intent: [] for intent in Intent}
    for pattern in _patterns(languages):
        if pattern.regex.search(text.folded):
            patterns[pattern.intent].append(pattern)
    return Evidence(hits, patterns)


@dataclass(frozen=True, slots=True)
class Signals:
    """Evidence found by other extractors that also speaks for an intent."""

    symptoms: int = 0
    contact: bool = False
    language_named: bool = False
    late: bool = False


def phrase_totals(found: Evidence) -> dict[Intent, float]:
    """Each intent's score from its phrases and patterns alone."""
    return {
        intent: sum(WEIGHTS[phrase_kind(hit)] for hit in found.hits[intent])
        + sum(pattern.weight for pattern in found.patterns[intent])
        for intent in Intent
    }


def score(found: Evidence, text: Text, signals: Signals) -> IntentScore:
    """The best intent for the message, with a confidence from its margin over the runner-up."""
    totals = phrase_totals(found)
    _add_signals(totals, text, signals)
    ranked = _notices_first(sorted(totals.items(), key=lambda item: (-item[1], TIE_ORDER[item[0]])))
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < MIN_SCORE:
        return IntentScore(Intent.OTHER, 0.2, top)
    margin = max(0.0, top - second) / (top + 1.0)
    strength = 1.0 - math.exp(-top / 3.0)
    return IntentScore(best, round(min(0.97, 0.25 + 0.45 * margin + 0.3 * strength), 3), top)


def phrase_kind(hit: Hit) -> str:
    """ "strong", "weak" or "topic": how an intent phrase counts."""
    return hit.label.split(":")[1]


def _notices_first(ranked: list[tuple[Intent, float]]) -> list[tuple[Intent, float]]:
    """A clear notice about a child outranks small talk and a language request in one message
    ("Kuba is ill today. Can you write in Polish?"): losing the notice is the worse error."""
    if ranked[0][0] not in _YIELDS_TO_NOTICES:
        return ranked
    notices = [item for item in ranked if item[0] in _NOTICES and item[1] >= CLEAR_NOTICE]
    return notices[:1] + [item for item in ranked if item not in notices[:1]] if notices else ranked


def _add_signals(totals: dict[Intent, float], text: Text, signals: Signals) -> None:
    totals[Intent.ABSENCE] += SYMPTOM_WEIGHT * min(signals.symptoms, 2)
    if signals.contact:
        totals[Intent.UPDATE_DETAILS] += CONTACT_WEIGHT
    if signals.language_named:
        totals[Intent.SET_LANGUAGE] += LANGUAGE_NAME_WEIGHT
    if signals.late:
        totals[Intent.COLLECTION_CHANGE] += LATENESS_WEIGHT
    if "?" in text.raw or "؟" in text.raw:
        totals[Intent.POLICY_QUESTION] += QUESTION_WEIGHT


def only_small_talk(text: Text, languages: tuple[str, ...]) -> bool:
    """Whether every word of the message is thanks, a greeting or an "ok" ("Thanks! x",
    "dziękuję 🙂"): small talk no member of staff needs to act on."""
    hits = lexicon.matcher("intent", languages, f"{Intent.OTHER.value}:").find(text)
    if not hits:
        return False
    rest = list(text.folded)
    for hit in hits:
        rest[hit.start : hit.end] = " " * (hit.end - hit.start)
    return not any(character.isalnum() for character in "".join(rest))


def hits_for(section: str, text: Text, languages: tuple[str, ...]) -> list[Hit]:
    """Hits of one lexicon section over the active languages."""
    return lexicon.matcher(section, languages).find(text)
