"""Staff -> parents from chat: a reply to a parent's message (handoff); broadcasts are
bot.staff.broadcasts.

It goes out in each parent's language (machine translated, names and numbers protected) through
bot.outbound.broadcast, with the English original kept for the parent to ask for
(bot.outbound.originals). Deciding here; sending in bot/recording/staff.py.
"""

from __future__ import annotations

from bot.db.models import SAFEGUARDING_HANDOFF, Guardian, HandoffItem
from bot.i18n.catalog import ENGLISH
from bot.i18n.staff_view import language_name
from bot.outbound.broadcast import in_language
from bot.outbound.outbox import guardian_addresses
from bot.staff.commands import ReplyToParent
from bot.staff.effects import AnswerHandoff, RefuseAnswer
from bot.staff.request import StaffRequest, StaffStep
from bot.staff.roles import sees_safeguarding

HEADING_KEY = "staff_reply.heading"


def reply_to_parent(request: StaffRequest, command: ReplyToParent) -> StaffStep:
    """Answer the guardian behind the handoff in their language; it closes once it can go."""
    session = request.session
    item = session.get(HandoffItem, command.handoff_id)
    if item is None or item.setting_id != request.setting.id:
        return StaffStep.say(request, "staff.reply_unknown", ref=command.ref)
    if item.kind == SAFEGUARDING_HANDOFF and not sees_safeguarding(request.staff):
        refusal = RefuseAnswer(item.id, item.kind)
        return StaffStep.say(request, "notify.safeguarding_reply_refused", refusal, ref=command.ref)
    guardian = session.get(Guardian, item.guardian_id) if item.guardian_id else None
    if guardian is None or guardian.setting_id != request.setting.id:
        return StaffStep.say(request, "staff.reply_no_parent", ref=command.ref)
    answer, how = _answer(request, item, guardian, command.text)
    address = guardian_addresses(session, [guardian], request.reach)[guardian.id]
    if address.problem:  # kept as an undeliverable row; the handoff stays open
        return StaffStep.say(request, "staff.reply_unreachable", answer, guardian=guardian.name)
    return StaffStep.say(
        request, "staff.reply_sent", answer, guardian=guardian.name, how=how, ref=command.ref
    )


def _answer(
    request: StaffRequest, item: HandoffItem, guardian: Guardian, text: str
) -> tuple[AnswerHandoff, str]:
    """The answer in the guardian's language, and how it went, for the staff confirmation."""
    language = guardian.language or ENGLISH
    languages, catalog = request.languages, request.catalog
    body, translated = in_language(text, language, languages.translator, languages.names(), catalog)
    heading = catalog.text(
        HEADING_KEY, language, staff=request.staff.name, setting=request.setting.name
    )
    english = text if translated else None
    answer = AnswerHandoff(item.id, guardian.id, language, f"{heading}\n\n{body}", english)
    if language == ENGLISH:
        return answer, request.say("staff.reply_english")
    key = "staff.reply_translated" if translated else "staff.reply_untranslated"
    return answer, request.say(key, language=language_name(language, catalog))
