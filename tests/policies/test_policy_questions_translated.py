"""A question in another language is searched in English when a translator is configured."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Setting
from bot.i18n.services import EnglishAhead, Translation
from bot.i18n.translator import NoTranslator, TranslationUnavailable
from bot.policies.knowledge import Knowledge

QUESTION = "Czy mogę karmić piersią w żłobku?"
ENGLISH = "Can I breastfeed my baby at the nursery?"
BREASTFEEDING = "Breastfeeding and Infant Feeding Policy"


class Phrasebook:
    """A translator that knows a few sentences, and records what it was asked."""

    def __init__(self, book: dict[tuple[str, str, str], str]) -> None:
        self.book = book
        self.calls: list[tuple[str, str, str]] = []

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls.append((text, source, target))
        try:
            return self.book[text, source, target]
        except KeyError:
            raise TranslationUnavailable(f"no entry for {text!r}") from None


def test_a_polish_question_is_searched_in_its_english_translation(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    phrasebook = Phrasebook({(QUESTION, "pl", "en"): ENGLISH})
    with sessions() as session:
        setting = session.get_one(Setting, demo_setting)
        languages = Translation(phrasebook).for_turn(session, demo_setting)
        knowledge = Knowledge()
        searched_in_polish = knowledge.policy_consultant(session, setting)(QUESTION).hit
        consult = knowledge.policy_consultant(session, setting, languages.to_english("pl"))
        found = consult(QUESTION).hit
    assert found is not None and found.document == BREASTFEEDING
    assert searched_in_polish is None or searched_in_polish.document != BREASTFEEDING
    assert phrasebook.calls == [(QUESTION, "pl", "en")]


def test_the_english_made_before_the_turn_is_searched_without_asking_again(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    phrasebook = Phrasebook({})
    with sessions() as session:
        setting = session.get_one(Setting, demo_setting)
        ahead: EnglishAhead = {(QUESTION, "pl"): ENGLISH}
        languages = Translation(phrasebook).for_turn(session, demo_setting, ahead)
        consult = Knowledge().policy_consultant(session, setting, languages.to_english("pl"))
        found = consult(QUESTION).hit
    assert found is not None and found.document == BREASTFEEDING
    assert phrasebook.calls == []


def test_without_a_translator_or_a_translation_the_question_is_searched_as_written(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    with sessions() as session:
        offline = Translation(NoTranslator()).for_turn(session, demo_setting)
        failing = Translation(Phrasebook({})).for_turn(session, demo_setting)
        assert offline.to_english("pl")(QUESTION) is None
        assert failing.to_english("pl")(QUESTION) is None
        assert failing.to_english("en")("Can I breastfeed here?") is None
        setting = session.get_one(Setting, demo_setting)
        english = Knowledge().policy_consultant(session, setting, failing.to_english("en"))
        found = english("Can I breastfeed my baby at the nursery?").hit
    assert found is not None and found.document == BREASTFEEDING
