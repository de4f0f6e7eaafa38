"""What the bot knows about the setting: its policy passages (indexed once) and its public facts."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import PolicyDocument, Setting
from bot.flows.turn import PolicyHit
from bot.policies.facts import SettingFacts, answer_setting_fact
from bot.policies.index import PolicyIndex

QUOTE_CHARS = 600


class Knowledge:
    """Caches one policy index per setting, rebuilt only when its documents change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._indexes: dict[int, tuple[tuple[object, ...], PolicyIndex]] = {}

    def index(self, session: Session, setting_id: int) -> PolicyIndex:
        """The setting's policy index, from cache while no document was re-imported."""
        fingerprint = tuple(
            session.execute(
                select(
                    func.count(PolicyDocument.id),
                    func.max(PolicyDocument.imported_at),
                    func.max(PolicyDocument.id),
                ).where(PolicyDocument.setting_id == setting_id)
            ).one()
        )
        with self._lock:
            cached = self._indexes.get(setting_id)
            if cached is None or cached[0] != fingerprint:
                cached = (fingerprint, PolicyIndex.from_session(session, setting_id))
                self._indexes[setting_id] = cached
            return cached[1]

    def policy_answerer(
        self, session: Session, setting: Setting
    ) -> Callable[[str], PolicyHit | None]:
        """A function answering a question from the setting's policies (None when not covered)."""

        def answer(question: str) -> PolicyHit | None:
            found = self.index(session, setting.id).answer(question, max_chars=QUOTE_CHARS)
            return PolicyHit(found.quote, found.document, found.section) if found else None

        return answer

    @staticmethod
    def fact_answerer(setting: Setting) -> Callable[[str], str | None]:
        """A function answering opening hours, phone, address, email and manager questions."""
        facts = SettingFacts(
            name=setting.name,
            address=setting.address,
            phone=setting.phone,
            email=setting.email,
            manager=setting.manager_name,
            opening_hours=dict(setting.opening_hours),
            closed_dates=tuple(date.fromisoformat(day) for day in setting.closed_dates),
        )
        return lambda question: answer_setting_fact(question, facts)
