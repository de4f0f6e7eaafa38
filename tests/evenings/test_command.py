"""The manager's parents' evening command, parsed (pure), and who comes together (pure)."""

from __future__ import annotations

from datetime import date, time

from bot.evenings.command import EveningError, EveningSpec, parse_evening
from bot.evenings.grid import grid_for, windows_for
from bot.evenings.parties import EACH, JOINT, Asked, parties_for
from bot.flows.evening import numbers

TODAY = date(2026, 11, 23)


def test_the_documented_command_is_read_in_full() -> None:
    spec = parse_evening(
        "parents evening Tue 1 Dec, Wed 2 Dec 15:30-19:00 10 min by Fri 27 Nov", TODAY
    )
    assert spec == EveningSpec(
        (date(2026, 12, 1), date(2026, 12, 2)), time(15, 30), time(19), 10, date(2026, 11, 27)
    )


def test_breaks_and_rooms_are_optional() -> None:
    spec = parse_evening(
        "Parents' evening Tue 1 Dec 15:30-19:00 15 mins by 27 Nov break 17:00-17:30 "
        "rooms Saplings, Oaks",
        TODAY,
    )
    assert isinstance(spec, EveningSpec)
    assert spec.breaks == ((time(17), time(17, 30)),) and spec.rooms == ("Saplings", "Oaks")
    assert EveningSpec.from_json(spec.to_json()) == spec


def test_a_date_in_january_is_next_year() -> None:
    spec = parse_evening("parents evening 12 Jan 15:30-18:00 10 min by 8 Jan", TODAY)
    assert isinstance(spec, EveningSpec) and spec.dates == (date(2027, 1, 12),)


def test_each_mistake_is_named() -> None:
    def problem(text: str) -> str:
        found = parse_evening(f"parents evening {text}", TODAY)
        assert isinstance(found, EveningError)
        return found.problem

    assert "give the hours" in problem("Tue 1 Dec 10 min by Fri 27 Nov")
    assert "start and a later end" in problem("Tue 1 Dec 19:00-15:30 10 min by Fri 27 Nov")
    assert "slot length" in problem("Tue 1 Dec 15:30-19:00 by Fri 27 Nov")
    assert "slot length" in problem("Tue 1 Dec 15:30-19:00 90 min by Fri 27 Nov")
    assert "reply-by date, e.g." in problem("Tue 1 Dec 15:30-19:00 10 min")
    assert "before the first evening" in problem("Tue 1 Dec 15:30-19:00 10 min by Wed 2 Dec")
    assert "is a Tuesday, not Mon" in problem("Mon 1 Dec 15:30-19:00 10 min by Fri 27 Nov")
    assert '"Tue 31 Nov" is not a date' in problem("Tue 31 Nov 15:30-19:00 10 min by 27 Nov")
    assert "inside the hours" in problem("Tue 1 Dec 15:30-19:00 10 min by 27 Nov break 20:00-21:00")


def test_two_evenings_give_eight_windows_of_whole_slots() -> None:
    spec = parse_evening("parents evening Tue 1 Dec, Wed 2 Dec 15:30-19:00 10 min by 27 Nov", TODAY)
    assert isinstance(spec, EveningSpec)
    grid = grid_for(spec, "Europe/London")
    windows = windows_for(spec, grid)
    assert len(grid.slots) == 42 and len(windows) == 8
    assert [w.label("en") for w in windows[:2]] == [
        "Tue 1 Dec 15:30-16:20",
        "Tue 1 Dec 16:20-17:10",
    ]
    assert windows[0].label("pl") == "wt. 1 gru 15:30-16:20"


def test_numbers_are_read_in_several_languages() -> None:
    assert numbers("1 3", 10) == (1, 3)
    assert numbers("1 and 3", 10) == (1, 3)
    assert numbers("1, 3 & 4", 10) == (1, 3, 4)
    assert numbers("jeden i trzy", 10) == (1, 3)
    assert numbers("uno y tres", 10) == (1, 3)
    assert numbers("11", 10) is None and numbers("see you then", 10) is None


MAYA, LEO = {1: 10}, {2: 20}  # child -> key person


def test_guardians_sharing_a_child_come_together_in_the_windows_both_chose() -> None:
    asked = [Asked(1, MAYA, frozenset({0, 1})), Asked(2, MAYA, frozenset({1, 2}))]
    [(party, guardians)] = parties_for(asked, JOINT)
    assert guardians == (1, 2) and party.windows == frozenset({1})


def test_separated_parents_each_get_a_slot_when_the_setting_says_so() -> None:
    asked = [Asked(1, MAYA, frozenset({0})), Asked(2, MAYA, frozenset({5})), Asked(3, MAYA)]
    parties = parties_for(asked, EACH)
    assert [guardians for _, guardians in parties] == [(1, 3), (2,)]
    assert [party.windows for party, _ in parties] == [frozenset({0}), frozenset({5})]


def test_siblings_with_different_key_persons_are_two_meetings_of_one_party() -> None:
    [(party, _)] = parties_for([Asked(1, {**MAYA, **LEO}, None)])
    assert [meet.staff for meet in party.meetings] == [10, 20] and party.windows is None
