"""Illness guidance: the setting's exclusion table (setting data, not code) and its read-back line.

The table comes from `illness.toml` in the setting folder and is stored at import in
`Setting.options["illness_guidance"]` as {symptom key: {"guidance": str, "exclude": bool}}.
The guidance sentences are the setting's own English words; other languages get a curated
sentence saying so, followed by the English guidance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.i18n.catalog import Catalog
from bot.roster.errors import RowError, read_toml

OPTION = "illness_guidance"
FILENAME = "illness.toml"
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def read_table(path: Path, errors: list[RowError]) -> dict[str, dict[str, Any]]:
    """Validate an illness.toml; each problem is added to `errors` (nothing is half-read)."""
    toml = read_toml(path, errors)
    if toml is None:
        return {}
    table: dict[str, dict[str, Any]] = {}
    for key, entry in toml.data.items():
        guidance = entry.get("guidance") if isinstance(entry, dict) else None
        exclude = entry.get("exclude", False) if isinstance(entry, dict) else None
        problem = RowError(path.name, toml.line_of(key), key, "")
        if not _KEY.match(key):
            errors.append(replace(problem, message="use a symptom key such as vomiting"))
        elif not isinstance(guidance, str) or not guidance.strip():
            errors.append(replace(problem, message='needs guidance = "..." (a sentence)'))
        elif not isinstance(exclude, bool):
            errors.append(replace(problem, message="exclude must be true or false"))
        else:
            table[key] = {"guidance": " ".join(guidance.split()), "exclude": exclude}
    return table


def guidance_lines(table: Mapping[str, Any], symptoms: Iterable[str]) -> list[str]:
    """The distinct guidance sentences for these symptoms, in the order the symptoms came."""
    lines: list[str] = []
    for symptom in symptoms:
        entry = table.get(symptom)
        if isinstance(entry, dict) and entry.get("guidance") not in (None, *lines):
            lines.append(str(entry["guidance"]))
    return lines


def readback_line(
    catalog: Catalog, language: str, table: Mapping[str, Any], symptoms: Iterable[str]
) -> str | None:
    """The line added to an absence read-back, or None when no symptom is in the table."""
    lines = guidance_lines(table, symptoms)
    if not lines:
        return None
    key = "illness.guidance" if language == "en" else "illness.guidance_in_english"
    return catalog.text(key, language, guidance=" ".join(lines))
