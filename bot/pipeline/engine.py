"""The message pipeline: log once, identify, language, understand, flow step, effects + outbox.

Each message is handled in one transaction under a per-conversation lock, so any number of web
workers can serve the same parent. The inbound log is committed first, so nothing received is lost.
A message's turn runs at once (`receive`), or, when turns are queued, in the turns process
(`handle_received`), which also picks up any message whose turn never ran.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cached_property, partial
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import (
    ChannelIdentity,
    Conversation,
    HandoffItem,
    InboundLog,
    Setting,
    Staff,
)
from bot.db.session import transaction
from bot.flows import meeting, refs
from bot.flows.registry import FLOWS, OFFERED, Registry
from bot.flows.turn import SenderView, Turn
from bot.i18n.catalog import ENGLISH, Catalog
from bot.i18n.names import parent_catalog, setting_names
from bot.i18n.names import staff_catalog as default_staff_catalog
from bot.i18n.services import EnglishAhead, Translation, TurnLanguages
from bot.i18n.translator import Translator
from bot.meetings.store import lookups as meeting_lookups
from bot.metrics import turn_observed
from bot.nlu import detect_language, warm_up
from bot.outbound.originals import original_text
from bot.outbound.outbox import EVERY_CHANNEL, Reach, enqueue
from bot.pipeline import views
from bot.pipeline.choices import read_choice
from bot.pipeline.conversation import lock_conversation, save_conversation
from bot.pipeline.identity import guardian_for, identify
from bot.pipeline.inbound import by_conversation, claim, log_once, mark_handled, waiting
from bot.pipeline.keeper import InboundKeeper
from bot.pipeline.outcome import TurnResult
from bot.pipeline.understanding import understand_message
from bot.policies.knowledge import Knowledge
from bot.recording import EffectContext, apply_effects
from bot.recording.broadcasts import broadcast_sent_to
from bot.recording.consents import consent_asked, consent_requests
from bot.recording.notices import own_notice
from bot.staff.commands import Command
from bot.staff.handler import StaffRequest
from bot.staff.handler import handle as handle_staff_command
from bot.staff.request import Answering, StaffSaid
from bot.types import InboundMessage, Intent, Reply, SenderKind, Understanding

log = logging.getLogger(__name__)
TURN_THREADS = 16  # webhooks' turns at once in one process (inline turns)


def system_clock() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


class Engine:
    """Handles inbound messages for one setting; synchronous, safe to call from many threads."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        setting_id: int,
        *,
        clock: Callable[[], datetime] = system_clock,
        catalog: Catalog | None = None,
        staff_catalog: Catalog | None = None,
        translator: Translator | None = None,
        queue_turns: bool = False,
        reach: Reach = EVERY_CHANNEL,
        flows: Registry = FLOWS,
    ) -> None:
        """`reach`: the channels that can carry messages now (the wiring's configured ones);
        `flows`: the table of conversation flows."""
        self.sessions = sessions
        self.flows = flows
        self.reach = reach
        self.queue_turns = queue_turns  # webhooks only keep messages; the turns process answers
        self.setting_id = setting_id
        self.clock = clock
        self.catalog = catalog or parent_catalog()
        self.staff_catalog = staff_catalog or default_staff_catalog()
        self.knowledge = Knowledge()
        self.translation = Translation(translator) if translator else Translation.from_env()

    def receive(self, inbound: InboundMessage) -> TurnResult | None:
        """Handle one message once, now; None when this provider message id was seen before."""
        inbound_id = self._log_once(inbound)
        if inbound_id is None:
            return None
        return self._handle(inbound, inbound_id, self.clock())

    def submit(self, inbound: InboundMessage) -> Future[bool]:
        """A webhook's message, taken in the background: kept, then answered by a turn thread
        here or, when turns are queued, by the turns process. The future says True once the
        message is kept (and answered, unless queued), False when this provider message id was
        seen before."""
        if self.queue_turns:
            return self._keeper.keep(inbound)
        return self._turn_threads.submit(lambda: self.receive(inbound) is not None)

    @cached_property
    def _keeper(self) -> InboundKeeper:
        return InboundKeeper(self.sessions)

    @cached_property
    def _turn_threads(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=TURN_THREADS, thread_name_prefix="turn")

    def handle_received(self, limit: int = 100, spread: bool = False) -> int:
        """Turns for kept messages not yet handled, each conversation's in order; how many this
        call answered. A conversation another turns process holds is left for the next call;
        `spread`: start at a random conversation (several turns processes, bot/pipeline/turns)."""
        with transaction(self.sessions) as session:
            kept = waiting(session, limit)
        answered = 0
        for group in by_conversation(kept, spread):
            for inbound_id, inbound in group:
                if self._handle(inbound, inbound_id, self._clock_at(inbound), True) is None:
                    break  # its conversation is another's now, or an older message waits
                answered += 1
        return answered

    def _handle(
        self, inbound: InboundMessage, inbound_id: int, at: datetime, queued: bool = False
    ) -> TurnResult | None:
        """The message's turn, as at `at`; None when it was not taken (see inbound.claim)."""
        try:
            ahead = self._english_ahead(inbound)
            with transaction(self.sessions) as session:
                if not claim(session, inbound_id, inbound, queued):
                    return None
                with turn_observed(inbound_id):
                    return self._turn(session, inbound, inbound_id, ahead, at)
        except Exception as error:  # the message is kept; staff see it; the parent hears back
            log.exception("turn failed for inbound %s", inbound_id)
            return self._failed(inbound, inbound_id, error)

    def _clock_at(self, inbound: InboundMessage) -> datetime:
        """The engine's clock when the message arrived (adapters stamp it), for a kept message:
        its turn reads "today" as the day the parent wrote, however long it waited."""
        waited = max(timedelta(0), system_clock() - inbound.received_at)
        return self.clock() - waited

    def warm(self) -> None:
        """Load language resources and start the policy index build, before the first message."""
        warm_up()
        self.knowledge.warm(self.sessions, self.setting_id)

    def forget_pending(self, channel: str, external_id: str) -> None:
        """Drop a sender's pending conversation state (simulate's `fresh`)."""
        with transaction(self.sessions) as session:
            identity_ids = select(ChannelIdentity.id).where(
                ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
            )
            session.execute(delete(Conversation).where(Conversation.identity_id.in_(identity_ids)))

    def _log_once(self, inbound: InboundMessage) -> int | None:
        with transaction(self.sessions) as session:
            return log_once(session, inbound)

    def _english_ahead(self, inbound: InboundMessage) -> EnglishAhead:
        """A guardian's non-English words in English, made before the turn takes the database
        (see Translation.english_ahead); staff commands and unknown senders are not translated."""
        if not self.translation.available:
            return {}
        with transaction(self.sessions) as session:  # one short read, before the provider call
            guardian = guardian_for(session, self.setting_id, inbound.channel, inbound.sender_id)
            if guardian is None:
                return {}
            language = detect_language(inbound.text, guardian.language)
            if language == ENGLISH:
                return {}
            names = frozenset(setting_names(session, self.setting_id))
        return self.translation.english_ahead(inbound.text, language, names)

    def _turn(
        self,
        session: Session,
        inbound: InboundMessage,
        inbound_id: int,
        ahead: EnglishAhead,
        clock_now: datetime,
    ) -> TurnResult:
        setting = session.get_one(Setting, self.setting_id)
        now = clock_now.astimezone(ZoneInfo(setting.timezone))
        who = identify(session, self.setting_id, inbound.channel, inbound.sender_id, now)
        conversation = lock_conversation(session, who.identity_id)
        if who.staff is not None:
            chat = Answering.of(
                conversation.id, conversation.state, conversation.context,
                conversation.updated_at, now,
            )  # fmt: skip
            return self._staff_turn(session, inbound, (inbound_id, chat), setting, who.staff, now)
        state, context = self.flows.current(
            conversation.state, conversation.context, conversation.updated_at, now, setting.options
        )
        languages = self.translation.for_turn(session, self.setting_id, ahead)
        offered = context.get(OFFERED, [])
        turn = self._make_turn(session, inbound, setting, who.sender, offered, now, languages)
        result = self.flows.step(turn, state, context)
        written_in = turn.understanding.language
        effects = EffectContext(
            session,
            self.setting_id,
            who.sender.guardian_id,
            self.staff_catalog,
            quote=languages.staff_quote(written_in),
            english=lambda text: languages.english(text, written_in),
            inbound_id=inbound_id,
            reach=self.reach,
        )
        apply_effects(effects, result.effects)
        result = refs.fill(result, tuple(effects.written))
        result = meeting.after_apply(turn, result, tuple(effects.booked), effects.taken)
        if effects.replies:  # an effect's own answer (a poll's read-back): sent and offered
            result = replace(result, replies=(*result.replies, *effects.replies))
            effects.replies.clear()
        save_conversation(session, conversation.id, *self.flows.settle(context, result), now)
        _answer(session, inbound, inbound_id, result.replies, guardian_id=who.sender.guardian_id)
        mark_handled(session, inbound_id, turn.understanding, self.clock())
        intent = (result.intent or turn.understanding.intent).value
        return effects.turn_result(inbound_id, intent, turn.language, result.replies)

    def _make_turn(
        self,
        session: Session,
        inbound: InboundMessage,
        setting: Setting,
        sender: SenderView,
        offered: list[str],
        now: datetime,
        languages: TurnLanguages,
    ) -> Turn:
        """The Turn a flow step reads: the choice answered (checked against those `offered`),
        the understanding, the reply language and the look-ups a step may make."""
        choice = read_choice(
            session,
            sender.guardian_id,
            inbound.choice_id,
            inbound.text,
            offered,
            self.flows.checks_choice,
        )
        setting_view = views.setting_view(setting)
        tapped = bool(choice.choice_id) or choice.expired
        found = understand_message(inbound.text, tapped, sender, setting_view, now, languages)
        language = self._reply_language(sender, found)
        guardian_id = sender.guardian_id or 0  # unknown senders never reach a flow's lookups
        return Turn(
            text=inbound.text,
            choice_id=choice.choice_id,
            now=now,
            language=language,
            understanding=found,
            sender=sender,
            setting=setting_view,
            catalog=self.catalog,
            consult_policy=self.knowledge.policy_consultant(
                session, setting, languages.to_english(found.language)
            ),
            quote_policy=self.knowledge.policy_quoter(session, setting),
            answer_fact=self.knowledge.fact_answerer(setting),
            translate_to_parent=languages.to_parent(language),
            own_notice=lambda refs: own_notice(session, guardian_id, refs),
            original=lambda choice_id: original_text(session, guardian_id, choice_id),
            broadcast_sent=lambda broadcast_id: broadcast_sent_to(
                session, guardian_id, broadcast_id
            ),
            consent_asked=partial(consent_asked, session, guardian_id),
            consent_requests=partial(consent_requests, session, guardian_id),
            choice_expired=choice.expired,
            meetings=meeting_lookups(session, setting, guardian_id, now),
        )

    def _staff_turn(
        self,
        session: Session,
        inbound: InboundMessage,
        received: tuple[int, Answering],
        setting: Setting,
        staff: Staff,
        now: datetime,
    ) -> TurnResult:
        """Staff commands (register, arrived, ack, reply, broadcast, help, and the buttons on
        staff alerts): never parent flows. `received`: the inbound id and the chat it came by."""
        inbound_id, chat = received
        said = StaffSaid(inbound.text, inbound.choice_id, chat)
        replies = self.staff_command(session, setting, staff, said, now, inbound_id)
        result = replies.turn_result(inbound_id, Intent.OTHER.value, "en", ())
        _answer(session, inbound, inbound_id, result.replies, staff_id=staff.id)
        mark_handled(session, inbound_id, Understanding(Intent.OTHER, 1.0, "en"), self.clock())
        return result

    def staff_command(
        self,
        session: Session,
        setting: Setting,
        staff: Staff,
        said: StaffSaid | Command,
        now: datetime,
        inbound_id: int | None = None,
    ) -> EffectContext:
        """One staff command decided and applied in the caller's transaction, whether it came
        by chat (what was said) or from the dashboard (a typed command); what it changed (its
        replies among them)."""
        languages = self.translation.for_turn(session, self.setting_id)
        heard = said if isinstance(said, StaffSaid) else StaffSaid(command=said)
        request = StaffRequest(
            session,
            setting,
            staff,
            heard.text,
            now,
            self.catalog,
            self.staff_catalog,
            languages,
            self.reach,
            heard.command,
            heard.choice_id,
            heard.chat,
        )
        step = handle_staff_command(request)
        effects = EffectContext(
            session,
            self.setting_id,
            None,
            self.staff_catalog,
            inbound_id=inbound_id,
            reach=self.reach,
            staff_id=staff.id,
            catalog=self.catalog,
            translator=languages.translator,
        )
        effects.replies.extend(step.replies)  # the command's own replies come first
        apply_effects(effects, step.effects)
        return effects

    def _reply_language(self, sender: SenderView, found: Understanding) -> str:
        preferred = found.language if sender.kind is SenderKind.UNKNOWN else sender.language
        return preferred if preferred in self.catalog.languages else "en"

    def _failed(
        self, inbound: InboundMessage, inbound_id: int, error: Exception
    ) -> TurnResult | None:
        sorry = Reply(self.catalog.text("error.sorry", "en"))
        with transaction(self.sessions) as session:
            row = session.get_one(InboundLog, inbound_id, with_for_update=True)
            if row.status != "received":  # another turns process answered it meanwhile
                return None
            row.status, row.error = "failed", f"{type(error).__name__}: {error}"
            session.add(
                HandoffItem(
                    setting_id=self.setting_id,
                    kind="failed_message",
                    text=inbound.text,
                    status="open",
                )
            )
            enqueue(session, inbound.channel, inbound.sender_id, sorry, inbound_id=inbound_id)
        return TurnResult(inbound_id, Intent.OTHER.value, "en", [sorry], handoff=True)


def _answer(
    session: Session,
    inbound: InboundMessage,
    inbound_id: int,
    replies: Iterable[Reply],
    *,
    guardian_id: int | None = None,
    staff_id: int | None = None,
) -> None:
    """Queue the turn's replies to the sender, on the channel they wrote from."""
    for reply in replies:
        enqueue(
            session,
            inbound.channel,
            inbound.sender_id,
            reply,
            guardian_id=guardian_id,
            staff_id=staff_id,
            inbound_id=inbound_id,
        )
