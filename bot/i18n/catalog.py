"""Curated message templates, one TOML file per language under content/messages/.

Fixed bot text never goes through machine translation: a key missing in a language falls back
to English, and a test proves that no key is missing.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.content import content_dir

ENGLISH = "en"


@dataclass(frozen=True)
class Catalog:
    """All curated messages: language -> key -> template with `{placeholders}`."""

    messages: dict[str, dict[str, str]]

    @classmethod
    def load(cls, directory: Path | None = None) -> Catalog:
        """Read every `<lang>.toml` in the messages folder (flat `key = "template"` tables)."""
        folder = directory or content_dir() / "messages"
        messages: dict[str, dict[str, str]] = {}
        for path in sorted(folder.glob("*.toml")):
            with path.open("rb") as handle:
                messages[path.stem] = _flatten(tomllib.load(handle))
        if ENGLISH not in messages:
            raise FileNotFoundError(f"no {ENGLISH}.toml in {folder}")
        return cls(messages)

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages with curated messages."""
        return tuple(sorted(self.messages))

    def has(self, key: str, language: str) -> bool:
        """Whether a curated template exists for this key in this language."""
        return key in self.messages.get(language, {})

    def text(self, key: str, language: str, /, **values: object) -> str:
        """The curated text for `key` in `language` (English when missing), values filled in."""
        template = self.messages.get(language, {}).get(key) or self.messages[ENGLISH][key]
        return template.format(**values)

    def placeholders(self, key: str, language: str) -> frozenset[str]:
        """The `{names}` a template uses, so tests can compare languages."""
        template = self.messages[language][key]
        return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def _flatten(table: dict[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat
