"""`understand()`: one message in, an `Understanding` out. Pure, offline, no side effects.

The no-date rule: an absence or collection change without a date gets today only when the
wording itself means now ("won't be in", "is off", "off sick", "staying home", "running late",
"20 mins late", "on my way"); otherwise dates stay None and the flow asks. So "can u mark isla
absent pls chicken pox" has no date, while "Izzy won't be in" is today.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from bot.nlu import asking, children, dates, details, lexicon, people, safeguarding, slots
from bot.nlu.intent import Signals, find_evidence, hits_for, only_small_talk, score
from bot.nlu.language import SUPPORTED_LANGUAGES, detect_language
from bot.nlu.lexicon import active_languages
from bot.nlu.personal import personal_fact
from bot.nlu.routing import Route, Told, route
from bot.nlu.text import Text
from bot.types import ChildRef, DateRange, Intent, Understanding

MAX_CHARS = 1000  # longer messages are understood from their start
_TAGS = re.compile(r"<[^>]{0,200}>")
_CHILD_INTENTS = frozenset({Intent.ABSENCE, Intent.COLLECTION_CHANGE, Intent.CONCERN})
_DATED_INTENTS = frozenset({Intent.ABSENCE, Intent.COLLECTION_CHANGE, Intent.BOOK_MEETING})
_NAMED_INTENTS = frozenset({Intent.ABSENCE, Intent.COLLECTION_CHANGE})
# another family's child named: refused
_ASKS_FOR_CHILD = frozenset({Intent.BOOK_MEETING, Intent.WITHDRAW_CONSENT})
# what a message about a booked meeting may otherwise read as ("when is my meeting?" asks)
_MEETING_ROUTES = frozenset(
    {Intent.BOOK_MEETING, Intent.POLICY_QUESTION, Intent.OTHER, Intent.HELP, Intent.CONCERN}
)
_NOTICE_INTENTS = _NAMED_INTENTS  # "today" is implied only for notices (an OTHER message may be
# answering "which day?": its dates are read, but never assumed)


@dataclass(frozen=True)
class NluContext:
    """What the understanding step may know besides the text."""

    children: tuple[ChildRef, ...]  # only the sender's own children (empty for staff/unknown)
    now: datetime  # aware
    timezone: str  # IANA, e.g. "Europe/London"
    preferred_language: str | None = None
    closed_dates: frozenset[date] = frozenset()
    open_weekdays: frozenset[int] = field(default_factory=lambda: frozenset({0, 1, 2, 3, 4}))


_WARM_CONTEXT = NluContext(children=(), now=datetime(2026, 1, 5, tzinfo=UTC), timezone="UTC")


def clean(text: str) -> str:
    """Drop HTML tags and control characters; keep at most MAX_CHARS characters."""
    text = _TAGS.sub(" ", text[: MAX_CHARS * 2])
    kept = (" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") else ch for ch in text)
    return re.sub(r"\s+", " ", "".join(kept)).strip()[:MAX_CHARS]


def understand(text: str, context: NluContext) -> Understanding:
    """Intent and slots of one message from one of `context.children`'s guardians."""
    cleaned = clean(text)
    language = detect_language(cleaned, context.preferred_language)
    if not any(ch.isalpha() for ch in cleaned):
        return Understanding(intent=Intent.OTHER, confidence=0.1, language=language)
    prepared = Text.of(cleaned)
    return _Reader(prepared, active_languages(language), language, context).read()


def meeting_action(text: Text, languages: tuple[str, ...]) -> str | None:
    """ "when", "move" or "cancel" when the message names a meeting and that action on it
    (`[meeting_action]`: its `meeting` words and the action words, in the active languages)."""
    labels = [hit.label for hit in lexicon.matcher("meeting_action", languages).find(text)]
    if "meeting" not in labels:
        return None
    return next((label for label in labels if label in ("cancel", "move", "when")), None)


def suggests_harm(text: str) -> bool:
    """Whether a parent's words disclose or suggest harm, neglect or fear (`understand` flags the
    same as `Understanding.safeguarding`)."""
    return safeguarding.discloses(Text.of(clean(text)))


class _Reader:
    """Runs every extractor once over a prepared message and assembles the result."""

    def __init__(self, text: Text, languages: tuple[str, ...], language: str, context: NluContext):
        self.text, self.languages, self.language, self.context = text, languages, language, context
        self.hits = {
            section: hits_for(section, text, languages)
            for section in (
                "symptoms",
                "reasons",
                "relationships",
                "language_names",
                "late",
                "time",
                "all_children",
                "now_cues",
                "amend",
            )
        }
        self.parts = asking.clauses(text, languages)

    def read(self) -> Understanding:
        phone, email, address = slots.extract_contacts(self.text)
        routed, confidence, asked = self._intent(self._signals(bool(phone or email or address)))
        action = meeting_action(self.text, self.languages)
        if action and routed.intent in _MEETING_ROUTES:  # about a booked meeting: the meeting flow
            routed = Route(Intent.BOOK_MEETING)
        intent = routed.intent
        kids, all_children, unmatched, collector, unsure = self._children(intent)
        fact, kids = self._personal(intent, kids, unmatched)
        found_dates = self._dates(Intent.OTHER if routed.may_answer else intent)
        when = found_dates.dates
        if unsure or found_dates.ambiguous:
            confidence = round(confidence * 0.7, 3)
        reason, symptoms = slots.extract_reason(self.hits["reasons"], self.hits["symptoms"])
        collecting = intent is Intent.COLLECTION_CHANGE
        answering = intent is Intent.OTHER or routed.may_answer  # "who will be collecting?"
        if answering and collector is None:
            collector = people.answer_name(self.text, unmatched)
        amend = {hit.label for hit in self.hits["amend"]}
        return Understanding(
            intent=intent,
            confidence=confidence,
            language=self.language,
            children=kids,
            all_children=all_children,
            unmatched_names=unmatched if intent in _NAMED_INTENTS | _ASKS_FOR_CHILD or fact else (),
            dates=when,
            time=slots.extract_time(self.text, self.languages, self.hits["time"])
            if intent in _DATED_INTENTS or answering
            else None,
            minutes_late=slots.extract_lateness(self.text, self.languages, self.hits["late"])
            if collecting
            else None,
            reason=reason if intent is Intent.ABSENCE else None,
            symptoms=symptoms if intent is Intent.ABSENCE else (),
            collector_name=collector if collecting or answering else None,
            collector_relationship=slots.extract_relationship(self.hits["relationships"])
            if collecting or answering
            else None,
            new_phone=phone if intent is Intent.UPDATE_DETAILS else None,
            new_email=email if intent is Intent.UPDATE_DETAILS else None,
            new_address=address if intent is Intent.UPDATE_DETAILS else None,
            target_language=slots.extract_target_language(
                self.hits["language_names"], self.language
            )
            if intent is Intent.SET_LANGUAGE
            else None,
            small_talk=intent is Intent.OTHER and self._small_talk,
            safeguarding=safeguarding.discloses(self.text),
            others_details=intent is Intent.POLICY_QUESTION and asked == details.OTHERS,
            cancels="cancel" in amend,
            corrects=("correct" in amend or found_dates.corrected) and "also" not in amend,
            touches=routed.touches,
            personal_fact=fact,
            meeting_action=action if intent is Intent.BOOK_MEETING else None,
        )

    def _signals(self, contact: bool) -> Signals:
        """What other extractors found that also speaks for an intent."""
        return Signals(
            symptoms=len({h.label for h in self.hits["symptoms"]}),
            contact=contact,
            language_named=bool(self.hits["language_names"]),
            late=slots.extract_lateness(self.text, self.languages, self.hits["late"]) is not None,
        )

    def _intent(self, signals: Signals) -> tuple[Route, float, str | None]:
        """The intent routed by what is asked (bot/nlu/routing.py), its confidence, and whose
        contact details are asked for (such a question is a question, never an update of the
        sender's own details)."""
        found = find_evidence(self.text, self.languages)
        scored = score(found, self.text, signals)
        asked = details.whose_details_asked(self.text, self.languages)
        if asked and scored.intent not in _NOTICE_INTENTS:
            return Route(Intent.POLICY_QUESTION), scored.confidence, asked
        told = Told(
            dated=self._extracted_dates.dates is not None or self._extracted_dates.ambiguous,
            timed=slots.extract_time(self.text, self.languages, self.hits["time"]) is not None,
            now=tuple(self.hits["now_cues"]),
            late=tuple(hit for hit in self.hits["late"] if hit.label == "late"),
            contact=signals.contact,
        )
        return (
            route(scored.intent, found, self.parts, told, self._small_talk),
            scored.confidence,
            asked,
        )

    @cached_property
    def _small_talk(self) -> bool:
        return only_small_talk(self.text, self.languages)

    @cached_property
    def _extracted_dates(self) -> dates.DateResult:
        zone = ZoneInfo(self.context.timezone)
        return dates.extract(
            self.text,
            self.context.now.astimezone(zone),
            self.languages,
            self.context.open_weekdays,
            self.context.closed_dates,
        )

    def _personal(
        self, intent: Intent, kids: tuple[int, ...], unmatched: tuple[str, ...]
    ) -> tuple[str | None, tuple[int, ...]]:
        """The personal fact a policy question asks about one of the sender's children, and
        the children it is about (the only one, when none is named: "who is my son's key
        person?")."""
        if intent is not Intent.POLICY_QUESTION:
            return None, kids
        fact = personal_fact(self.text, self.languages, self.parts, bool(kids or unmatched))
        if fact and not kids and not unmatched and len(self.context.children) == 1:
            return fact, (self.context.children[0].id,)
        return fact, kids

    def _children(
        self, intent: Intent
    ) -> tuple[tuple[int, ...], bool, tuple[str, ...], str | None, bool]:
        """(ids, all_children, unmatched names, collector name, unsure)."""
        own = self.context.children
        match = children.resolve(self.text, own)
        collect_hits = [
            h
            for h in hits_for("intent", self.text, self.languages)
            if h.label.startswith("collection_change")
        ]
        names = people.find(
            self.text, self.languages, match.spans, self.hits["relationships"], collect_hits
        )
        if match.ids:
            return tuple(match.ids), False, names.unmatched, names.collector, match.ambiguous
        if match.ambiguous or names.unmatched:
            return (), False, names.unmatched, names.collector, match.ambiguous
        groups = {hit.label for hit in self.hits["all_children"]}
        if "one" in groups and len(own) > 1:  # "one of the kids": the flow asks which
            return (), False, (), names.collector, False
        if "all" in groups and own:
            return tuple(c.id for c in own), True, (), names.collector, False
        if len(own) == 1 and intent in _CHILD_INTENTS:
            return (own[0].id,), False, (), names.collector, False
        return (), False, (), names.collector, False

    def _dates(self, intent: Intent) -> dates.DateResult:
        if intent not in _DATED_INTENTS and intent is not Intent.OTHER:
            return dates.DateResult(None)
        found = self._extracted_dates
        if found.dates or found.ambiguous:
            return found
        if intent in _NOTICE_INTENTS and self._means_now():
            today = self.context.now.astimezone(ZoneInfo(self.context.timezone)).date()
            return dates.DateResult(DateRange(today, today))
        return found

    def _means_now(self) -> bool:
        return bool(self.hits["now_cues"]) or bool(
            slots.extract_lateness(self.text, self.languages, self.hits["late"])
        )


def warm_up() -> None:
    """Load every lexicon, compile every matcher and build the language detector now.

    The first message otherwise pays this (about a second in all); call it at start-up.
    """
    lexicon.common_words()
    children.name_table()
    safeguarding.matcher()
    for language in SUPPORTED_LANGUAGES:
        _Reader(Text.of("warm up 1"), active_languages(language), language, _WARM_CONTEXT).read()
    detect_language("warming up the language detector")
