"""The policy flow as a parent meets it: the flow a question is about offered beside the answer,
the roster's facts about the sender's own children, asking back, and Polish questions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import HandoffItem
from bot.i18n.translator import TranslationUnavailable
from bot.pipeline.engine import Engine, TurnResult
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import SARAH, reply_text, say

MAGDA = "+447700900111"  # Kuba's and Zosia's mother, who reads Polish


def choice_ids(result: TurnResult) -> list[str]:
    return [choice.id for reply in result.replies for choice in reply.choices]


def handoffs(sessions: sessionmaker[Session]) -> list[tuple[str, str]]:
    with sessions() as session:
        return [(h.kind, h.text) for h in session.scalars(select(HandoffItem))]


def test_how_do_i_complain_offers_the_complaints_procedure_and_a_concern(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, SARAH, "how do I complain?")
    assert result.intent == "policy_question" and not result.handoff
    labels = {c.label: c.id for reply in result.replies for c in reply.choices}
    assert "Stage 2: put it in writing" in labels and "policy:do:concern" in labels.values()
    assert "Pass a concern to a member of our team" in labels
    assert handoffs(sessions) == []
    stage = say(engine, SARAH, "Stage 2", choice_id=labels["Stage 2: put it in writing"])
    assert [s["document"] for s in stage.sources] == ["Complaints Policy"]
    assert "written complaint to the manager" in reply_text(stage)
    assert "policy:do:concern" in choice_ids(stage)


def test_a_parent_who_is_worried_is_offered_to_pass_a_concern(engine: Engine) -> None:
    result = say(engine, SARAH, "Who should I talk to first if I'm worried?")
    assert result.intent == "policy_question" and "policy:do:concern" in choice_ids(result)


def test_the_offered_concern_passes_the_question_to_staff(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "how do I complain?")
    result = say(engine, SARAH, "Pass a concern", choice_id="policy:do:concern")
    assert result.intent == "concern" and result.handoff
    assert handoffs(sessions) == [("concern", "how do I complain?")]


def test_a_meeting_question_offers_a_meeting_with_the_key_person(engine: Engine) -> None:
    result = say(engine, SARAH, "how often will i meet my child's key person?")
    assert result.intent == "policy_question" and result.sources
    assert "Ask a member of our team for a meeting" in reply_text(result)
    asked = say(engine, SARAH, "Ask for a meeting", choice_id="policy:do:book_meeting")
    assert asked.intent == "book_meeting" and "Which child" in reply_text(asked)
    maya = next(i for i in choice_ids(asked) if i.startswith("meeting:child:"))
    offered = say(engine, SARAH, "Maya", choice_id=maya)
    assert any(i.startswith("meeting:slot:") for i in choice_ids(offered))


def test_a_phone_number_question_offers_to_change_details_and_asks_for_them(
    engine: Engine,
) -> None:
    result = say(engine, SARAH, "What should I do if my phone number changes?")
    assert "keep your phone numbers" in reply_text(result)
    assert "policy:do:update_details" in choice_ids(result)
    asked = say(engine, SARAH, "Change my details", choice_id="policy:do:update_details")
    assert "send your new phone number" in reply_text(asked) and not asked.handoff


def test_an_offer_is_honoured_only_while_it_is_the_last_replys(engine: Engine) -> None:
    say(engine, SARAH, "how do I complain?")
    say(engine, SARAH, "what time do you open?")
    result = say(engine, SARAH, "Pass a concern", choice_id="policy:do:concern")
    assert "expired" in reply_text(result) and not result.handoff


def test_the_key_person_of_the_child_named_and_no_other(engine: Engine) -> None:
    result = say(engine, SARAH, "who is Leo's key person?")
    assert reply_text(result).strip() == "Leo's key person is Tom Okafor."
    assert not result.handoff and not result.sources


def test_my_childs_key_person_names_each_of_the_senders_children(engine: Engine) -> None:
    text = reply_text(say(engine, SARAH, "who is my child's key person?"))
    assert "Maya's key person is Jess Hughes." in text
    assert "Leo's key person is Tom Okafor." in text
    assert "Ania Nowak" not in text  # Zosia's, another family's


def test_the_room_and_the_days_come_from_the_roster(engine: Engine) -> None:
    assert "Maya is in Saplings." in reply_text(say(engine, SARAH, "which room is Maya in?"))
    days = reply_text(say(engine, SARAH, "what days is Maya booked?"))
    assert "Maya is booked on Monday, Tuesday, Wednesday, Thursday and Friday." in days


def test_another_familys_child_gets_nothing_about_them(engine: Engine) -> None:
    for question in ("who is Kuba's key person?", "which room is Zosia in?"):
        text = reply_text(say(engine, SARAH, question))
        assert "Tom Okafor" not in text and "Seedlings" not in text and "Oaks" not in text
        assert "I can only tell you about your own children" in text


def test_the_days_in_polish_for_a_parent_who_reads_polish(engine: Engine) -> None:
    text = reply_text(say(engine, MAGDA, "w jakie dni Kuba chodzi do żłobka?"))
    assert "poniedziałek" in text and "czwartek" in text and "piątek" not in text


def test_a_close_call_asks_back_and_the_chosen_section_answers(engine: Engine) -> None:
    result = say(engine, SARAH, "Can I come in and visit?")
    sections = [c for c in choice_ids(result) if c.startswith("policy:section:")]
    assert result.replies[0].text == "Is your question about one of these?"
    assert 1 <= len(sections) <= 3 and choice_ids(result)[-1] == "policy:person"
    labels = {c.id: c.label for c in result.replies[0].choices}
    settling = next(c for c in sections if labels[c] == "Settling in")
    answered = say(engine, SARAH, "Settling in", choice_id=settling)
    assert answered.intent == "policy_question"
    assert "settling-in visits" in reply_text(answered) or "visits" in reply_text(answered)
    assert [s["section"] for s in answered.sources] == ["Settling in"]


def test_something_else_passes_the_question_to_a_person(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "Can I come in and visit?")
    result = say(engine, SARAH, "Something else", choice_id="policy:person")
    assert result.handoff and "passed your question" in reply_text(result)
    assert handoffs(sessions) == [("policy_unanswered", "Can I come in and visit?")]


QUESTION_PL = "Czy mogę karmić piersią w żłobku?"
QUESTION_EN = "Can I breastfeed my baby at the nursery?"


class PolishDesk:
    """A translator that knows one Polish question, and marks the English it translates."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls.append((text, source, target))
        if (source, target) == ("pl", "en") and text == QUESTION_PL:
            return QUESTION_EN
        if source == "en":
            return f"[{target}] {text}"
        raise TranslationUnavailable("not in the phrasebook")


def test_a_polish_question_is_searched_in_english_and_the_quote_comes_back_in_polish(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    desk = PolishDesk()
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING, translator=desk)
    result = say(engine, MAGDA, QUESTION_PL)
    text = reply_text(result)
    assert [s["document"] for s in result.sources] == ["Breastfeeding and Infant Feeding Policy"]
    assert "[pl] " in text and "(Breastfeeding and Infant Feeding Policy" in text
    assert "Maszynowe" in text or "tłumaczenie" in text.lower()
    assert (QUESTION_PL, "pl", "en") in desk.calls
    assert "policy:english" in choice_ids(result)
    english = reply_text(say(engine, MAGDA, "Pokaż po angielsku", choice_id="policy:english"))
    assert "Oryginalna wiadomość po angielsku" in english and "[pl]" not in english
    assert "breastfe" in english.lower()


def test_offline_a_polish_question_is_searched_as_written(engine: Engine) -> None:
    result = say(engine, MAGDA, QUESTION_PL)
    assert "policy:english" not in choice_ids(result)
    assert "[pl]" not in reply_text(result)
