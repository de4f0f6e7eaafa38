"""Reading a roster CSV strictly: one record per line, every syntax problem named by its line.

No roster value spans lines, so each line is parsed on its own: an unclosed quote is reported at
its line instead of swallowing the rows after it, and the lines around a broken one are still read.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from bot.roster.errors import RowError

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAVE_AS = 'save the file as "CSV UTF-8"'
LINE_BREAK = re.compile(rb"\r\n|\r|\n")
UNCLOSED = 'a quote (") opens a value that is not closed on this line'
TEXT_AFTER_QUOTE = 'text follows a closing quote (a quote inside a value is written "")'
SYNTAX = {"unexpected end of data": UNCLOSED, "',' expected after '\"'": TEXT_AFTER_QUOTE}
EMPTY = "file is empty (the first line names the columns)"


@dataclass(frozen=True)
class CsvTable:
    """A CSV file's column names (lower case) and its well-formed rows, by line number."""

    header_line: int
    columns: tuple[str, ...]
    rows: list[tuple[int, dict[str, str]]]


def read_csv(path: Path, errors: list[RowError]) -> CsvTable | None:
    """The file's rows, each problem added to `errors`; None when there is no header to go by."""
    if not path.exists():
        errors.append(RowError(path.name, 0, "", "file is missing"))
        return None
    data = path.read_bytes()
    if data.startswith(UTF16_BOMS):
        errors.append(RowError(path.name, 0, "", f"UTF-16 text: {SAVE_AS}"))
        return None
    records = _records(path.name, data.removeprefix(UTF8_BOM), errors)
    if not records:
        errors.append(RowError(path.name, 0, "", EMPTY))
        return None
    (header_line, header), body = records[0], records[1:]
    columns = None if header is None else _columns(path.name, header_line, header, errors)
    if columns is None:
        return None
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in body:
        if cells is None:
            continue
        if len(cells) == len(columns):
            rows.append((line, _by_column(columns, cells)))
        else:
            message = (
                f"{len(cells)} values, but the header has {len(columns)} columns "
                '(a value with a comma in it needs "quotes")'
            )
            errors.append(RowError(path.name, line, "", message))
    return CsvTable(header_line, columns, rows)


def _records(file: str, data: bytes, errors: list[RowError]) -> list[tuple[int, list[str] | None]]:
    """Each non-blank line's cells by line number (None for a line that is not CSV: reported)."""
    records: list[tuple[int, list[str] | None]] = []
    for number, raw in enumerate(LINE_BREAK.split(data), start=1):
        text = _decoded(file, number, raw, errors)
        try:
            cells = next(csv.reader([text], strict=True), [])
        except csv.Error as problem:
            message = SYNTAX.get(str(problem), f"not valid CSV: {problem}")
            errors.append(RowError(file, number, "", message))
            records.append((number, None))
            continue
        if any(cell.strip() for cell in cells):
            records.append((number, cells))
    return records


def _decoded(file: str, number: int, raw: bytes, errors: list[RowError]) -> str:
    """The line as text; a line in another encoding is reported and read as Windows-1252."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        errors.append(RowError(file, number, "", f"not UTF-8 text: {SAVE_AS}"))
        return raw.decode("cp1252", errors="replace")
    if "\ufeff" in text:
        message = "a byte-order mark (U+FEFF) inside the file: was another file pasted in?"
        errors.append(RowError(file, number, "", message))
    return text.replace("\ufeff", "")


def _columns(
    file: str, line: int, header: list[str], errors: list[RowError]
) -> tuple[str, ...] | None:
    """The header's column names, or None when the file is not comma-separated."""
    if len(header) == 1 and ";" in header[0]:
        errors.append(
            RowError(file, line, "", "columns are separated by ';': save the file with commas")
        )
        return None
    columns = tuple(name.strip().lower() for name in header)
    named = [name for name in columns if name]
    for name in sorted({name for name in named if named.count(name) > 1}):
        errors.append(RowError(file, line, name, "column is named twice"))
    return columns


def _by_column(columns: tuple[str, ...], cells: list[str]) -> dict[str, str]:
    """Each column's cell (the first, when a column is named twice)."""
    row: dict[str, str] = {}
    for column, cell in zip(columns, cells, strict=True):
        row.setdefault(column, cell)
    return row
