"""Offline language detection for the supported languages.

Script decides first: Gurmukhi is Panjabi, Bengali script is Bengali, Arabic script is Urdu or
Arabic by their characteristic letters (Shahmukhi Panjabi when the guardian prefers Panjabi).
Latin-script text is scored by lexicon hits (words only one language's lexicon has, which also
catches romanised Urdu, Panjabi and Bengali), lingua's confidence (restricted to the supported
languages, built once, lazily) and the guardian's preferred language as a prior.
"""

from __future__ import annotations

import threading
import unicodedata
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


def _script(text: str) -> str:
    """The dominant script: "pa" (Gurmukhi), "bn" (Bengali), "arabic", "latin" or "none"."""
    counts = {"pa": 0, "bn": 0, "arabic": 0, "latin": 0}
    for ch in text:
        code = ord(ch)
        if 0x0A00 <= code <= 0x0A7F:
            counts["pa"] += 1
        elif 0x0980 <= code <= 0x09FF:
            counts["bn"] += 1
        elif 0x0600 <= code <= 0x06FF:
            counts["arabic"] += 1
        elif ch.isalpha() and (ch.isascii() or "LATIN" in unicodedata.name(ch, "")):
            counts["latin"] += 1
    script = max(counts, key=lambda k: counts[k])
    return script if counts[script] else "none"


def _arabic_script(text: str, hits: dict[str, int], preferred: str | None) -> str:
    """Urdu or Arabic by characteristic letters and words (Shahmukhi if Panjabi preferred)."""
    urdu = sum(ch in _URDU_LETTERS for ch in text) + 2 * hits.get("ur", 0)
    arabic = sum(ch in _ARABIC_LETTERS for ch in text) + 2 * hits.get("ar", 0)
    if urdu > arabic:
        return "pa" if preferred == "pa" else "ur"
    if arabic > urdu or preferred not in ("ur", "pa"):
        return "ar"
    return preferred


@cache
def _detector() -> Any:
    """lingua for the supported languages, models preloaded, in low-accuracy (trigram) mode.

    High-accuracy mode costs ~270 MB and ~2 s to load for little gain here: the lexicons carry
    most of the evidence and lingua only breaks ties. Low-accuracy mode: ~20 MB, ~0.1 s.
    """
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in SUPPORTED_LANGUAGES]
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    return builder.with_preloaded_language_models().with_low_accuracy_mode().build()


def _lingua_scores(text: str) -> dict[str, float]:
    with _lock:
        detector = _detector()
    values = detector.compute_language_confidence_values(text)
    return {v.language.iso_code_639_1.name.lower(): v.value for v in values}


def detect_language(text: str, preferred: str | None = None) -> str:
    """ISO 639-1 code (among SUPPORTED_LANGUAGES) of the message; the preference breaks ties."""
    fallback = preferred if preferred in SUPPORTED_LANGUAGES else "en"
    script = _script(text)
    if script in ("pa", "bn"):
        return script
    if script == "none":
        return fallback
    prepared = Text.of(text)
    hits = {  # evidence counted in words, so a matched phrase outweighs a lone word
        code: sum(len(prepared.folded[h.start : h.end].split()) for h in m.find(prepared))
        for code, m in lexicon.detection_matchers().items()
    }
    if script == "arabic":
        return _arabic_script(text, hits, preferred)
    scores = {code: float(hits.get(code, 0)) for code in SUPPORTED_LANGUAGES}
    scores["en"] += 0.1
    if preferred in scores:
        scores[preferred] += PRIOR
    ranked = sorted(scores.values(), reverse=True)
    if sum(ch.isalpha() for ch in text) >= LINGUA_MIN_LETTERS and ranked[0] - ranked[1] < 2:
        # lingua breaks ties between languages with evidence; names ("Maya Thompson") mislead it
        candidates = {code for code, count in hits.items() if count} | {preferred}
        for code, value in _lingua_scores(text).items():
            if code in candidates or len(candidates - {None}) == 0:
                scores[code] += LINGUA_WEIGHT * value
    return max(scores, key=lambda code: scores[code])
