"""A questionnaire's results for staff (`questionnaire B3`): how many chose each option and
which families asked have not answered. Reads only; the poll is in polls / poll_options /
poll_recipients / poll_answers (kind "questionnaire", `source_id` the broadcast's id)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    QUESTIONNAIRE,
    Broadcast,
    Guardian,
    Poll,
    PollAnswer,
    PollOption,
    PollRecipient,
)
from bot.outbound.broadcast import Prepared, in_language
from bot.staff.request import StaffRequest, StaffStep
from bot.types import Reply


def options_text(options: tuple[str, ...]) -> str:
    """The numbered options as staff (and an SMS family) read them."""
    return "\n".join(f"{n}. {option}" for n, option in enumerate(options, start=1))


def option_labels(
    request: StaffRequest, ready: Prepared, options: tuple[str, ...]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The options in each language the question was translated into (each option translated
    as a broadcast is; an option the translator cannot do stays as staff wrote it)."""
    translator, catalog = request.languages.translator, request.catalog
    return tuple(
        (language, tuple(in_language(o, language, translator, (), catalog)[0] for o in options))
        for language in sorted(set(ready.report.translated_languages))
    )


def questionnaire_poll(session: Session, broadcast_id: int) -> Poll | None:
    """The poll of questionnaire B<id>, if it is one."""
    return session.scalar(
        select(Poll).where(Poll.kind == QUESTIONNAIRE, Poll.source_id == broadcast_id).limit(1)
    )


def results_text(session: Session, row: Broadcast, poll: Poll) -> str:
    """ "B3: Which day...? (2 of 3 answered)", a count per option, then who has not answered."""
    options = session.scalars(
        select(PollOption).where(PollOption.poll_id == poll.id).order_by(PollOption.position)
    ).all()
    counts = Counter(
        session.scalars(select(PollAnswer.option_id).where(PollAnswer.poll_id == poll.id))
    )
    asked = session.execute(
        select(Guardian.name, PollRecipient.answered_at)
        .join(Guardian, Guardian.id == PollRecipient.guardian_id)
        .where(PollRecipient.poll_id == poll.id)
        .order_by(Guardian.name)
    ).all()
    waiting = [name for name, answered in asked if answered is None]
    lines = [f"B{row.id}: {poll.question} ({len(asked) - len(waiting)} of {len(asked)} answered)"]
    lines += [f"{o.position}. {o.label}: {counts[o.id]}" for o in options]
    lines.append(f"No answer ({len(waiting)}): {', '.join(waiting) or '-'}")
    return "\n".join(lines)


def questionnaire_results(request: StaffRequest, broadcast_id: int) -> StaffStep:
    """The results so far of a questionnaire of this setting."""
    row = request.session.get(Broadcast, broadcast_id)
    poll = questionnaire_poll(request.session, broadcast_id)
    if row is None or row.setting_id != request.setting.id or poll is None:
        return StaffStep.say(request, "broadcasts.no_questionnaire", ref=f"B{broadcast_id}")
    return StaffStep((Reply(results_text(request.session, row, poll)),))
