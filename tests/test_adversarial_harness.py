"""The adversarial harness itself: a refused input keeps the output, an accepted one may change it."""

from __future__ import annotations

import pytest

from adversarial import Case, check, edit


def test_a_refused_input_is_located_and_keeps_the_output(project):
    case = Case(
        "komorka-z-tekstem",
        lambda p: edit(p / "data" / "gminy.csv", "Modrzew,18400", "Modrzew,dużo"),
        ("data/gminy.csv:2:", "kolumna „ludnosc”", "powinna być liczbą"),
    )
    check(case, project)


def test_a_case_that_does_not_fail_is_caught(project):
    case = Case("nic-zlego", lambda p: None, ("cokolwiek",))
    with pytest.raises(AssertionError):
        check(case, project)


def test_an_accepted_input_builds(project):
    case = Case(
        "zmiana-tekstu",
        lambda p: edit(p / "handbook" / "rozdzial.md", "## Liczby", "## Liczby i fakty"),
        ("Strona gotowa",),
        accepted=True,
        absent=("alert(1)",),
    )
    check(case, project)
