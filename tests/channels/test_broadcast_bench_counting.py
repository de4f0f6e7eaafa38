"""The mixed broadcast bench counts what each fake received per family: lost, doubled, rate."""

from __future__ import annotations

import pytest

from bench.broadcast_mixed import channel_figures
from tests.fakes.twilio_http import CappedTwilioHttpClient


def test_a_family_never_received_is_lost_and_one_received_twice_is_doubled() -> None:
    received = [("a", 0.0), ("b", 0.5), ("b", 1.0), ("x", 2.0)]
    figures = channel_figures(["a", "b", "c"], received, cap=2.0)
    assert figures["lost"] == 1  # c
    assert figures["doubled"] == 1  # b's second
    assert figures["strangers"] == 1  # x was never a recipient
    assert figures["received"] == 4


def test_rate_is_intervals_over_first_to_last_receipt_as_a_share_of_the_cap() -> None:
    received = [(str(n), n / 10) for n in range(11)]  # 11 sends over 1 s, in any order given
    figures = channel_figures([str(n) for n in range(11)], reversed(received), cap=20.0)
    assert figures["rate_per_s"] == pytest.approx(10.0)
    assert figures["rate_of_cap"] == pytest.approx(0.5)
    assert figures["seconds"] == pytest.approx(1.0)


def test_the_capped_twilio_fake_refuses_beyond_its_cap_within_one_second() -> None:
    http = CappedTwilioHttpClient(3)
    for n in range(5):
        http.request("POST", "https://api.twilio.com/x", data={"To": f"+44{n}"})
    assert [call.outcome for call in http.calls] == ["201", "201", "201", "429", "429"]
    assert len(http.received) == 3
