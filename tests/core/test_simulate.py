"""`parentbot simulate`: one JSON line out per line in, the documented fields, a fixed clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO

NOW = "2026-11-23T08:15:00+00:00"  # a Monday
FIELDS = {"intent", "language", "replies", "handoff", "sources", "records", "staff_notifications"}


def simulate(*lines: str, extra: tuple[str, ...] = ()) -> list[dict[str, object]]:
    """Run the real command with these stdin lines; the parsed output lines."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "parentbot",
            "simulate",
            "--setting",
            str(DEMO),
            "--now",
            NOW,
            *extra,
        ],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def message(sender: str, text: str, **extra: object) -> str:
    return json.dumps({"from": sender, "text": text, **extra})


def test_each_input_line_gets_exactly_one_output_line_with_every_field() -> None:
    outputs = simulate(
        message("+447700900101", "hello"),
        message("07700 900101", "Maya's off today, temperature"),
        message("+447700900999", "is Maya in?"),
    )
    assert len(outputs) == 3
    assert all(output.keys() >= FIELDS for output in outputs)
    assert outputs[0]["intent"] == "help"


def test_absence_record_has_children_and_dates_from_the_fixed_clock() -> None:
    [output] = simulate(message("+447700900101", "Maya's off today, temperature"))
    assert output["intent"] == "absence"
    [record] = output["records"]
    assert (
        record
        | {
            "type": "absence",
            "children": ["Maya Thompson"],
            "start": "2026-11-23",
            "end": "2026-11-23",
            "reason": "illness",
            "symptoms": ["temperature"],
            "status": "active",
        }
        == record
    )
    assert {n["to"] for n in output["staff_notifications"]} == {"Jess Hughes", "Priya Shah"}


def test_malformed_lines_yield_an_error_and_processing_goes_on() -> None:
    outputs = simulate(
        "not json",
        json.dumps(["a list"]),
        json.dumps({"text": "no sender"}),
        message("12345", "bad number"),
        message("+447700900101", "hi", channel="pigeon"),
        message("+447700900101", "hello"),
    )
    assert [set(output) for output in outputs[:5]] == [{"error"}] * 5
    assert "phone number" in str(outputs[3]["error"])
    assert outputs[5]["intent"] == "help"


def test_fresh_forgets_a_pending_question() -> None:
    asked, fresh = simulate(
        message("+447700900101", "not coming in tomorrow"),
        message("+447700900101", "1", fresh=True),
    )
    assert asked["replies"][-1]["choices"][:2] == ["Maya", "Leo"]
    assert fresh["records"] == []


def test_telegram_sender_that_is_not_linked_is_unknown() -> None:
    [output] = simulate(message("telegram:123456", "is Maya in today?"))
    text = " ".join(reply["text"] for reply in output["replies"])
    assert "Maya" not in text and output["records"] == []


def test_db_option_keeps_state_in_the_given_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kept.sqlite3'}"
    simulate(message("+447700900101", "Maya's off today"), extra=("--db", url))
    assert (tmp_path / "kept.sqlite3").exists()


def test_polish_preferring_guardian_gets_polish_replies() -> None:
    [output] = simulate(message("+447700900111", "Babcia Halina odbierze Kubę jutro o 15:00"))
    assert output["language"] == "pl" and output["intent"] == "collection_change"
    text = output["replies"][0]["text"]
    assert text.startswith("Dziękujemy, Magda.") and "wt. 24 lis" in text and "15:00" in text
    [record] = output["records"]
    assert record["children"] == ["Kuba Kowalski"] and record["start"] == "2026-11-24"
    assert record["time"] == "15:00"


def test_choices_carry_their_record_and_a_withdrawal_lists_it_as_it_now_stands() -> None:
    first, _, withdrawn, forged = simulate(
        message("+447700900101", "Maya's off today, temperature"),
        message("+447700900101", "Leo is off tomorrow"),
        message("+447700900101", "", choice="notice:withdraw:A1"),
        message("+447700900101", "", choice="date:9999-12-31"),
    )
    assert first["replies"][0]["choice_ids"] == ["notice:change:A1", "notice:withdraw:A1"]
    assert first["records"][0]["refs"] == ["A1"]
    [record] = withdrawn["records"]
    assert (
        record
        | {"type": "absence", "children": ["Maya Thompson"], "start": "2026-11-23"}
        | {"status": "withdrawn", "refs": ["A1"]}
        == record
    )
    assert forged["records"] == [] and "expired" in forged["replies"][0]["text"]
