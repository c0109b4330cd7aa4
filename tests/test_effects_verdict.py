"""The Dutch verdict for a null, a positive and a negative effect."""

from __future__ import annotations

from warehouse.effects import verdict
from warehouse.effects.verdict import dutch_number


def test_dutch_number_format():
    assert dutch_number(1.234) == "1,2"
    assert dutch_number(-1.25, sign=True) == "−1,2"  # round half to even, as Python formats
    assert dutch_number(0.04, sign=True) == "0,0"
    assert dutch_number(1234.5, 1) == "1.234,5"
    assert dutch_number(3.0, sign=True) == "+3,0"


def test_null_result_says_no_demonstrable_effect():
    text = verdict(0.004, -0.011, 0.019, placebo_p=0.4)
    assert text.startswith("Geen aantoonbaar effect: het geschatte verschil is +0,4 procentpunt")
    assert "95%-interval −1,1 tot +1,9 procentpunt bevat 0" in text
    assert "niet dat er zeker geen effect is" in text
    assert "p = 0,40" in text


def test_positive_result_gives_size_direction_interval_and_caution():
    text = verdict(0.031, 0.012, 0.05)
    assert text.startswith("Aanwijzing voor een positief effect: de uitkomst ligt naar schatting 3,1 procentpunt hoger")
    assert "(95%-interval +1,2 tot +5,0 procentpunt)" in text
    assert "geen bewijs dat het deelproject de oorzaak is" in text
    assert "Placebotoets" not in text


def test_negative_result():
    text = verdict(-0.031, -0.05, -0.012, placebo_p=0.024)
    assert text.startswith("Aanwijzing voor een negatief effect: de uitkomst ligt naar schatting 3,1 procentpunt lager")
    assert "(95%-interval −5,0 tot −1,2 procentpunt)" in text
    assert "p = 0,02" in text
