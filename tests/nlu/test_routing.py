"""Questions about what a flow covers go to the policies; requests still start the flow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bot.nlu import SUPPORTED_LANGUAGES
from bot.pipeline.engine import Engine
from bot.types import ChildRef, Intent
from tests.core.helpers import SARAH, reply_text, say
from tests.nlu.helpers import KOWALSKI, read

THOMPSON = (ChildRef(1, "Maya", "Thompson"), ChildRef(2, "Leo", "Thompson"))
SMITH = (ChildRef(3, "Leo", "Smith"),)


def test_how_to_complain_is_a_policy_question_that_touches_the_concern_flow() -> None:
    got = read("how do I complain?", THOMPSON)
    assert (got.intent, got.touches) == (Intent.POLICY_QUESTION, Intent.CONCERN)


def test_asking_for_an_interpreter_is_a_policy_question_not_a_language_switch() -> None:
    got = read("My English isn't very good, can you get me an interpreter?", THOMPSON)
    assert got.intent is Intent.POLICY_QUESTION
    assert got.target_language is None


def test_who_to_talk_to_when_worried_is_a_policy_question() -> None:
    got = read("Who should I talk to first if I'm worried?", THOMPSON)
    assert got.intent is Intent.POLICY_QUESTION
    assert got.touches in (Intent.CONCERN, Intent.BOOK_MEETING)


def test_asking_to_come_in_and_visit_is_a_policy_question_that_touches_meetings() -> None:
    got = read("Can I come in and visit?", THOMPSON)
    assert (got.intent, got.touches) == (Intent.POLICY_QUESTION, Intent.BOOK_MEETING)


def test_a_phone_number_that_may_change_is_a_policy_question_not_an_update() -> None:
    got = read("What should I do if my phone number changes?", THOMPSON)
    assert (got.intent, got.touches) == (Intent.POLICY_QUESTION, Intent.UPDATE_DETAILS)


def test_asking_to_help_out_is_a_policy_question_not_the_help_text() -> None:
    assert read("Can I come in and help out?", THOMPSON).intent is Intent.POLICY_QUESTION


def test_when_the_next_parents_evening_is_is_a_policy_question_that_touches_meetings() -> None:
    got = read("when is the next parents evening?", THOMPSON)
    assert (got.intent, got.touches) == (Intent.POLICY_QUESTION, Intent.BOOK_MEETING)


def test_where_to_park_is_a_policy_question() -> None:
    assert read("where do I park?", THOMPSON).intent is Intent.POLICY_QUESTION


@pytest.mark.parametrize(
    ("text", "fact", "children"),
    [
        ("who is Leo's key person?", "key_person", (2,)),
        ("whos my daughters keyworker", "key_person", ()),
        ("which room is Maya in?", "room", (1,)),
        ("what days is Maya booked in?", "days", (1,)),
    ],
)
def test_a_question_about_the_senders_own_child_is_a_personal_fact(
    text: str, fact: str, children: tuple[int, ...]
) -> None:
    got = read(text, THOMPSON)
    assert (got.intent, got.personal_fact, got.children) == (
        Intent.POLICY_QUESTION,
        fact,
        children,
    )


def test_an_only_child_is_the_one_a_personal_fact_is_about() -> None:
    assert read("who is my son's key person?", SMITH).children == (3,)


def test_a_personal_fact_about_another_familys_child_names_that_child_as_unmatched() -> None:
    got = read("who is Oliver's key person?", THOMPSON)
    assert (got.personal_fact, got.children, got.unmatched_names) == (
        "key_person",
        (),
        ("Oliver",),
    )


def test_what_a_key_person_is_is_no_personal_fact() -> None:
    got = read("whats a key person", THOMPSON)
    assert (got.intent, got.personal_fact) == (Intent.POLICY_QUESTION, None)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("please book a meeting with Jess", Intent.BOOK_MEETING),
        ("Can I book a meeting with Maya's key worker?", Intent.BOOK_MEETING),
        ("can we meet on Tuesday?", Intent.BOOK_MEETING),
        ("can i speak to the senco about leo", Intent.BOOK_MEETING),
        ("I want to complain about how Leo was spoken to at pick up", Intent.CONCERN),
        ("I'm worried about Leo's speech, can someone call me?", Intent.BOOK_MEETING),
        ("Leo came home with a bite mark, can you tell me what happened?", Intent.CONCERN),
        ("is Maya ok? she was upset at drop off", Intent.CONCERN),
        ("can u mark leo absent pls he has chicken pox", Intent.ABSENCE),
        ("Leo won't be in today, who do I tell?", Intent.ABSENCE),
        ("can my mum pick Maya up at 3 today?", Intent.COLLECTION_CHANGE),
        ("my new number is 07700 900123, can you update it?", Intent.UPDATE_DETAILS),
        ("can you reply in Polish please?", Intent.SET_LANGUAGE),
        ("what can you do?", Intent.HELP),
    ],
)
def test_requests_still_start_their_flows(text: str, intent: Intent) -> None:
    got = read(text, THOMPSON)
    assert got.intent is intent
    assert got.touches is None


@pytest.mark.parametrize(
    ("text", "touches"),
    [
        ("does she need to stay home with conjunctivitis", Intent.ABSENCE),
        ("can her 14 year old brother collect her from nursery", Intent.COLLECTION_CHANGE),
        ("what happens if I'm late picking him up", Intent.COLLECTION_CHANGE),
        ("if im running late can my mum collect him", Intent.COLLECTION_CHANGE),
    ],
)
def test_a_question_about_notices_without_a_day_is_a_policy_question(
    text: str, touches: Intent
) -> None:
    got = read(text, THOMPSON)
    assert (got.intent, got.touches) == (Intent.POLICY_QUESTION, touches)
    assert got.dates is None


@pytest.mark.parametrize(
    "text",
    [
        "can I send in a birthday cake",
        "do u give them milk at snack time",
        "r medicines kept in the fridge",
        "we are two mums, do you count us both as parents",
    ],
)
def test_a_question_nothing_else_claims_is_a_policy_question(text: str) -> None:
    assert read(text, THOMPSON).intent is Intent.POLICY_QUESTION


# How do I complain? / I want to complain about ... (every supported language but English)
COMPLAINTS = {
    "pl": (
        "Jak mogę złożyć skargę?",
        "Chcę złożyć skargę, Leo ma siniaka i nikt mi nie powiedział",
    ),
    "ur": (
        "میں شکایت کیسے کروں؟",
        "لیو کو نیل پڑا ہے اور کسی نے نہیں بتایا، میں شکایت کرنا چاہتی ہوں",
    ),
    "pa": (
        "ਮੈਂ ਸ਼ਿਕਾਇਤ ਕਿਵੇਂ ਕਰਾਂ?",
        "ਲੀਓ ਨੂੰ ਸੱਟ ਲੱਗੀ ਹੈ, ਮੈਂ ਸ਼ਿਕਾਇਤ ਕਰਨੀ ਚਾਹੁੰਦੀ ਹਾਂ",
    ),
    "bn": (
        "আমি কীভাবে অভিযোগ করব?",
        "লিওর গায়ে দাগ, কেউ আমাকে বলেনি, আমি অভিযোগ করতে চাই",
    ),
    "ro": (
        "Cum pot depune o plângere?",
        "Vreau să fac o plângere, Leo are o vânătaie și nimeni nu mi-a spus",
    ),
    "ar": (
        "كيف أقدم شكوى؟",
        "أريد تقديم شكوى، ليو عنده كدمة ولم يخبرني أحد",
    ),
    "pt": (
        "Como faço uma reclamação?",
        "Quero fazer uma queixa, o Leo tem uma nódoa negra e ninguém me disse",
    ),
    "es": (
        "¿Cómo puedo poner una queja?",
        "Quiero poner una queja, Leo tiene un moratón y nadie me dijo nada",
    ),
    "so": (
        "Sidee baan cabasho u gudbin karaa?",
        "Leo wuxuu leeyahay nabar, cidna iima sheegin, cabasho ayaan qabaa",
    ),
}


def test_every_language_has_its_complaints_pair() -> None:
    assert set(COMPLAINTS) == set(SUPPORTED_LANGUAGES) - {"en"}


@pytest.mark.parametrize("language", sorted(COMPLAINTS))
def test_asking_how_to_complain_is_a_policy_question_in_every_language(language: str) -> None:
    question, complaint = COMPLAINTS[language]
    asked = read(question, THOMPSON, preferred=language)
    assert (asked.language, asked.intent, asked.touches) == (
        language,
        Intent.POLICY_QUESTION,
        Intent.CONCERN,
    )
    told = read(complaint, THOMPSON, preferred=language)
    assert (told.language, told.intent) == (language, Intent.CONCERN)


@pytest.mark.parametrize(
    ("text", "language", "fact", "children"),
    [
        ("Kto jest wychowawczynią Kuby?", "pl", "key_person", (1,)),
        ("W której sali jest Zosia?", "pl", "room", (2,)),
    ],
)
def test_personal_facts_are_asked_in_other_languages_too(
    text: str, language: str, fact: str, children: tuple[int, ...]
) -> None:
    got = read(text, KOWALSKI, preferred=language)
    assert (got.intent, got.personal_fact, got.children) == (
        Intent.POLICY_QUESTION,
        fact,
        children,
    )


def test_what_time_a_childs_room_opens_is_no_personal_fact() -> None:
    assert read("What time does Leo's room open?", THOMPSON).personal_fact is None


def test_a_question_nothing_else_claims_keeps_its_day_for_a_pending_which_day() -> None:
    got = read("could you make it friday please", THOMPSON)
    assert got.intent is Intent.POLICY_QUESTION
    assert got.dates is not None and got.dates.start.isoweekday() == 5


def test_a_day_asked_as_a_question_still_answers_which_day(
    make_engine_at: Callable[[datetime], Engine],
) -> None:
    engine = make_engine_at(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # "Maya off" needs a day
    assert "Which day is this for?" in reply_text(say(engine, SARAH, "Maya off"))
    answered = say(engine, SARAH, "could you make it friday please")
    assert [record["type"] for record in answered.records] == ["absence"]
    assert "27" in reply_text(answered)
