"""Understanding a message as the engine needs it: the sender's own children and setting in
view, a second reading in English when the first is unsure, and disclosures from anyone."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.flows.turn import SenderView, SettingView
from bot.i18n.services import TurnLanguages
from bot.nlu import detect_language, suggests_harm, understand
from bot.pipeline import views
from bot.types import Intent, SenderKind, Understanding

UNSURE = 0.5  # below this, a non-English message is also tried through an English translation


def understand_message(
    text: str,
    tapped: bool,
    sender: SenderView,
    setting: SettingView,
    now: datetime,
    languages: TurnLanguages,
) -> Understanding:
    """What the message says: nothing but a disclosure from someone the roster does not know;
    from a guardian, read as written and, when unsure in another language, in English too."""
    if sender.kind is not SenderKind.GUARDIAN:  # nothing is understood but a disclosure
        language = detect_language(text, None)
        return Understanding(Intent.OTHER, 0.0, language, safeguarding=suggests_harm(text))
    if tapped and not text.strip():
        return Understanding(Intent.OTHER, 0.0, sender.language)
    context = views.nlu_context(sender, setting, now)
    found = understand(text, context)
    if found.confidence >= UNSURE or found.language == "en" or not languages.available:
        return found
    english = languages.english(text, found.language)
    again = understand(english, replace(context, preferred_language="en")) if english else None
    if again is None:
        return found
    chosen = found if again.confidence <= found.confidence else again
    # a disclosure found in either reading goes to the safeguarding lead
    disclosed = found.safeguarding or again.safeguarding
    return replace(chosen, language=found.language, safeguarding=disclosed)
