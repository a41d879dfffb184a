"""Sphinx's warnings rewritten as Polish ``plik:wiersz: komunikat`` lines for authors."""

from __future__ import annotations

import re

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LINE = re.compile(r"^(?P<where>.*?):? ?(?P<level>WARNING|ERROR|CRITICAL|SEVERE): (?P<text>.*)$")

# English message of Sphinx/docutils/MyST (regex) → Polish text with what to do.
_TRANSLATIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), polish)
    for pattern, polish in (
        (
            r"term not in glossary: '(.+)'",
            "termin „\\1” nie występuje w słowniczku (dyrektywa ```{glossary}```); sprawdź pisownię "
            "albo dopisz go do słowniczka",
        ),
        (
            r"undefined label: '(.+)'",
            "odsyłacz do nieistniejącej etykiety „\\1”; sprawdź nazwę tabeli, wykresu lub sekcji",
        ),
        (
            r"unknown document: '(.+)'",
            "odsyłacz do nieistniejącego rozdziału „\\1”; sprawdź nazwę pliku (bez .md)",
        ),
        (
            r"toctree contains reference to nonexisting document '(.+)'",
            "spis treści wskazuje nieistniejący rozdział „\\1”",
        ),
        (r"document isn't included in any toctree", "rozdział nie jest w spisie treści (handbook/index.md)"),
        (r"image file not readable: (.+)", "nie można odczytać obrazu \\1; sprawdź ścieżkę"),
        (
            r"Footnote \[(.+)\] is not referenced\.?",
            "przypis [^\\1] jest zdefiniowany, ale nigdzie nie użyty",
        ),
        (r"Unknown target name: \"(.+)\"\.?", "nieznany cel odsyłacza „\\1”"),
        (r"Unknown directive type: '(.+)'.*", "nieznana dyrektywa „\\1”"),
        (r"Unknown interpreted text role \"(.+)\"\.?", "nieznana rola „\\1”"),
        (
            r"duplicate label (.+?), other instance in (.+)",
            "etykieta „\\1” powtarza się (druga w \\2); nadaj inną nazwę",
        ),
        (
            r"Non-consecutive header level increase; H(\d) to H(\d).*",
            "pominięty poziom nagłówka (z H\\1 na H\\2); nie przeskakuj poziomów",
        ),
        (
            r"Document headings start at H(\d), not H1.*",
            "nagłówki zaczynają się od H\\1; tytuł rozdziału podaj w metryczce (tytul)",
        ),
        (r"Duplicate explicit target name: \"(.+)\"\.?", "powtórzona nazwa celu „\\1”"),
        (
            r"Content block expected for the \"(.+)\" directive; none found\.?",
            "dyrektywa „\\1” nie ma treści",
        ),
        (r"Malformed YAML.*", "metryczka nie jest poprawnym YAML-em"),
        (r"Invalid (?:.+) reference (.+)", "błędny odsyłacz \\1"),
    )
)


def translate(line: str) -> str:
    """One warning line of Sphinx → ``plik:wiersz: komunikat`` with the text in Polish."""
    line = ANSI.sub("", line).rstrip()
    match = LINE.match(line)
    if not match:
        return line
    text = match["text"]
    tag = ""
    if text.endswith("]") and " [" in text:
        text, tag = text.rsplit(" [", 1)
        tag = f" [{tag}"
    for pattern, polish in _TRANSLATIONS:
        if pattern.fullmatch(text):
            text = pattern.sub(polish, text)
            break
    where = match["where"] or "(podręcznik)"
    return f"{where}: {text}{tag}"
