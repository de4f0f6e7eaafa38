"""Import problems, each pinned to a file, line and column; reading TOML files into them."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOML_POSITION = re.compile(r" \(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True, slots=True, order=True)
class RowError:
    """One problem in one cell (or row, or file) of the setting folder."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class RosterInvalid(Exception):
    """The folder has problems; nothing was changed."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = sorted(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class TomlFile:
    """A TOML file's text (to find the line of a key) and its tables."""

    text: str
    data: dict[str, Any]

    def line_of(self, key: str) -> int:
        """The line where `key = ...` or `[key]` is first written (0 when it is not)."""
        quoted = rf"[\"']?{re.escape(key)}[\"']?"
        pattern = rf"^[ \t]*(?:\[[ \t]*{quoted}[ \t]*\]|{quoted}[ \t]*=)"
        match = re.search(pattern, self.text, flags=re.MULTILINE)
        return self.text.count("\n", 0, match.start()) + 1 if match else 0


def read_toml(path: Path, errors: list[RowError]) -> TomlFile | None:
    """The file parsed, or None with the reason (missing, not UTF-8, bad syntax at a line)."""
    if not path.exists():
        errors.append(RowError(path.name, 0, "", "file is missing"))
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
        return TomlFile(text, tomllib.loads(text))
    except UnicodeDecodeError:
        errors.append(RowError(path.name, 0, "", "not UTF-8 text: save it as UTF-8"))
    except tomllib.TOMLDecodeError as problem:
        message, line = str(problem), 0
        if (position := TOML_POSITION.search(message)) is not None:
            message = f"{message[: position.start()]} (column {position[2]})"
            line = int(position[1])
        errors.append(RowError(path.name, line, "", f"not valid TOML: {message}"))
    return None
