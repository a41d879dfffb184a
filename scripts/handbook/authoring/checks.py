"""``handbook sprawdz``: every chapter and the data checked without a build.

Chapters are tokenised with MyST's own Markdown parser, so a check sees exactly the
structure Sphinx will see; each finding is ``plik:wiersz: BŁĄD|UWAGA: komunikat`` in Polish.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from handbook.errors import HandbookError
from handbook.settings import Settings
from handbook.sphinxext.charts import chart_label
from handbook.sphinxext.frontmatter import parse as parse_front_matter
from handbook.sphinxext.html_policy import html_problems, unsafe_url

Level = Literal["BŁĄD", "UWAGA"]
_ROLE_TARGET = re.compile(r"<([^<>]+)>\s*$")


@dataclass(frozen=True, order=True)
class Finding:
    path: Path
    line: int
    level: Level
    message: str

    def format(self, root: Path) -> str:
        try:
            shown = self.path.relative_to(root)
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}: {self.level}: {self.message}"


@dataclass
class Book:
    """What references may point at, collected from all chapters before checking any."""

    docs: set[str]
    labels: set[str]
    terms: set[str]
    charts: set[str] | None  # None: the charts file itself is broken
    numbers: set[str]
    # Pages that are not chapters: no front matter, headings from H1.
    exempt: set[str]


def _parser():  # type: ignore[no-untyped-def]
    config = MdParserConfig(enable_extensions={"colon_fence", "deflist", "fieldlist", "substitution"})
    return create_md_parser(config, RendererHTML)


def chapters(settings: Settings) -> list[Path]:
    return sorted(settings.source_dir.glob("*.md"))


def check_book(settings: Settings) -> list[Finding]:
    """All findings for all chapters and the data, sorted by file and line."""
    from handbook.charts.spec import chart_names

    findings: list[Finding] = list(placeholders(settings))
    numbers: set[str] = set()
    try:
        from handbook.data.load import load_tables
        from handbook.numbers.compute import compute_all
        from handbook.pipeline import load_declarations

        tables = load_tables(settings)
        numbers = set(compute_all(load_declarations(settings, tables).numbers, tables))
    except HandbookError as error:
        for problem in error.problems or []:
            column = f"kolumna „{problem.column}”: " if problem.column else ""
            findings.append(Finding(problem.path, problem.line or 1, "BŁĄD", column + problem.message))
        if not error.problems:
            findings.append(Finding(settings.data_dir, 1, "BŁĄD", error.summary))
    md = _parser()
    parsed = {path: md.parse(path.read_text(encoding="utf-8")) for path in chapters(settings)}
    book = Book(
        docs={p.stem for p in parsed},
        labels=set(),
        terms=set(),
        charts=chart_names(settings),
        numbers=numbers,
        exempt=set(settings.pages_without_front_matter),
    )
    for tokens in parsed.values():
        _collect_targets(tokens, book)
    for path, tokens in parsed.items():
        text = path.read_text(encoding="utf-8")
        findings.extend(check_chapter(path, text, tokens, book))
    return sorted(findings)


def _collect_targets(tokens: list[Token], book: Book) -> None:
    for token in tokens:
        if token.type == "myst_target":
            book.labels.add(token.content)
        elif token.type in ("fence", "colon_fence"):
            name = re.search(r"^:name:\s*(\S+)", token.content, re.MULTILINE)
            if name:
                book.labels.add(name.group(1))
            directive = token.info.strip()
            if directive.startswith("{wykres}"):
                book.labels.add(chart_label(directive.split(maxsplit=1)[-1].strip()))
            if directive.startswith("{glossary}"):
                book.terms.update(
                    line.strip()
                    for line in token.content.splitlines()
                    if line.strip() and not line.startswith((" ", "\t")) and not line.startswith(":")
                )


def check_chapter(path: Path, text: str, tokens: list[Token], book: Book) -> Iterator[Finding]:
    lines = text.splitlines()

    def at(token: Token, needle: str = "") -> int:
        start, end = (token.map or [0, 1])[0], (token.map or [0, 1])[1]
        if needle:
            for number in range(start, min(end, len(lines))):
                if needle in lines[number]:
                    return number + 1
        return start + 1

    if path.stem not in book.exempt:
        _, problems = parse_front_matter(text)
        for line, message in problems:
            yield Finding(path, line, "BŁĄD", message)
    level = 1  # the title from the front matter is the chapter's H1
    for token in tokens:
        if token.type == "heading_open":
            current = int(token.tag[1])
            if current == 1 and path.stem not in book.exempt:
                yield Finding(
                    path,
                    at(token),
                    "BŁĄD",
                    "nagłówek „# ” w treści: tytuł rozdziału "
                    "podaj w metryczce (pole tytul), a w treści zaczynaj od „## ”.",
                )
            elif current > level + 1:
                yield Finding(
                    path,
                    at(token),
                    "BŁĄD",
                    f"pominięty poziom nagłówka: po H{level} jest H{current}; użyj „{'#' * (level + 1)} ”.",
                )
            level = current
        elif token.type == "html_block":
            for problem in html_problems(token.content):
                yield Finding(path, at(token), "BŁĄD", problem + ".")
        elif token.type in ("fence", "colon_fence"):
            yield from _check_directive(path, token, at(token), book)
        elif token.type == "inline":
            yield from _check_inline(path, token, at, book)
    for number, line in enumerate(lines, start=1):
        if re.search(r"\]\(\s*(javascript|vbscript|data):", line, re.IGNORECASE):
            yield Finding(path, number, "BŁĄD", "odnośniki „javascript:” są zabronione.")


def _check_directive(path: Path, token: Token, line: int, book: Book) -> Iterator[Finding]:
    directive = token.info.strip()
    name = directive.split(maxsplit=1)
    if directive.startswith("{wykres}"):
        chart = name[1].strip() if len(name) > 1 else ""
        if book.charts is not None and chart not in book.charts:
            known = ", ".join(sorted(book.charts))
            yield Finding(path, line, "BŁĄD", f"nieznany wykres „{chart}”. Dostępne: {known}.")
    elif directive.startswith(("{figure}", "{image}")):
        if not re.search(r"^:alt:\s*\S", token.content, re.MULTILINE):
            yield Finding(
                path,
                line,
                "BŁĄD",
                "rysunek nie ma tekstu alternatywnego: dodaj pod "
                "dyrektywą wiersz „:alt: opis tego, co przedstawia”.",
            )
    elif directive.startswith("{raw}"):
        yield from (
            (Finding(path, line, "BŁĄD", problem + ".") for problem in html_problems(token.content))
            if "html" in directive
            else ()
        )


def _check_inline(path: Path, token: Token, at, book: Book) -> Iterator[Finding]:  # type: ignore[no-untyped-def]
    for child in token.children or []:
        if child.type == "image":
            if not str(child.attrs.get("alt", "") or child.content).strip():
                yield Finding(
                    path,
                    at(token, f"]({child.attrs.get('src', '')}"),
                    "BŁĄD",
                    "obraz nie ma tekstu alternatywnego: wpisz opis w nawiasach "
                    "kwadratowych, np. ![Mapa gmin powiatu](mapa.png).",
                )
        elif child.type == "html_inline":
            for problem in html_problems(child.content):
                yield Finding(path, at(token, child.content), "BŁĄD", problem + ".")
        elif child.type == "link_open" and unsafe_url(str(child.attrs.get("href", ""))):
            yield Finding(path, at(token), "BŁĄD", "odnośniki „javascript:” są zabronione.")
        elif child.type == "myst_role":
            yield from _check_role(path, child, at(token, f"`{child.content}`"), book)
        elif child.type == "text":
            yield from _typography(path, child.content, at(token, child.content[:30]))


def _check_role(path: Path, role: Token, line: int, book: Book) -> Iterator[Finding]:
    name, content = role.meta.get("name", ""), role.content
    target_match = _ROLE_TARGET.search(content)
    target = target_match.group(1) if target_match else content
    if name == "dane" and book.numbers and content not in book.numbers:
        family = sorted(k for k in book.numbers if k.split(":", 1)[0] == content.split(":", 1)[0])
        hint = (
            f"dostępne w tej rodzinie: {', '.join(family)}"
            if family
            else "listę nazw pokazuje polecenie „handbook liczby”"
        )
        yield Finding(path, line, "BŁĄD", f"nieznana liczba z danych „{content}”; {hint}.")
    elif name in ("numref", "ref") and target not in book.labels:
        yield Finding(path, line, "BŁĄD", f"odsyłacz do nieistniejącej etykiety „{target}”.")
    elif name == "doc" and target.removesuffix(".md").lstrip("/") not in book.docs:
        yield Finding(path, line, "BŁĄD", f"odsyłacz do nieistniejącego rozdziału „{target}”.")
    elif name == "term" and target not in book.terms:
        yield Finding(path, line, "BŁĄD", f"termin „{target}” nie występuje w słowniczku.")


def _typography(path: Path, text: str, line: int) -> Iterator[Finding]:
    if '"' in text:
        yield Finding(path, line, "UWAGA", 'proste cudzysłowy "…": w polskim tekście używaj „…”.')
    if " - " in text:
        yield Finding(path, line, "UWAGA", "dywiz „ - ” jako myślnik: użyj półpauzy „ – ”.")
    if "  " in text.strip():
        yield Finding(path, line, "UWAGA", "podwójna spacja.")


def placeholders(settings: Settings) -> Iterator[Finding]:
    """What still holds the new-book skeleton's „(do uzupełnienia)”: settings keys, chapter lines."""
    from handbook.authoring.newbook import PLACEHOLDER
    from handbook.build.config import STATEMENT_MISSING
    from handbook.declared import key_lines

    path = settings.settings_file
    text = path.read_text(encoding="utf-8")
    keys = {line: loc for loc, line in key_lines(text).items()}
    for number, line in enumerate(text.splitlines(), start=1):
        code = "" if line.lstrip().startswith("#") else line
        if PLACEHOLDER in code:
            loc = keys.get(number, ())
            key = ".".join(str(p + 1) if isinstance(p, int) else p for p in loc)
            message = f"pole „{key}” czeka na uzupełnienie: wpisz dane Waszego projektu."
            yield Finding(path, number, "UWAGA", message)
    lines = key_lines(text)
    for key in settings.accessibility.empty_fields:
        yield Finding(
            path,
            lines.get(("dostepnosc", key)) or lines.get(("dostepnosc",)) or 1,
            "UWAGA",
            f"pole „dostepnosc.{key}” jest puste: deklaracja dostępności pokaże w tym miejscu "
            f"„{STATEMENT_MISSING}”.",
        )
    for chapter in chapters(settings):
        for number, line in enumerate(chapter.read_text(encoding="utf-8").splitlines(), start=1):
            if PLACEHOLDER in line and not line.lstrip().startswith(("%", "#")):
                yield Finding(chapter, number, "UWAGA", "tekst czeka na uzupełnienie: zastąp go własnym.")
