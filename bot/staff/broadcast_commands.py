"""Parsing the broadcast commands staff type: pure, no database, no clock.

`broadcast [to ROOM[, ROOM]] [at WHEN] [urgent]: TEXT` and `remind [to ROOM] WHEN: TEXT` (WHEN
as bot.staff.when reads it, "every Friday 15:00" repeating); the text follows the first colon
that is not inside a time ("Fri 9:00: ..."). Without a colon everything after the verb (and an
"urgent") is the text, to every family, at once. Then `broadcast:send` / `broadcast:cancel` (the
preview's choices, or typed), `scheduled`, `cancel B12`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COLON = re.compile(r"(?<!\d):|:(?!\d)")
_ROOMS = re.compile(r"\s*(?:,|&|\band\b|\+)\s*", re.IGNORECASE)
_CANCEL_ID = re.compile(r"^b?\s*(\d+)$", re.IGNORECASE)
_WHEN_STARTS = frozenset(
    [
        "at",
        "on",
        "by",
        "today",
        "tonight",
        "tomorrow",
        "every",
        "next",
        "this",
        "noon",
        "midday",
        "monday",
        "mon",
        "tuesday",
        "tue",
        "tues",
        "wednesday",
        "wed",
        "weds",
        "thursday",
        "thu",
        "thur",
        "thurs",
        "friday",
        "fri",
        "saturday",
        "sat",
        "sunday",
        "sun",
    ]
)
_VERBS = {
    "broadcast": "broadcast",
    "remind": "reminder",
    "reminder": "reminder",
    "consent": "consent",
    "questionnaire": "questionnaire",
}
MAX_OPTIONS = 10  # a questionnaire's options, as a Telegram poll allows
_BY = re.compile(r"\s+by\s+(?=\S)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Compose:
    """A broadcast or reminder to preview: to these rooms (none: every family), at WHEN (words,
    empty: at once; read against the clock by bot.staff.when), urgent or not."""

    text: str
    rooms: tuple[str, ...] = ()
    when: str = ""
    urgent: bool = False
    kind: str = "broadcast"  # or "reminder", "consent"
    deadline: str = ""  # a consent request's "by WHEN", in words
    options: tuple[str, ...] = ()  # a questionnaire's options, in order


@dataclass(frozen=True, slots=True)
class ComposeProblem:
    """A broadcast command that cannot be read; `problem` says what to write instead."""

    problem: str


@dataclass(frozen=True, slots=True)
class SendDraft:
    """Send (or schedule) the broadcast this member of staff last previewed."""


@dataclass(frozen=True, slots=True)
class DropDraft:
    """Drop the broadcast this member of staff last previewed: nothing goes."""


@dataclass(frozen=True, slots=True)
class ListScheduled:
    """The setting's scheduled broadcasts and reminders."""


@dataclass(frozen=True, slots=True)
class ConsentAnswers:
    """The answers so far to consent request B<id>: yes, no, no answer."""

    broadcast_id: int


@dataclass(frozen=True, slots=True)
class QuestionnaireResults:
    """The answers so far to questionnaire B<id>: counts per option, who has not answered."""

    broadcast_id: int


@dataclass(frozen=True, slots=True)
class CancelScheduled:
    """Cancel scheduled broadcast or reminder B<id>."""

    broadcast_id: int


BroadcastCommand = (
    Compose
    | ComposeProblem
    | SendDraft
    | DropDraft
    | ListScheduled
    | CancelScheduled
    | ConsentAnswers
    | QuestionnaireResults
)


def parse_broadcast(text: str) -> BroadcastCommand | None:
    """The broadcast command `text` is, or None when it is none of them."""
    words = text.strip().rstrip(".!").split()
    folded = [word.casefold() for word in words]
    if folded in (["broadcast:send"], ["send"]):
        return SendDraft()
    if folded in (["broadcast:cancel"], ["cancel"]):
        return DropDraft()
    if folded == ["scheduled"]:
        return ListScheduled()
    if len(folded) == 2 and folded[0] in ("cancel", "consent", "questionnaire"):
        match = _CANCEL_ID.match(folded[1])
        if match and folded[0] == "consent":
            return ConsentAnswers(int(match.group(1)))
        if match and folded[0] == "questionnaire":
            return QuestionnaireResults(int(match.group(1)))
        return CancelScheduled(int(match.group(1))) if match else None
    verb, colon, rest = text.strip().partition(" ")[0].partition(":")
    if verb.casefold() not in _VERBS:
        return None
    rest = colon + text.strip()[len(verb) + len(colon) :]  # "broadcast: ..." keeps its colon
    return compose(rest.strip(), _VERBS[verb.casefold()])


def compose(rest: str, kind: str = "broadcast") -> Compose | ComposeProblem:
    """The words after "broadcast" (or "remind"): rooms, time, urgency and the text."""
    colon = _COLON.search(rest)
    if colon is None:
        head, body = "", rest
        first, _, after = rest.partition(" ")
        if first.casefold() == "urgent":
            head, body = "urgent", after
    else:
        head, body = rest[: colon.start()], rest[colon.end() :]
    body = body.strip()
    if not body:
        return ComposeProblem(
            "Please put the message after a colon, e.g. "
            '"broadcast to Oaks tomorrow at 8am: Please bring wellies".'
        )
    rooms, when, urgent = _head(head.split())
    if kind == "reminder" and not when:
        return ComposeProblem(
            'When should it go? e.g. "remind every Friday 15:00: Library books back" or '
            '"remind 1 Dec 08:00: Christmas jumper day".'
        )
    if rooms == ():
        return ComposeProblem('Which room? e.g. "broadcast to Oaks: ..."')
    if kind == "consent":
        return _consent(body, rooms or (), when)
    if kind == "questionnaire":
        return _questionnaire(body, rooms or (), when)
    return Compose(body, rooms or (), when, urgent, kind)


def _consent(body: str, rooms: tuple[str, ...], when: str) -> Compose | ComposeProblem:
    """ "consent [to ROOM]: TEXT by WHEN": the answers are due by the last "by"."""
    found = list(_BY.finditer(body))
    if not found:
        return ComposeProblem(
            'By when? e.g. "consent to Oaks: Farm trip on Friday 4 Dec by Thu 12:00".'
        )
    last = found[-1]
    return Compose(body[: last.start()].strip(), rooms, when, False, "consent", body[last.end() :])


def _questionnaire(body: str, rooms: tuple[str, ...], when: str) -> Compose | ComposeProblem:
    """ "questionnaire [to ROOM]: QUESTION | OPTION | OPTION ...": 1 to 10 options."""
    question, *options = [part.strip() for part in body.split("|")]
    options = [option for option in options if option]
    example = '"questionnaire to Oaks: Which day suits the sports day? | Mon | Tue | Wed"'
    if not question or not options:
        return ComposeProblem(f"Please give the question and its options after |, e.g. {example}.")
    if len(options) > MAX_OPTIONS:
        return ComposeProblem(
            f"A questionnaire has at most {MAX_OPTIONS} options ({len(options)} given)."
        )
    return Compose(question, rooms, when, False, "questionnaire", options=tuple(options))


def _head(words: list[str]) -> tuple[tuple[str, ...] | None, str, bool]:
    """(rooms, when, urgent) from the words before the colon: the words before the time name
    rooms ("to" optional); rooms None when not given, () when "to" named none."""
    urgent = any(word.casefold() == "urgent" for word in words)
    words = [word for word in words if word.casefold() != "urgent"]
    rooms: tuple[str, ...] | None = None
    start = 1 if words and words[0].casefold() == "to" else 0
    taken = start
    while taken < len(words) and not _starts_when(words[taken]):
        taken += 1
    if taken > 0:  # "to Oaks, Saplings", or plainly "Oaks" before the colon
        named = " ".join(words[start:taken])
        rooms = tuple(room for room in _ROOMS.split(named) if room)
        words = words[taken:]
    return rooms, " ".join(words), urgent


def _starts_when(word: str) -> bool:
    """Whether a word begins the time ("at", "tomorrow", "Fri", "24", "8am")."""
    cleaned = word.casefold().strip(",.")
    return cleaned in _WHEN_STARTS or cleaned[:1].isdigit()
