"""Polish typography on real sentences from the handbook, including the edge cases."""

from __future__ import annotations

import pytest

from handbook.sphinxext.typography import polish_spacing

NB, ND = "\u00a0", "\u2013"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Projekt trwał w 2017 r. i objął 6 gmin.", f"Projekt trwał w{NB}2017{NB}r. i{NB}objął 6 gmin."),
        ("W gminie Raszyn i w Piastowie", f"W{NB}gminie Raszyn i{NB}w{NB}Piastowie"),
        ("A teraz o tym, z kim", f"A{NB}teraz o{NB}tym, z{NB}kim"),
        ("Zasięg 26000 osób, budżet 1234567 zł", f"Zasięg 26{NB}000 osób, budżet 1{NB}234{NB}567{NB}zł"),
        ("Zasięg 26 000 osób", f"Zasięg 26{NB}000 osób"),
        ("rok 2017 i 1999", f"rok 2017 i{NB}1999"),
        ("Sieć - stała i otwarta", f"Sieć {ND} stała i{NB}otwarta"),
        ("zajęcia 6-8 października, art. 40-43", f"zajęcia 6{ND}8 października, art.{NB}40{ND}43"),
        ("data 2017-09-10 bez zmian", "data 2017-09-10 bez zmian"),
        ("Dz.U. 2003 nr 96 poz. 873", f"Dz.U. 2003 nr{NB}96 poz.{NB}873"),
        ("wzrost o 5 % i 12 godz.", f"wzrost o{NB}5{NB}% i{NB}12{NB}godz."),
        (
            "strona https://example.org/a-1-2 i mail a@b.pl",
            f"strona https://example.org/a-1-2 i{NB}mail a@b.pl",
        ),
        ("identyfikator U01 i W12", f"identyfikator U01 i{NB}W12"),
        ("koło-w zespole", "koło-w zespole"),
        ("Deklarację sporządzono 15 marca 2026 r..", f"Deklarację sporządzono 15 marca 2026{NB}r."),
        ("I tak dalej...", f"I{NB}tak dalej..."),
    ],
)
def test_rules_on_sentences(text, expected):
    assert polish_spacing(text) == expected


def test_idempotent():
    text = "W 2017 r. w 6 gminach - 26000 osób, zajęcia 6-8 X"
    once = polish_spacing(text)
    assert polish_spacing(once) == once
