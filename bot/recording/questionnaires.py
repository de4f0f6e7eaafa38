"""Questionnaires' effects: the poll made with the draft, the options offered to each family,
the families asked recorded when it goes, and their answers (one per family, the latest
stands) kept by the poll code the parents' evening uses (bot/recording/polls.py)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from bot.db.models import (
    QUESTIONNAIRE,
    Broadcast,
    Poll,
    PollOption,
    PollRecipient,
)
from bot.db.session import insert_unless_present
from bot.flows.effects import AnswerQuestionnaire
from bot.flows.flow import EXPIRED_KEY
from bot.flows.questionnaire import PREFIX
from bot.recording.context import EffectContext
from bot.recording.polls import replace_answers
from bot.types import Choice, Reply


def make_poll(
    context: EffectContext,
    row: Broadcast,
    options: tuple[str, ...],
    labels: dict[str, tuple[str, ...]],
) -> None:
    """The draft's poll: its question and numbered options (one answer each); the options in
    each translated language are kept with that language's text (`texts[language][2]`)."""
    for language, translated in labels.items():
        if language in row.texts:
            row.texts = {**row.texts, language: [*row.texts[language][:2], list(translated)]}
    poll = Poll(
        setting_id=row.setting_id,
        kind=QUESTIONNAIRE,
        source_id=row.id,
        question=row.text,
        multiple=False,
    )
    context.session.add(poll)
    context.session.flush()
    context.session.add_all(
        PollOption(poll_id=poll.id, position=n, value=str(n), label=label[:120])
        for n, label in enumerate(options, start=1)
    )


def questionnaire_choices(
    context: EffectContext, row: Broadcast, language: str
) -> tuple[Choice, ...]:
    """One choice per option, `questionnaire:<poll id>:<n>`, labelled in the family's language
    when the options were translated, else as staff wrote them."""
    poll = context.session.scalar(
        select(Poll).where(Poll.kind == QUESTIONNAIRE, Poll.source_id == row.id).limit(1)
    )
    if poll is None:
        return ()
    options = context.session.scalars(
        select(PollOption).where(PollOption.poll_id == poll.id).order_by(PollOption.position)
    )
    made = row.texts.get(language) or []
    labels = [str(label) for label in made[2]] if len(made) > 2 else []
    return tuple(
        Choice(f"{PREFIX}{poll.id}:{o.position}", labels[n] if n < len(labels) else o.label)
        for n, o in enumerate(options)
    )


def record_asked(context: EffectContext, row: Broadcast, guardian_ids: Iterable[int]) -> None:
    """The families it went to are the ones who may answer."""
    poll_id = context.session.scalar(
        select(Poll.id).where(Poll.kind == QUESTIONNAIRE, Poll.source_id == row.id).limit(1)
    )
    if poll_id is None:
        return
    for guardian_id in guardian_ids:
        insert_unless_present(
            context.session, PollRecipient, poll_id=poll_id, guardian_id=guardian_id
        )


def answer_questionnaire(context: EffectContext, effect: AnswerQuestionnaire) -> None:
    """The family's answer kept and thanked, and a `questionnaire_answer` record; from a family
    not asked, or for an option it does not have, the choice has expired."""
    session, guardian = context.session, context.guardian
    poll = session.get(Poll, effect.poll_id)
    recipient = None
    if poll is not None and poll.kind == QUESTIONNAIRE and guardian is not None:
        recipient = session.scalar(
            select(PollRecipient).where(
                PollRecipient.poll_id == poll.id, PollRecipient.guardian_id == guardian.id
            )
        )
    options = {
        o.position: o
        for o in session.scalars(select(PollOption).where(PollOption.poll_id == effect.poll_id))
    }
    chosen = [options[p] for p in effect.positions if p in options]
    language = guardian.language if guardian and guardian.language else "en"
    language = language if language in context.catalog.languages else "en"
    if poll is None or recipient is None or guardian is None or not chosen:
        context.replies.append(Reply(context.catalog.text(EXPIRED_KEY, language)))
        return
    replace_answers(session, recipient, (o.id for o in chosen), effect.at)
    labels = [o.label for o in chosen]
    context.audit("questionnaire_answered", f"poll:{poll.id}", {"options": labels})
    row = session.get(Broadcast, poll.source_id) if poll.source_id else None
    theirs = {c.id: c.label for c in questionnaire_choices(context, row, language)} if row else {}
    said = [theirs.get(f"{PREFIX}{poll.id}:{o.position}", o.label) for o in chosen]
    text = context.catalog.text(
        "questionnaire.thanks", language, name=guardian.first_name, answer=", ".join(said)
    )
    context.replies.append(Reply(text))
    context.records.append(
        {
            "type": "questionnaire_answer",
            "children": [],
            "answers": labels,
            "questionnaire": f"B{poll.source_id}",
            "by": guardian.name,
        }
    )
