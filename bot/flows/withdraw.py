"""Withdrawing consent in words ("I don't want her photo taken any more", "please withdraw my
consent for the farm trip").

The request is the one consent request that asked the sender whose words the message shares
("farm", "photo"); the children are the ones it names, else every child the request asked about.
With a request found the withdrawal is recorded as "no" per child and staff are told
(bot/recording/consents.py); without one it goes to the key person as a `consent_withdrawn`
handoff (each child's, when no child is named), and the parent is told it was passed on.
Only the sender's own children count; a child named that the request did not ask about is passed
on too.
"""

from __future__ import annotations

import re
from typing import Never

from bot.flows.basic import who_answers
from bot.flows.effects import CreateHandoff, WithdrawConsent
from bot.flows.flow import Flow
from bot.flows.turn import ConsentAsked, StepResult, Turn
from bot.types import Intent

MIN_WORD = 4  # shorter words ("the", "for", "her") name no request
STEM = 4  # "photos" and "photo", "trip" and "trips" share their first letters


def _words(text: str) -> set[str]:
    return {
        word[: STEM + 2] for word in re.findall(r"\w+", text.casefold()) if len(word) >= MIN_WORD
    }


def _shares(text: str, words: set[str]) -> int:
    """How many of the message's words the request's text shares (by their first letters)."""
    theirs = _words(text)
    return sum(1 for word in words if any(w[:STEM] == word[:STEM] for w in theirs))


def named_request(turn: Turn) -> ConsentAsked | None:
    """The one request the message names best, or None when it names none (or two equally)."""
    words = _words(turn.text)
    scored = sorted(
        ((_shares(asked.text, words), asked) for asked in turn.consent_requests()),
        key=lambda pair: -pair[0],
    )
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def withdraw(turn: Turn) -> StepResult:
    """Record the withdrawal for the request named, or pass it on to the key person."""
    asked = named_request(turn)
    named = turn.understanding.children
    if asked is None:
        return _passed_on(turn)
    child_ids = tuple(c for c in asked.child_ids if not named or c in named)
    if not child_ids:
        return _passed_on(turn)
    children = [turn.sender.child(child_id) for child_id in child_ids]
    names = ", ".join(child.name for child in children if child)
    reply = turn.reply("withdraw.recorded", name=turn.sender.first_name, child=names)
    return StepResult(
        (reply,), (WithdrawConsent(asked.broadcast_id, child_ids, turn.text, turn.now),)
    )


def _passed_on(turn: Turn) -> StepResult:
    """A general note for staff: a `consent_withdrawn` handoff to the key person of each child
    the message names (else of each of the sender's children), and the parent told so."""
    named = [turn.sender.child(child_id) for child_id in turn.understanding.children]
    children = [child for child in named if child] or list(turn.sender.children)
    who = list(dict.fromkeys(who_answers(turn, child) for child in children)) or [
        who_answers(turn, None)
    ]
    reply = turn.reply("withdraw.passed_on", name=turn.sender.first_name, who=", ".join(who))
    handoffs = tuple(CreateHandoff("consent_withdrawn", turn.text, child.id) for child in children)
    return StepResult((reply,), handoffs or (CreateHandoff("consent_withdrawn", turn.text),))


def suggest(turn: Turn) -> StepResult:
    """A suggestion or feedback: thanked, and recorded for the managers."""
    reply = turn.reply("suggestion.thanks", name=turn.sender.first_name)
    return StepResult((reply,), (CreateHandoff("suggestion", turn.text),))


FLOW: Flow[Never] = Flow(
    name="withdraw", start=withdraw, intents=frozenset({Intent.WITHDRAW_CONSENT})
)
SUGGESTION: Flow[Never] = Flow(
    name="suggestion", start=suggest, intents=frozenset({Intent.SUGGESTION})
)
