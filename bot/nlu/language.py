"""Offline language detection for the supported languages.

Script decides first: Gurmukhi is Panjabi, Bengali script is Bengali, Arabic script is Urdu or
Arabic by their characteristic letters (Shahmukhi Panjabi when the guardian prefers Panjabi).
Latin-script text is scored by lexicon hits (words only one language's lexicon has, which also
catches romanised Urdu, Panjabi and Bengali), lingua's confidence (restricted to the supported
languages, built once, lazily) and the guardian's preferred language as a prior.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from bot.nlu import lexicon
from bot.nlu.text import Text

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "pl", "ur", "pa", "bn", "ro", "ar", "pt", "es", "so")
PRIOR = 0.75  # score bonus for the guardian's preferred language
LINGUA_WEIGHT = 2.0
LINGUA_MIN_LETTERS = 12  # below this lingua is too unreliable to consult
_URDU_LETTERS = frozenset("ٹڈڑںےہھکگیپچژۓ")
_ARABIC_LETTERS = frozenset("ةىيكؤ")
_lock = threading.Lock()


def _script_language(text: str, preferred: str | None) -> str | None:
    """The language a non-Latin script settles, or None for Latin/other text."""
    counts = {"pa": 0, "bn": 0, "arabic": 0, "latin": 0}
    urdu = arabic = 0
    for ch in text:
        code = ord(ch)
        if 0x0A00 <= code <= 0x0A7F:
            counts["pa"] += 1
        elif 0x0980 <= code <= 0x09FF:
            counts["bn"] += 1
        elif 0x0600 <= code <= 0x06FF:
            counts["arabic"] += 1
            urdu += ch in _URDU_LETTERS
            arabic += ch in _ARABIC_LETTERS
        elif ch.isascii() and ch.isalpha():
            counts["latin"] += 1
    script = max(counts, key=lambda k: counts[k])
    if counts[script] == 0 or script == "latin":
        return None
    if script != "arabic":
        return script
    if urdu > arabic:
        return "pa" if preferred == "pa" else "ur"
    return "ar" if arabic > urdu or preferred not in ("ur", "pa") else preferred


@cache
def _detector() -> Any:
    """lingua, restricted to the supported languages (about 0.2 s and some MB on first use)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in SUPPORTED_LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def _lingua_scores(text: str) -> dict[str, float]:
    with _lock:
        detector = _detector()
    values = detector.compute_language_confidence_values(text)
    return {v.language.iso_code_639_1.name.lower(): v.value for v in values}


def detect_language(text: str, preferred: str | None = None) -> str:
    """ISO 639-1 code (among SUPPORTED_LANGUAGES) of the message; the preference breaks ties."""
    fallback = preferred if preferred in SUPPORTED_LANGUAGES else "en"
    by_script = _script_language(text, preferred)
    if by_script:
        return by_script
    prepared = Text.of(text)
    scores = {code: 0.0 for code in SUPPORTED_LANGUAGES}
    scores["en"] += 0.1
    scores[fallback] += PRIOR
    for code, matcher in lexicon.detection_matchers().items():
        if code in scores:
            scores[code] += len(matcher.find(prepared))
    ranked = sorted(scores.values(), reverse=True)
    letters = sum(ch.isalpha() for ch in text)
    if letters >= LINGUA_MIN_LETTERS and ranked[0] - ranked[1] < 2:
        for code, value in _lingua_scores(text).items():
            scores[code] += LINGUA_WEIGHT * value
    if letters == 0:
        return fallback
    return max(scores, key=lambda code: scores[code])
