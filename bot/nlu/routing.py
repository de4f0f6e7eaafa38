"""Route by what is asked: a question about what a flow covers is a policy question, a request
starts the flow.

"How do I complain?", "can I come in and visit?", "what if I'm late picking him up?" ask what
the setting's policies say; "I want to complain about...", "can we meet on Tuesday?", "can you
mark her absent?" ask for the flow. A message with a question phrase (bot/nlu/asking.py) that
does not ask for its scored flow is a policy question, and `touches` names the flow it is most
about, so the policy flow can offer it beside the answer.

A message asks for a flow when it holds, for that flow:
- one of its phrases in a clause that tells ("I'm worried about Leo's speech, who do I talk to?"),
- one of its strong phrases anywhere, a request even when asked ("can you call me?"), except for
  notices: a notice is told, not asked ("does she need to stay home?" asks about the rules),
- one of its patterns that is no topic ("can I speak to...", "mark her absent"),
- for a notice or a meeting, a day ("can we meet on Tuesday?"); for a collection, a time too
  ("can her dad grab her at 4"); for a notice, words that mean now in a clause that tells ("he
  won't be in"); for a collection, lateness told; for new details, the details themselves (a
  phone number, an e-mail, an address).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.nlu.asking import Clauses
from bot.nlu.intent import Evidence, phrase_kind, phrase_totals
from bot.nlu.text import Hit
from bot.types import Intent

_NOTICES = frozenset({Intent.ABSENCE, Intent.COLLECTION_CHANGE})
_DATED = _NOTICES | {Intent.BOOK_MEETING}
_ROUTED = _NOTICES | {
    Intent.BOOK_MEETING,
    Intent.UPDATE_DETAILS,
    Intent.SET_LANGUAGE,
    Intent.CONCERN,
    Intent.HELP,
}
# Flows a policy question may touch, in the order preferred when two are touched as much ("who
# should I talk to if I'm worried?" is about a worry before a meeting).
TOUCHABLE = (
    Intent.CONCERN,
    Intent.BOOK_MEETING,
    Intent.UPDATE_DETAILS,
    Intent.ABSENCE,
    Intent.COLLECTION_CHANGE,
    Intent.SET_LANGUAGE,
)
TOUCH_SCORE = 3.0  # a touched flow holds at least one strong or topic phrase


@dataclass(frozen=True, slots=True)
class Told:
    """What else in the message may ask for a flow: a day, a time, words that mean now,
    lateness, new contact details."""

    dated: bool = False
    timed: bool = False
    now: tuple[Hit, ...] = ()
    late: tuple[Hit, ...] = ()
    contact: bool = False


@dataclass(frozen=True, slots=True)
class Route:
    """The intent a message is routed to, the flow a policy question touches, and whether it
    may still answer a pending question ("could you make it friday?" after "which day?"): a
    question nothing else claimed, whose day, time or collector the reader keeps."""

    intent: Intent
    touches: Intent | None = None
    may_answer: bool = False


def route(scored: Intent, found: Evidence, parts: Clauses, told: Told, small_talk: bool) -> Route:
    """Where a message with this scored intent goes."""
    if scored is Intent.POLICY_QUESTION:
        return Route(scored, touched(found))
    if not parts.phrased_question:  # "her nan?" answers a question; "hello?" asks for help
        return Route(scored)
    if scored is Intent.OTHER and not small_talk:
        return Route(Intent.POLICY_QUESTION, touched(found), may_answer=True)
    if scored in _ROUTED and not asks_for(scored, found, parts, told):
        return Route(Intent.POLICY_QUESTION, touched(found))
    return Route(scored)


def touched(found: Evidence) -> Intent | None:
    """The flow a policy question is most about, if any holds a strong or topic phrase."""
    totals = phrase_totals(found)
    best = max(TOUCHABLE, key=lambda intent: (totals[intent], -TOUCHABLE.index(intent)))
    return best if totals[best] >= TOUCH_SCORE else None


def asks_for(intent: Intent, found: Evidence, parts: Clauses, told: Told) -> bool:
    """Whether the message asks for the flow itself rather than about it."""
    if any(not pattern.topic for pattern in found.patterns[intent]):
        return True
    for hit in found.hits[intent]:
        kind = phrase_kind(hit)
        if kind == "weak":
            continue
        if parts.said(hit) or (kind == "strong" and intent not in _NOTICES):
            return True
    if intent in _DATED and told.dated:
        return True
    if intent is Intent.COLLECTION_CHANGE and told.timed:
        return True
    if intent in _NOTICES and any(parts.said(hit) for hit in told.now):
        return True
    if intent is Intent.COLLECTION_CHANGE and any(parts.said(hit) for hit in told.late):
        return True
    return intent is Intent.UPDATE_DETAILS and told.contact
