"""Typst's compile errors traced back to the chapter and said in Polish.

The typst wheel's ``TypstError`` gives the message, hints and trace, but the location only in
``diagnostic``, the text Typst prints (``┌─ file:line:column`` under each message). The line in
the generated Typst is traced back through the source marker the translator writes before each
block (``// źródło: N``, see ``TypstTranslator.block``) to the node it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from handbook.pdf.translator import SOURCE_MARKER

_ERROR = re.compile(r"^error: ", re.MULTILINE)
_SPAN = re.compile(r"┌─ (?P<file>.+?):(?P<line>\d+):\d+\s*$", re.MULTILINE)
_HINT = re.compile(r"^\s*= hint: (?P<hint>.*)$", re.MULTILINE)
_MARKER = re.compile(r"^\s*" + re.escape(SOURCE_MARKER) + r"(?P<index>\d+)\s*$")
_STANDARD = re.compile(r"^(?:PDF/[\w-]+(?:, )?)+ error: ")

# Typst's most common messages → what is wrong, in the author's terms. A message that already
# says what to do ends with ";" + the advice; the others get the general one (ADVICE).
_POLISH = tuple(
    (re.compile(pattern), polish)
    for pattern, polish in (
        (
            r"the text `\"(.+)\"` could not be displayed with font `\"(.+)\"`",
            "znaku „\\1” nie ma w kroju pisma PDF („\\2”); usuń go albo zastąp słowem "
            "(emoji i rzadkie znaki nie trafiają do druku)",
        ),
        (r"unknown variable: (.+)", "nieznana nazwa „\\1” w źródle Typst"),
        (r"unclosed delimiter", "niezamknięty nawias albo znak $ w źródle Typst"),
        (r"unclosed string", "niezamknięty cudzysłów w źródle Typst"),
        (r"unexpected (.+)", "nieoczekiwany element: \\1"),
        (r"expected (.+?), found (.+)", "oczekiwano: \\1, a jest: \\2"),
        (r"expected (.+)", "brakuje elementu: \\1"),
        (r"file not found \(searched at (.+)\)", "brak pliku (szukano: \\1)"),
        (r"failed to (?:load|decode) (?:file|image).*", "nie można odczytać pliku lub obrazu"),
        (r"missing alt text", "obraz bez tekstu alternatywnego"),
        (r"missing document title", "brak tytułu dokumentu (tytul w conf/handbook.toml)"),
    )
)


ADVICE = "popraw ten fragment rozdziału, a jeśli wygląda poprawnie, zgłoś błąd zespołowi technicznemu"


@dataclass(frozen=True)
class CompileProblem:
    """One Typst error: Polish text, the number of the source marker before it (or None), and
    the generated file that marker is in, as the diagnostic names it."""

    message: str
    source: int | None
    file: str | None = None


def compile_problems(diagnostic: str, read: Callable[[str], str | None]) -> list[CompileProblem]:
    """Every error in Typst's *diagnostic*, located by the markers of the file *read* returns.

    *read* gets a file name as the diagnostic prints it and returns its text when it is a
    generated file with markers (None for the template or anything else). Of the spans of an
    error (its own, then the calls that led to it), the first one in such a file counts.
    """
    problems = []
    for block in _ERROR.split(diagnostic)[1:]:
        english = block.splitlines()[0].strip()
        source, file = None, None
        for span in _SPAN.finditer(block):
            text = read(span["file"])
            if text is not None:
                source, file = _marker_before(text, int(span["line"])), span["file"]
                break
        hints = [h["hint"].strip() for h in _HINT.finditer(block)]
        problems.append(CompileProblem(polish_message(english, hints), source, file))
    return problems


def _marker_before(text: str, line: int) -> int | None:
    """The number of the nearest source marker at or above *line* (1-based)."""
    lines = text.splitlines()
    for number in range(min(line, len(lines)) - 1, -1, -1):
        found = _MARKER.match(lines[number])
        if found:
            return int(found["index"])
    return None


def polish_message(english: str, hints: list[str] | None = None) -> str:
    """„PDF nie powstał: …” with Typst's message in Polish where known, and what to do."""
    core = _STANDARD.sub("", english)
    for pattern, polish in _POLISH:
        found = pattern.fullmatch(core)
        if found:
            said = found.expand(polish)
            break
    else:
        said = f"Typst zgłosił błąd „{core}”"
        if hints:
            said += f" (wskazówka Typst: {' / '.join(hints)})"
    return f"PDF nie powstał: {said}." if ";" in said else f"PDF nie powstał: {said}; {ADVICE}."
