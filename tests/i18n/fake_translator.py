"""A deterministic translator for tests and the bench: records every call, can fail or stall."""

from __future__ import annotations

import threading
import time

from bot.i18n.translator import TranslationUnavailable


class FakeTranslator:
    """Prefixes the target code ("[pl] ...") and records (text, source, target) per call."""

    name = "fake"

    def __init__(self, *, failing: bool = False, delay_seconds: float = 0.0) -> None:
        self.failing = failing
        self.delay_seconds = delay_seconds
        self.calls: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()

    def translate(self, text: str, source: str, target: str) -> str:
        """`[target] text`, after the delay; raises when switched to failing."""
        with self._lock:
            self.calls.append((text, source, target))
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        if self.failing:
            raise TranslationUnavailable("fake translator is down")
        return f"[{target}] {text}"

    @property
    def sent_text(self) -> str:
        """Everything the provider would have seen, joined, for data-protection assertions."""
        return "\n".join(text for text, _, _ in self.calls)
