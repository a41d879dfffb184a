"""Polish number and date formatting."""

from __future__ import annotations

import datetime as dt

import pytest

from handbook import fmt

NB = "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1234, 0, f"1{NB}234"),
        (26000, 0, f"26{NB}000"),
        (1234567.891, 2, f"1{NB}234{NB}567,89"),
        (3.6, 1, "3,6"),
        (-1500, 0, f"-1{NB}500"),
    ],
)
def test_number(value, decimals, expected):
    assert fmt.number(value, decimals) == expected


def test_percent():
    assert fmt.percent(0.125, 1) == "12,5%"
    assert fmt.percent(54 / 128) == "42%"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2017, 9, 10), f"10 września 2017{NB}r."),
        (dt.date(2017, 12, 9), f"9 grudnia 2017{NB}r."),
        (dt.date(2017, 7, 1), f"1 lipca 2017{NB}r."),
    ],
)
def test_date_uses_the_genitive(day, expected):
    assert fmt.date(day) == expected


def test_month_and_short_date():
    assert fmt.month(dt.date(2017, 10, 1)) == "październik"
    assert fmt.short_date(dt.date(2017, 11, 19)) == f"19{NB}XI"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 błędów"),
        (1, "1 błąd"),
        (2, "2 błędy"),
        (4, "4 błędy"),
        (5, "5 błędów"),
        (12, "12 błędów"),
        (22, "22 błędy"),
        (25, "25 błędów"),
        (104, "104 błędy"),
        (111, "111 błędów"),
    ],
)
def test_counts_take_the_polish_form_of_their_noun(n, expected):
    assert fmt.count(n, ("błąd", "błędy", "błędów")).replace(NB, " ") == expected


def test_a_fraction_takes_the_genitive_singular():
    assert fmt.plural(2.5, ("godzina", "godziny", "godzin")) == "godziny"
