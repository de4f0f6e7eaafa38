"""Staff -> parents from chat: a reply to a parent's message (handoff) and a broadcast.

Both go out in each parent's language (machine translated, names and numbers protected) through
bot.outbound.broadcast, with the English original kept for the parent to ask for
(bot.outbound.originals).
"""

from __future__ import annotations

from bot.db.models import SAFEGUARDING_HANDOFF, Guardian, HandoffItem
from bot.i18n.catalog import ENGLISH
from bot.i18n.staff_view import language_name
from bot.outbound.broadcast import BroadcastRefused, announce, in_language
from bot.outbound.originals import SHOW_KEY, keep_original
from bot.outbound.outbox import Address, enqueue_to, guardian_addresses
from bot.staff.commands import ReplyToParent
from bot.staff.request import StaffOutcome, StaffRequest
from bot.staff.roles import MANAGER, sees_safeguarding
from bot.types import Reply

HEADING_KEY = "staff_reply.heading"


def reply_to_parent(request: StaffRequest, command: ReplyToParent) -> StaffOutcome:
    """Send the staff member's answer to the guardian behind the handoff and close it."""
    session = request.session
    item = session.get(HandoffItem, command.handoff_id)
    if item is None or item.setting_id != request.setting.id:
        return _say(request, "staff.reply_unknown", ref=command.ref)
    if item.kind == SAFEGUARDING_HANDOFF and not sees_safeguarding(request.staff):
        request.audit("handoff_reply_refused", f"handoff:{item.id}", {"kind": item.kind})
        return _say(request, "notify.safeguarding_reply_refused", ref=command.ref)
    guardian = session.get(Guardian, item.guardian_id) if item.guardian_id else None
    if guardian is None or guardian.setting_id != request.setting.id:
        return _say(request, "staff.reply_no_parent", ref=command.ref)
    address = guardian_addresses(session, [guardian], request.reach)[guardian.id]
    how = _send(request, guardian, address, command.text)
    if address.problem:  # kept as an undeliverable row; the handoff stays open
        return _say(request, "staff.reply_unreachable", guardian=guardian.name)
    item.status = "closed"
    request.audit(
        "handoff_replied",
        f"handoff:{item.id}",
        {"guardian_id": guardian.id, "language": guardian.language, "channel": address.channel},
    )
    return _say(request, "staff.reply_sent", guardian=guardian.name, how=how, ref=command.ref)


def _send(request: StaffRequest, guardian: Guardian, address: Address, text: str) -> str:
    """Queue the reply in the guardian's language; how it went, for the staff confirmation."""
    language = guardian.language or ENGLISH
    languages, catalog = request.languages, request.catalog
    body, translated = in_language(text, language, languages.translator, languages.names(), catalog)
    heading = catalog.text(
        HEADING_KEY, language, staff=request.staff.name, setting=request.setting.name
    )
    ids = enqueue_to(
        request.session,
        request.reach,
        address,
        Reply(f"{heading}\n\n{body}"),
        later_choices=[catalog.text(SHOW_KEY, language)] if translated else [],
        kind="staff_reply",
        guardian_id=guardian.id,
    )
    if translated:
        keep_original(request.session, [(ids[-1], language)], text, catalog)
    name = language_name(language, catalog)
    if language == ENGLISH:
        return request.say("staff.reply_english")
    key = "staff.reply_translated" if translated else "staff.reply_untranslated"
    return request.say(key, language=name)


def broadcast_from_chat(request: StaffRequest, text: str) -> StaffOutcome:
    """A manager's message to every family of the setting, with the report as the answer."""
    if not request.staff.has_role(MANAGER):
        return _say(request, "staff.broadcast_managers_only")
    try:
        summary = announce(
            request.session,
            request.setting.id,
            text,
            request.languages.translator,
            actor=f"staff:{request.staff.id}",
            say=request.say,
            catalog=request.catalog,
            reach=request.reach,
        )
    except BroadcastRefused as refused:
        return StaffOutcome(Reply(str(refused)))
    return StaffOutcome(Reply(summary))


def _say(request: StaffRequest, key: str, **values: object) -> StaffOutcome:
    return StaffOutcome(Reply(request.say(key, **values)))
