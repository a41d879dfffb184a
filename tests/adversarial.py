"""The harness of the adversarial suites: one bad input per case, run against a built test book.

A case changes a copy of the test book (tests/roots/base) that has already been built, runs a
``handbook`` command in this process, and the harness checks what every bad input must give:

- the exit code (1 for a refused input; 0 where an input is deliberately accepted);
- a Polish message naming the place (``plik:wiersz``) and the cause;
- no traceback and no English message of a library;
- the last good ``_build/html`` and ``_build/pdf`` byte-identical after a refusal;
- nothing the case forbids (a script, a file's content from outside the book) in the site or PDF.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from conftest import copy_project
from handbook.cli import main

OUTPUTS = ("html", "pdf")
# Words that betray a library's message reaching an editor untranslated.
ENGLISH = re.compile(
    r"\b(Traceback|Exception|Error:|WARNING|ERROR|is not|cannot|could not|expected|invalid|"
    r"not found|No such file|Permission denied|unexpected|does not exist|failed)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it, and what the editor must be told."""

    id: str
    change: Callable[[Path], None]
    # Parts of the message, e.g. ("handbook/rozdzial.md:15:", "nieznany wykres"); all must appear.
    message: tuple[str, ...]
    command: tuple[str, ...] = ("buduj",)
    # The input is allowed (the command succeeds), typically made harmless on the way.
    accepted: bool = False
    # Strings that must not reach the built site or PDF.
    absent: tuple[str, ...] = ()
    # Messages that must not be printed: follow-on noise that points away from the cause.
    not_said: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True)
class Result:
    code: int
    output: str


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first *old* in *path* (which must be there: a case that changes nothing lies)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


def built_book(folder: Path) -> Path:
    """The test book, built once (HTML and PDF): the last good output every case must keep."""
    project = copy_project(folder / "zbudowany")
    result = run(project, "buduj")
    assert result.code == 0, result.output
    return project


def fresh_copy(built: Path, folder: Path) -> Path:
    target = folder / "p"
    shutil.copytree(built, target, symlinks=True)
    return target


def run(project: Path, *args: str) -> Result:
    """``handbook --katalog PROJECT ARGS`` in this process, with what it prints."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        code = main(["--katalog", str(project), *args])
    return Result(code, output.getvalue())


def digest(project: Path) -> dict[str, str]:
    """Every file of the published outputs with the hash of its bytes."""
    found = {}
    for part in OUTPUTS:
        folder = project / "_build" / part
        for path in sorted(folder.rglob("*")) if folder.exists() else ():
            if path.is_file():
                found[str(path.relative_to(project))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def published_text(project: Path) -> Iterator[tuple[str, str]]:
    """(file, text) of everything published: site files as text, the PDF's text layer."""
    from pypdf import PdfReader

    textual = (".html", ".svg", ".js", ".css", ".txt", ".xml", ".json", ".csv")
    for path in sorted((project / "_build" / "html").rglob("*")):
        if path.is_file() and path.suffix in textual:
            yield str(path.relative_to(project)), path.read_text(encoding="utf-8", errors="replace")
    for pdf in sorted((project / "_build" / "pdf").glob("*.pdf")):
        yield str(pdf.relative_to(project)), " ".join(page.extract_text() for page in PdfReader(pdf).pages)


def check(case: Case, project: Path) -> Result:
    """Run *case* on a built copy of the book and assert everything a bad input must give."""
    before = digest(project)
    case.change(project)
    result = run(project, *case.command)
    text = result.output
    assert "Traceback" not in text, text
    assert result.code == (0 if case.accepted else 1), text
    for part in case.message:
        assert part in text, f"{part!r} not in:\n{text}"
    for noise in case.not_said:
        assert noise not in text, f"{noise!r} in:\n{text}"
    english = [m.group() for m in ENGLISH.finditer(text)]
    assert english == [], f"English in the message: {english}\n{text}"
    if not case.accepted:
        assert digest(project) == before, "the last good output changed"
    for bad in case.absent:
        for name, published in published_text(project):
            assert bad not in published, f"{bad!r} reached {name}"
    return result
