"""Parse a policy document into a title and passages that keep their heading path."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.policies.blocks import MINOR_WORDS as _MINOR_WORDS
from bot.policies.blocks import Block, Layout, to_blocks
from bot.policies.loaders import read_document
from bot.policies.normalise import normalise_text, split_sentences

BULLET_MARK = "• "
MAX_PASSAGE_CHARS = 600
MAX_PASSAGE_SENTENCES = 4
MAX_PASSAGE_UNITS = 5


@dataclass(frozen=True)
class ParsedPassage:
    """A paragraph or a group of list items; list items are lines starting with "• "."""

    heading_path: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class ParsedDocument:
    """A document's title and its passages in reading order."""

    title: str
    passages: list[ParsedPassage]


@dataclass
class _Outline:
    """The document title and the stack of open headings."""

    title: str | None = None
    stack: list[Block] = field(default_factory=list)
    seen_body: bool = False

    def add(self, heading: Block) -> None:
        if self.title is None and not self.seen_body:
            self.title = _title_text(heading.text)
            return
        if heading.structured:
            while self.stack and self.stack[-1].level >= heading.level:
                self.stack.pop()
        else:
            while self.stack and not self.stack[-1].structured:
                self.stack.pop()
            heading.level = (self.stack[-1].level if self.stack else 0) + 1
        self.stack.append(heading)

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(block.text for block in self.stack)


def _title_text(text: str) -> str:
    """A heading made fit to be a title: no leading section number, no shouting."""
    text = re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", text).strip()
    letters = [ch for ch in text if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters):
        text = " ".join(
            word.lower() if n and word.lower() in _MINOR_WORDS else word.capitalize()
            for n, word in enumerate(text.split())
        )
    return text


def title_from_filename(filename: str) -> str:
    """ "02_arrival-and-collection_v3.md" -> "Arrival and collection v3"."""
    stem = Path(filename).stem
    stem = re.sub(r"^[\d\s._-]+(?=[A-Za-z])", "", stem)
    words = re.sub(r"[_\-.]+", " ", stem).split()
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else filename


def _chunk_sentences(text: str) -> Iterator[str]:
    """Cut a long paragraph into runs of a few whole sentences."""
    chunk: list[str] = []
    for sentence in split_sentences(text):
        size = sum(len(s) + 1 for s in chunk) + len(sentence)
        if chunk and (len(chunk) >= MAX_PASSAGE_SENTENCES or size > MAX_PASSAGE_CHARS):
            yield " ".join(chunk)
            chunk = []
        chunk.append(sentence)
    if chunk:
        yield " ".join(chunk)


def _lines(block: Block) -> Iterator[str]:
    """A block as passage lines: a list item whole, a paragraph in runs of whole sentences."""
    if block.kind == "item":
        yield BULLET_MARK + block.text
    else:
        yield from _chunk_sentences(block.text)


def _size(lines: list[str]) -> tuple[int, int]:
    """Characters and units (sentences or list items) in a run of passage lines."""
    units = sum(1 if ln.startswith(BULLET_MARK) else len(split_sentences(ln)) for ln in lines)
    return sum(len(ln) + 1 for ln in lines), units


def _passages(blocks: list[Block], outline: _Outline) -> Iterator[ParsedPassage]:
    """Walk the blocks keeping the heading path; fill passages of a few sentences or items."""
    group: list[str] = []
    for block in blocks:
        if block.kind == "heading":
            if group:
                yield ParsedPassage(outline.path, "\n".join(group))
                group = []
            outline.add(block)
            continue
        outline.seen_body = True
        for line in _lines(block):
            chars, units = _size([*group, line])
            if group and (chars > MAX_PASSAGE_CHARS or units > MAX_PASSAGE_UNITS):
                yield ParsedPassage(outline.path, "\n".join(group))
                group = []
            group.append(line)
    if group:
        yield ParsedPassage(outline.path, "\n".join(group))


def parse_text(text: str, layout: Layout, filename: str) -> ParsedDocument:
    """Parse already-extracted text laid out as markdown, wrapped PDF text or Word paragraphs."""
    blocks = to_blocks(normalise_text(text), layout)
    outline = _Outline()
    passages = [p for p in _passages(blocks, outline) if _has_words(p.text)]
    return ParsedDocument(outline.title or title_from_filename(filename), passages)


def _has_words(text: str) -> bool:
    return sum(ch.isalpha() for ch in text) >= 3


def load_document(path: Path) -> ParsedDocument:
    """Read and parse a .md, .txt, .docx or .pdf policy; raises PolicyReadError when unreadable."""
    text, layout = read_document(path)
    return parse_text(text, layout, path.name)


__all__ = ["ParsedDocument", "ParsedPassage", "load_document", "parse_text"]
