"""Offering to switch language when a guardian writes in another one we have curated text for."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.flows.effects import SetLanguage
from bot.flows.turn import StepResult, Turn
from bot.types import Choice, Reply

OFFER_PREFIX = "language:"
KEEP = "language:keep"
DECLINED = "declined_languages"
MIN_CONFIDENT_LETTERS = 12  # language detection on shorter texts is unreliable


def answer_offer(turn: Turn, context: dict[str, Any]) -> StepResult | None:
    """The parent's answer to an earlier offer (a choice), or None when this is not one."""
    choice = turn.choice_id or ""
    if not choice.startswith(OFFER_PREFIX):
        return None
    declined = list(context.get(DECLINED, []))
    if choice == KEEP:
        offered = context.get("offered_language")
        return StepResult(
            (turn.reply("language.kept"),),
            context={DECLINED: [*declined, offered] if offered else declined},
        )
    target = choice.removeprefix(OFFER_PREFIX)
    if target not in turn.catalog.languages:
        return None
    name = turn.catalog.text(f"language.name.{target}", target)
    return StepResult(
        (Reply(turn.catalog.text("language.changed", target, language=name)),),
        (SetLanguage(target),),
        context={DECLINED: declined},
    )


def with_offer(turn: Turn, result: StepResult, context: dict[str, Any]) -> StepResult:
    """Add an offer to reply in the language the parent wrote in, once per language."""
    declined = list(context.get(DECLINED, []))
    kept = replace(result, context=result.context | {DECLINED: declined})
    written = turn.understanding.language
    letters = sum(character.isalpha() for character in turn.text)
    if (
        written == turn.sender.language
        or written in declined
        or letters < MIN_CONFIDENT_LETTERS
        or written not in turn.catalog.languages
        or turn.choice_id
        or turn.choice_expired
    ):
        return kept
    name = turn.catalog.text(f"language.name.{written}", written)
    offer = Reply(
        turn.catalog.text("language.offer", written, language=name),
        (
            Choice(OFFER_PREFIX + written, turn.catalog.text("choice.yes", written)),
            Choice(KEEP, turn.catalog.text("choice.no_thanks", written)),
        ),
    )
    return replace(
        kept, replies=(*result.replies, offer), context=kept.context | {"offered_language": written}
    )
