"""What the understanding step makes of the messages parents actually write."""

from __future__ import annotations

from datetime import date, time

from bot.types import AbsenceReason, DateRange, Intent
from tests.nlu.helpers import (
    BROWN,
    JONES,
    KOWALSKI,
    LOOKALIKES,
    NOWAK,
    PATEL,
    SILVA,
    SMITH,
    read,
)

MON, TUE, WED, FRI = (date(2026, 11, d) for d in (23, 24, 25, 27))


def test_sick_in_the_night_kept_home_today_and_tomorrow() -> None:
    got = read("leo was sick in the night so keeping him home today and tomorrow", SMITH)
    assert got.intent is Intent.ABSENCE
    assert got.children == (3,)
    assert got.dates == DateRange(MON, TUE)
    assert got.reason is AbsenceReason.ILLNESS
    assert got.symptoms == ("vomiting",)


def test_polish_grandmother_collects_kuba_tomorrow_at_three() -> None:
    got = read("Babcia odbierze Kubę jutro o 15:00", KOWALSKI)
    assert (got.intent, got.language, got.children) == (Intent.COLLECTION_CHANGE, "pl", (1,))
    assert got.dates == DateRange(TUE, TUE)
    assert got.time == time(15, 0)
    assert got.collector_relationship == "grandmother"


def test_mark_absent_without_a_date_leaves_the_date_to_the_flow() -> None:
    got = read("can u mark isla absent pls chicken pox", BROWN)
    assert (got.intent, got.children, got.dates) == (Intent.ABSENCE, (4,), None)
    assert got.symptoms == ("chickenpox",)


def test_wording_that_means_now_dates_the_absence_today() -> None:
    assert read("Izzy won't be in", JONES).dates == DateRange(MON, MON)
    assert read("Maya's off today, temperature", PATEL).children == (5,)


def test_polish_inflected_diminutive_resolves_to_child() -> None:
    got = read("Zosi nie będzie w piątek", KOWALSKI)
    assert (got.intent, got.children, got.dates) == (Intent.ABSENCE, (2,), DateRange(FRI, FRI))
    assert read("Czy mogę umówić spotkanie z wychowawczynią Mai?", NOWAK).children == (26,)


def test_not_today_or_tuesday_is_one_range() -> None:
    got = read("Arjun not today or Tuesday sorry, he's got a nasty cough", PATEL)
    assert got.dates == DateRange(MON, TUE)


def test_days_with_a_gap_are_left_for_the_flow_to_ask() -> None:
    got = read("Leo won't be in on Monday and Wednesday", SMITH)
    assert got.intent is Intent.ABSENCE and got.dates is None


def test_other_familys_child_is_reported_unmatched() -> None:
    got = read("Can you mark Oliver absent today he has a cough", SMITH)
    assert got.children == ()
    assert got.unmatched_names == ("Oliver",)


def test_collector_name_is_not_an_unmatched_child() -> None:
    got = read("Auntie Sarah will be picking Isla up on Friday", BROWN)
    assert (got.collector_name, got.collector_relationship) == ("Sarah", "aunt")
    assert got.unmatched_names == () and got.children == (4,)


def test_a_two_letter_first_name_before_a_surname_is_kept_whole() -> None:
    got = read("my neighbour Jo Smith will collect Isla today", BROWN)
    assert (got.collector_name, got.collector_relationship) == ("Jo Smith", "neighbour")
    assert read("Ed Jones will pick Isla up at 5", BROWN).collector_name == "Ed Jones"
    assert read("Yo recojo a Isla hoy", BROWN).unmatched_names == ()  # "Yo" alone: no name


def test_senders_mum_is_the_childs_grandmother() -> None:
    assert (
        read("my mum's picking Isla up at 4 today", BROWN).collector_relationship == "grandmother"
    )
    assert read("His dad will collect him tomorrow at 5", SMITH).collector_relationship == "father"


def test_bare_afternoon_hour_is_pm_and_after_lunch_is_one() -> None:
    assert read("His dad will collect him tomorrow at 5", SMITH).time == time(17, 0)
    assert read("I'll pick Isla up after lunch today", BROWN).time == time(13, 0)


def test_lateness_in_minutes() -> None:
    assert read("running 20 mins late, sorry!", SMITH).minutes_late == 20
    assert read("Stuck in traffic, running late by half an hour", BROWN).minutes_late == 30


def test_both_means_all_the_senders_children() -> None:
    got = read("Hi both kids off tomorrow, dentist appointment", PATEL)
    assert got.all_children and got.children == (5, 6)
    assert got.reason is AbsenceReason.APPOINTMENT


def test_single_child_needs_no_name() -> None:
    assert read("running late sorry", SMITH).children == (3,)
    assert read("running late sorry", PATEL).children == ()


def test_typo_in_a_name_still_matches() -> None:
    assert read("Mya won't be in today", PATEL).children == (5,)
    assert read("Arjn has a cold, keepin him home 2day", PATEL).children == (6,)


def test_a_name_close_to_two_children_matches_neither() -> None:
    got = read("Amilia won't be in today", LOOKALIKES)
    assert got.children == () and got.confidence < 0.6


def test_known_as_and_nicknames_resolve() -> None:
    assert read("Bia won't be in tomorrow", SILVA).children == (17,)
    assert read("will and bella are both off today with chickenpox", JONES).children == (23, 24)
    assert read("Alex has a temperature, off today", JONES).children == (25,)


def test_wellbeing_question_is_not_an_absence() -> None:
    assert read("is Maya ok?", PATEL).intent is Intent.CONCERN


def test_past_absence_keeps_its_past_dates() -> None:
    got = read("Maya was absent last week because she had a sickness bug", PATEL)
    assert got.intent is Intent.ABSENCE
    assert got.dates == DateRange(date(2026, 11, 16), date(2026, 11, 20))


def test_explicit_range_with_month() -> None:
    got = read("We're going to Portugal from 3rd to 10th December so Isla will be off", BROWN)
    assert got.dates == DateRange(date(2026, 12, 3), date(2026, 12, 10))
    assert got.reason is AbsenceReason.HOLIDAY


def test_until_friday_runs_from_today() -> None:
    assert read("Leo is off till Friday with chickenpox", SMITH).dates == DateRange(MON, FRI)
    assert read("Dzieci nie będzie do piątku", KOWALSKI).dates == DateRange(MON, FRI)


def test_next_week_is_monday_to_friday() -> None:
    got = read("Isla will be off next week, we're going on holiday", BROWN)
    assert got.dates == DateRange(date(2026, 11, 30), date(2026, 12, 4))


def test_update_details_extracts_contacts() -> None:
    assert read("My number has changed, new one is 07700 900555").new_phone == "07700900555"
    assert (
        read("Please update my email to jo.patel@example.org").new_email == "jo.patel@example.org"
    )
    got = read("we've moved, new address is 14 Elm Road, Leeds LS6 2AB")
    assert got.intent is Intent.UPDATE_DETAILS and got.new_address == "14 Elm Road, Leeds LS6 2AB"


def test_language_requests_in_several_languages() -> None:
    assert read("can you reply in Polish please").target_language == "pl"
    assert read("po polsku proszę").target_language == "pl"
    assert read("español por favor").target_language == "es"


def test_every_supported_language_understands_tomorrow() -> None:
    cases = {
        "jutro Kuba nie przyjdzie": "pl",
        "Andrei nu vine mâine": "ro",
        "Mateo no va mañana": "es",
        "O Tomás não vai amanhã": "pt",
        "Abdi berri ma imaanayo": "so",
        "زارا کل نہیں آئے گی": "ur",
        "مريم لن تأتي غدا": "ar",
        "ਅਰਜਨ ਕੱਲ੍ਹ ਨਹੀਂ ਆਵੇਗਾ": "pa",
        "রাফি কাল আসবে না": "bn",
        "Zara kal nahi aayegi": "ur",
    }
    for text, language in cases.items():
        got = read(text)
        assert (got.intent, got.language, got.dates) == (
            Intent.ABSENCE,
            language,
            DateRange(TUE, TUE),
        ), text


def test_closed_days_do_not_break_a_range() -> None:
    assert read("Leo won't be in Friday and Monday", SMITH).dates == DateRange(
        FRI, date(2026, 11, 30)
    )


def test_staff_message_has_no_children() -> None:
    got = read("Sophie won't be in today")
    assert got.children == () and got.unmatched_names == ("Sophie",)


def test_weekday_named_today_is_today() -> None:
    assert read("Leo won't be in on Monday", SMITH).dates == DateRange(MON, MON)
    assert read("Leo won't be in on Wednesday", SMITH).dates == DateRange(WED, WED)


def test_apostrophes_are_optional_in_english_phrases() -> None:
    got = read("isla isnt coming in today shes not feeling great", BROWN)
    assert (got.intent, got.children, got.reason) == (Intent.ABSENCE, (4,), AbsenceReason.ILLNESS)
    assert got.dates == DateRange(MON, MON)


def test_clock_phrases_and_bare_ordinal_days() -> None:
    assert read("I'll be late, there by quarter to 6", BROWN).time == time(17, 45)
    assert read("nan's getting her at ten past 4", BROWN).time == time(16, 10)
    assert read("Isla is off until the 2nd", BROWN).dates == DateRange(MON, date(2026, 12, 2))


def test_pick_up_verbs_and_collectors_beyond_collect() -> None:
    got = read("can his dad grab him at 4", SMITH)
    assert (got.intent, got.collector_relationship, got.time) == (
        Intent.COLLECTION_CHANGE,
        "father",
        time(16, 0),
    )
    assert read("Leo's being picked up by his nan", SMITH).intent is Intent.COLLECTION_CHANGE


def test_thanks_and_greetings_alone_are_small_talk() -> None:
    for text in ("thank you", "Thanks! x", "ok thanks 👍", "happy Eid!", "dziękuję", "شکریہ"):
        got = read(text, PATEL)
        assert (got.intent, got.small_talk) == (Intent.OTHER, True), text


def test_thanks_with_anything_more_is_not_small_talk() -> None:
    for text in ("thank you for looking after her so well today x", "ok see you at 3"):
        assert read(text, PATEL).small_talk is False, text
    assert read("Thanks, Aarav is off sick today", PATEL).small_talk is False


def test_a_day_corrected_with_not_is_the_day_meant() -> None:
    assert read("actually it's tomorrow not today", SMITH).dates == DateRange(TUE, TUE)
    assert read("sorry I meant Wednesday, not Tuesday", SMITH).dates == DateRange(WED, WED)
    assert read("Zosia jutro, nie dzisiaj", KOWALSKI).dates == DateRange(TUE, TUE)
    assert read("Mateo mañana, no hoy", SMITH).dates == DateRange(TUE, TUE)
    assert read("Leo not today, he's poorly", SMITH).dates == DateRange(MON, MON)


def test_until_next_week_ends_before_next_week() -> None:
    sunday = date(2026, 11, 29)  # the flow records the open days of the range
    assert read("Leo won't be in till next week", SMITH).dates == DateRange(MON, sunday)
    assert read("Isla is off until next week", BROWN).dates == DateRange(MON, sunday)


def test_one_of_the_children_is_not_all_of_them() -> None:
    got = read("one of the kids is off tomorrow", PATEL)
    assert (got.children, got.all_children) == ((), False)
    assert read("jedno z dzieci jest chore", KOWALSKI).children == ()
    assert read("one of the kids is off tomorrow", SMITH).children == (3,)


def test_cancelling_and_correcting_words_are_noticed() -> None:
    assert read("sorry, cancel that, he's fine now and coming in", SMITH).cancels
    assert read("ignore my last message, she is coming in", BROWN).cancels
    assert not read("Leo is not coming in today", SMITH).cancels
    assert not read("she's still not feeling better", BROWN).cancels
    assert read("sorry I meant tomorrow", SMITH).corrects
    assert not read("Leo is off tomorrow", SMITH).corrects


def test_a_name_or_relationship_alone_may_answer_who_is_collecting() -> None:
    assert read("Auntie Sarah", SMITH).collector_name == "Sarah"
    assert read("my neighbour", SMITH).collector_relationship == "neighbour"
    assert read("Dave", SMITH).collector_name == "Dave"
    assert read("dave", SMITH).collector_name == "dave"
    assert read("sorry running late", SMITH).collector_name is None
    assert read("ok", SMITH).collector_name is None
    assert read("what do you mean", SMITH).collector_name is None
