"""The language flow: a guardian asks to be written to in another language, or is offered it.

When a guardian writes in a language we have curated text for, other than the one they prefer,
the reply offers to switch (a post-step after every guardian turn, `with_offer`), once per
language: the languages declined are the flow's data, kept across turns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.flows.effects import SetLanguage
from bot.flows.flow import Flow
from bot.flows.turn import StepResult, Turn
from bot.types import Choice, Intent, Reply

OFFER_PREFIX = "language:"
KEEP = "language:keep"
LANGUAGE_NAMES_KEY = "language.name."
MIN_CONFIDENT_LETTERS = 12  # language detection on shorter texts is unreliable


@dataclass(frozen=True)
class LanguageData:
    """The languages the guardian said "No thanks" to, and the one the last reply offered."""

    declined: tuple[str, ...] = ()
    offered: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the conversation context."""
        return {"declined": list(self.declined), "offered": self.offered}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LanguageData:
        """Read back what `to_json` wrote."""
        return cls(tuple(data.get("declined", ())), data.get("offered"))


def set_language(turn: Turn) -> StepResult:
    """Switch the guardian's preferred language, answering in the new one."""
    target = turn.understanding.target_language
    if not target or target not in turn.catalog.languages:
        return StepResult((turn.reply("language.unsupported"),))
    return _changed(turn, target)


def answer_offer(turn: Turn, data: LanguageData | None) -> StepResult | None:
    """The parent's answer to an offer the last reply made (a choice); None for another
    `language:` choice."""
    known = data or LanguageData()
    choice = turn.choice_id or ""
    if choice == KEEP:
        offered = (known.offered,) if known.offered else ()
        return StepResult(
            (turn.reply("language.kept"),), data=(LanguageData((*known.declined, *offered)),)
        )
    target = choice.removeprefix(OFFER_PREFIX)
    if target not in turn.catalog.languages:
        return None
    return replace(_changed(turn, target), data=(LanguageData(known.declined),))


def with_offer(turn: Turn, result: StepResult, data: LanguageData) -> StepResult:
    """Add an offer to reply in the language the parent wrote in, once per language (the
    language data the step wrote, if any, else `data`, is carried on)."""
    written = next((item for item in result.data if isinstance(item, LanguageData)), data)
    others = tuple(item for item in result.data if not isinstance(item, LanguageData))
    kept = replace(result, data=(*others, LanguageData(written.declined)))
    language = turn.understanding.language
    letters = sum(character.isalpha() for character in turn.text)
    if (
        language == turn.sender.language
        or language in written.declined
        or letters < MIN_CONFIDENT_LETTERS
        or language not in turn.catalog.languages
        or turn.choice_id
        or turn.choice_expired
    ):
        return kept
    name = turn.catalog.text(LANGUAGE_NAMES_KEY + language, language)
    offer = Reply(
        turn.catalog.text("language.offer", language, language=name),
        (
            Choice(OFFER_PREFIX + language, turn.catalog.text("choice.yes", language)),
            Choice(KEEP, turn.catalog.text("choice.no_thanks", language)),
        ),
    )
    offering = (*others, LanguageData(written.declined, language))
    return replace(result, replies=(*result.replies, offer), data=offering)


def _changed(turn: Turn, target: str) -> StepResult:
    """The switch to `target`, confirmed in that language."""
    name = turn.catalog.text(LANGUAGE_NAMES_KEY + target, target)
    confirmation = turn.catalog.text("language.changed", target, language=name)
    return StepResult((Reply(confirmation),), (SetLanguage(target),))


FLOW = Flow(
    name="language",
    start=set_language,
    intents=frozenset({Intent.SET_LANGUAGE}),
    data=LanguageData,
    choices=(OFFER_PREFIX,),
    on_choice=answer_offer,
)
