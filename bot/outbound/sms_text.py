"""Text for narrow channels: GSM-7 / UCS-2 segments, GSM-safe punctuation, cutting at sentences.

Cutting serves SMS (fit a segment budget, or split into numbered parts that each fit) and
Telegram (split at 4,096 characters). Pure text functions: the core measures broadcasts with them,
and adapters fit what the renderer (bot/outbound/render.py) made of a reply.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

# GSM 03.38 basic character set (one septet each) and extension table (escape + char: two).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")

GSM_SINGLE, GSM_PART = 160, 153
PART_MARK_ROOM = "(99/99) "  # room kept in each part for its number, "(1/3) "
UCS2_SINGLE, UCS2_PART = 70, 67

# Typographic characters that look the same in GSM-7: one curly quote would make a message UCS-2.
_SUBSTITUTIONS = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u2022": "-", "\u00b7": "-",
        "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
        "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
    }
)  # fmt: skip
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u200d\ufe0e\ufe0f\u20e3\U000e0020-\U000e007f]"
)
# Where text may be cut, best first: a paragraph, a sentence, a line, a word.
_BOUNDARIES = tuple(re.compile(p) for p in (r"\n\s*\n", r"[.!?…](?=\s)", r"\n", r"\s"))


def is_gsm(text: str) -> bool:
    """Whether the whole text fits the GSM-7 alphabet (basic + extension)."""
    return all(char in GSM_BASIC or char in GSM_EXTENDED for char in text)


def encoded_length(text: str) -> int:
    """Length in septets (GSM-7, extension characters count two) or UTF-16 code units (UCS-2)."""
    if is_gsm(text):
        return sum(2 if char in GSM_EXTENDED else 1 for char in text)
    return utf16_length(text)


def segment_count(text: str) -> int:
    """How many SMS segments the text takes (0 for empty text)."""
    length = encoded_length(text)
    single, part = (GSM_SINGLE, GSM_PART) if is_gsm(text) else (UCS2_SINGLE, UCS2_PART)
    if length == 0:
        return 0
    return 1 if length <= single else math.ceil(length / part)


def gsm_safe(text: str) -> str:
    """Swap typographic punctuation for GSM look-alikes and drop emoji; other scripts stay."""
    return _EMOJI.sub("", text.translate(_SUBSTITUTIONS))


def fit_segments(text: str, budget: int, suffix: str = "") -> str:
    """`text` + `suffix` within `budget` segments: the text is cut (at a sentence, else a word).

    The suffix (for instance a numbered list of choices) is always kept whole.
    """
    if segment_count(text + suffix) <= budget:
        return text + suffix
    low = _longest(len(text), lambda length: segment_count(_cut(text, length) + suffix) <= budget)
    return _cut(text, low) + suffix


def sms_parts(text: str, budget: int, suffix: str = "") -> list[str]:
    """GSM-safe `text` as SMS messages of at most `budget` segments each, nothing cut away.

    The whole text when it fits (with `suffix`, the choices the renderer adds to the last part);
    else numbered parts, "(1/2) ...", cut at paragraphs, sentences or words.
    """
    text, suffix = gsm_safe(text).strip(), gsm_safe(suffix)
    if segment_count(text + suffix) <= budget:
        return [text]
    if segment_count(PART_MARK_ROOM + suffix) > budget:  # a list longer than the budget (a
        suffix = ""  # poll's): the text is cut alone, the list follows its last part whole
    parts: list[str] = []
    rest = text
    while segment_count(PART_MARK_ROOM + rest + suffix) > budget:
        cut = boundary(rest[: max(_longest_part(rest, budget), 1)])
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return [f"({number}/{len(parts)}) {part}" for number, part in enumerate(parts, 1)]


def sms_overflow(text: str, budget: int, most_parts: int, suffix: str = "") -> int:
    """How many characters `text` must lose to go in at most `most_parts` SMS (0 if it does)."""
    if len(sms_parts(text, budget, suffix)) <= most_parts:
        return 0
    fits = _longest(len(text), lambda n: len(sms_parts(text[:n], budget, suffix)) <= most_parts)
    return len(text) - fits


def _longest_part(text: str, budget: int) -> int:
    """How much of `text` one numbered part within `budget` segments can hold."""
    return _longest(len(text), lambda n: segment_count(PART_MARK_ROOM + text[:n]) <= budget)


def _longest(length: int, fits: Callable[[int], bool]) -> int:
    """The largest n <= length for which `fits(n)` holds (it holds for 0 and is monotonic)."""
    low, high = 0, length
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _cut(text: str, length: int) -> str:
    """The first `length` characters, cut at a boundary and marked with '...'."""
    if length >= len(text):
        return text
    head = text[: max(length - 3, 0)]
    head = head[: boundary(head)].rstrip()
    return head + "..." if head else ""


def boundary(window: str) -> int:
    """Where to cut `window`: its last paragraph, sentence, line or word end in the second half.

    With no such boundary, the whole window.
    """
    for pattern in _BOUNDARIES:
        ends = [match.end() for match in pattern.finditer(window)]
        if ends and ends[-1] > len(window) // 2:
            return ends[-1]
    return len(window)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units (how Telegram and UCS-2 count)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int) -> list[str]:
    """Cut text into parts of at most `limit` UTF-16 units, at the best boundaries."""
    parts: list[str] = []
    rest = text.strip()
    while utf16_length(rest) > limit:
        window = rest[:limit]
        window = window[: limit - max(utf16_length(window) - limit, 0)]
        cut = boundary(window)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*parts, rest] if rest or not parts else parts
