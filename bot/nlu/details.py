"""Questions about contact details: whose phone number, address or e-mail is asked for?

Another person's ("what's Leo Thompson's mum's phone number?", "can I have Jess's number") is
refused and never read as the sender updating their own details; the setting's ("what's your
phone number?") is answered from setting.toml; the sender's own ("my new number is ...") stays
an update. Data per language in `[contact_questions]`: `ask` cues (a question mark counts too),
`update` cues (the sender is giving details, not asking), `detail` words, and whose they are:
`other`, `sender`, `setting`, the nearest within `NEAR` words before or after the detail word
deciding. `plain` phrases ("what's", "Ofsted's", "WhatsApp group") are neither a detail nor
whose. `patterns` are regular expressions (on the folded text) asking about another person
without a detail word ("where does Fiona Campbell live?").
"""

from __future__ import annotations

import re
from functools import cache

from bot.nlu import lexicon
from bot.nlu.text import Hit, Text, Words

OTHERS, SETTING = "others", "setting"
NEAR = 1  # words at most between a detail word and whose it is ("number of Isla's dad")
_OWNERS = ("setting", "sender", "other")  # on a tie ("the nursery's") the first one wins


@cache
def _patterns(languages: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(pattern)
        for code in languages
        for pattern in lexicon.raw(code).get("contact_questions", {}).get("patterns", ())
    )


def whose_details_asked(text: Text, languages: tuple[str, ...]) -> str | None:
    """OTHERS when the message asks for someone else's contact details, SETTING when it asks for
    the setting's, else None (the sender's own, an update, or no such question)."""
    hits = lexicon.matcher("contact_questions", languages).find(text)
    labels = {hit.label for hit in hits}
    asking = "ask" in labels or "?" in text.raw or "؟" in text.raw
    if not asking or "update" in labels:
        return None
    if any(pattern.search(text.folded) for pattern in _patterns(languages)):
        return OTHERS
    words = Words(text)
    plain = {(hit.start, hit.end) for hit in hits if hit.label == "plain"}
    owners = [hit for hit in hits if hit.label in _OWNERS and (hit.start, hit.end) not in plain]
    for detail in (hit for hit in hits if hit.label == "detail"):
        owner = _nearest(words, detail, owners)
        if owner is not None:
            return {"other": OTHERS, "setting": SETTING}.get(owner.label)
    return None


def _nearest(words: Words, detail: Hit, owners: list[Hit]) -> Hit | None:
    """The owner closest to the detail word (at most NEAR words away), setting before sender
    before other on a tie."""
    near = []
    for owner in owners:
        gap = max(words.between(owner, detail), words.between(detail, owner))
        if 0 <= gap <= NEAR:
            near.append((gap, _OWNERS.index(owner.label), owner))
    return min(near, key=lambda item: item[:2])[2] if near else None
