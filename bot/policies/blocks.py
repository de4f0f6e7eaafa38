"""Turn normalised lines into blocks: headings, paragraphs, list items and table rows.

Three layouts are understood. ``markdown``: blank lines separate paragraphs and only ``#`` lines
are headings. ``wrapped`` (text pasted from PDFs): lines are joined while a sentence is unfinished,
and short title-like lines after a break are headings. ``paragraphs`` (Word): every line is a
whole paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Layout = Literal["markdown", "wrapped", "paragraphs"]
BlockKind = Literal["heading", "paragraph", "item"]

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)[\s#]*$")
_BULLET = re.compile(r"^(?:[•·▪◦●○■□➢➤►✓✔\-\*\+\u2013\u2014]|o(?=\s))\s+(?P<body>\S.*)$")
_NUMBERED_HEADING = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3})*)\.?\s+(?P<title>[A-Z].*)$")
_NUMBERED_ITEM = re.compile(r"^\(?(?:\d{1,2}|[a-z])[.)]\s+\S")
_MD_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
# fmt: off
MINOR_WORDS = frozenset((
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
    "to", "with", "our", "your", "their", "its",
))
# fmt: on
_TERMINAL = ".!?:;"
_SOFT_HYPHEN = "\x00"  # marks a hyphen at a line end until the whole text is known
_BROKEN_WORD = re.compile(r"(\w+)-\x00(\w+)")
# fmt: off
_PREFIXES = frozenset((
    "pre", "post", "non", "co", "re", "self", "well", "step", "anti", "ex", "multi", "part",
    "full", "half", "day", "after", "child", "early", "out", "over", "under", "up", "cross",
    "inter", "sub", "semi",
))
# fmt: on


@dataclass
class Block:
    """A heading (with its level), a paragraph, or one list item / table row."""

    kind: BlockKind
    text: str
    level: int = 0
    structured: bool = True  # heading numbered or marked up, rather than guessed from its look
    closed: bool = False  # a table row: never carries on to the next line


def ends_sentence(text: str) -> bool:
    """True when text ends with sentence-final punctuation (ignoring closing quotes/brackets)."""
    stripped = text.rstrip("\"')] ")
    return bool(stripped) and stripped[-1] in _TERMINAL


def _table_row(line: str) -> str | None:
    """Render a tab-separated (or markdown pipe) row as "first: second; third", else None."""
    if "\t" in line:
        cells = [cell.strip() for cell in line.split("\t")]
    elif line.startswith("|") and line.count("|") >= 3:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
    else:
        return None
    cells = [cell for cell in cells if cell]
    if len(cells) < 2:
        return cells[0] if cells else None
    return f"{cells[0]}: {'; '.join(cells[1:])}"


def _is_title_like(text: str, strict: bool = False) -> bool:
    """A short line, capitalised like a heading, without sentence punctuation at its end.

    Strict: Title Case or capitals only, for lines with no blank line before them.
    """
    words = text.split()
    if not words or len(words) > 10 or len(text) > 80 or not text[0].isupper():
        return False
    if ends_sentence(text) or text.endswith(","):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return True
    major = [word for word in words if word.lower() not in MINOR_WORDS]
    capitalised = sum(1 for word in major if word[0].isupper() or not word[0].isalpha())
    return (len(words) <= 3 and not strict) or capitalised / max(len(major), 1) >= 0.6


def _numbered_heading(line: str) -> Block | None:
    match = _NUMBERED_HEADING.match(line)
    if not match or ends_sentence(line) or len(line) > 100 or len(line.split()) > 14:
        return None
    return Block("heading", line, match.group("num").count(".") + 1)


def _classify(line: str, layout: Layout) -> Block:
    """Classify one line that starts a new block."""
    md = _MD_HEADING.match(line)
    if md and layout != "wrapped":
        return Block("heading", md.group(2).strip(), len(md.group(1)))
    bullet = _BULLET.match(line)
    if bullet:
        return Block("item", bullet.group("body"))
    row = _table_row(line)
    if row is not None:
        return Block("item", row, closed=True)
    if layout != "markdown":
        numbered = _numbered_heading(line)
        if numbered:
            return numbered
        if _is_title_like(line):
            return Block("heading", line, structured=False)
    if _NUMBERED_ITEM.match(line):
        return Block("item", line)
    return Block("paragraph", line)


def _continues(block: Block | None, line: str, after_blank: bool, layout: Layout) -> bool:
    """Whether a line carries on the open paragraph or list item."""
    if block is None or block.kind == "heading" or block.closed or _BULLET.match(line):
        return False
    if layout == "paragraphs" or _table_row(line) is not None or _MD_HEADING.match(line):
        return False
    if layout == "markdown":
        return not after_blank and not _NUMBERED_ITEM.match(line)
    if line[0].islower() or not ends_sentence(block.text):
        return True
    if after_blank or _NUMBERED_HEADING.match(line):
        return False
    return not _is_title_like(line, strict=True)


def _join(previous: str, line: str) -> str:
    """Join a wrapped line on, keeping words hyphenated at a line end together."""
    if previous.endswith("-") and len(previous) > 1 and previous[-2].isalpha():
        return previous + _SOFT_HYPHEN + line
    return f"{previous} {line}"


def _mend_broken_words(blocks: list[Block], text: str) -> None:
    """Decide each line-end hyphen: a real compound ("pre-school") or a word split ("at-tend")."""
    lowered = text.lower()

    def mend(match: re.Match[str]) -> str:
        first, second = match.group(1), match.group(2)
        if f"{first}-{second}".lower() in lowered or first.lower() in _PREFIXES:
            return f"{first}-{second}"
        return first + second

    for block in blocks:
        if _SOFT_HYPHEN in block.text:
            block.text = _BROKEN_WORD.sub(mend, block.text).replace(_SOFT_HYPHEN, "")


def to_blocks(text: str, layout: Layout) -> list[Block]:
    """Split normalised text into blocks for the given layout."""
    blocks: list[Block] = []
    after_blank = True
    for raw in text.split("\n"):
        line = _MD_EMPHASIS.sub(r"\2", raw) if layout == "markdown" else raw
        if not line.strip() or (layout == "markdown" and _MD_TABLE_RULE.match(line)):
            after_blank = after_blank or not line.strip()
            continue
        open_block = blocks[-1] if blocks else None
        if open_block is not None and _continues(open_block, line.strip(), after_blank, layout):
            open_block.text = _join(open_block.text, line.strip())
        else:
            blocks.append(_classify(line.strip(), layout))
        after_blank = False
    _mend_broken_words(blocks, text)
    return blocks
