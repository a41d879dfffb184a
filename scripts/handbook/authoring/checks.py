"""``handbook sprawdz``: every chapter and the data checked without a build.

Chapters are tokenised with MyST's own Markdown parser, so a check sees exactly the
structure Sphinx will see; each finding is ``plik:wiersz: BŁĄD|UWAGA: komunikat`` in Polish.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from handbook.data.privacy import AMOUNT_COLUMN, EMAIL, PHONE, Found, find_personal_data
from handbook.declared import SAVE_AS_UTF8, decode_problem
from handbook.errors import HandbookError
from handbook.pdf.mathconv import UnsupportedMath, latex_to_typst
from handbook.settings import Settings
from handbook.sphinxext.boundary import Refused
from handbook.sphinxext.charts import chart_label
from handbook.sphinxext.frontmatter import parse as parse_front_matter
from handbook.sphinxext.html_policy import html_problems, inline_attribute_problems, inspect, url_scheme
from handbook.sphinxext.parser import author_attributes, configure, substitution_value

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
    # What {{ name }} may name (the accessibility statement's fields).
    substitutions: dict[str, str]
    # The book's public e-mail and phone, which the personal-data guard lets through.
    contacts: frozenset[str] = frozenset()
    # Where {literalinclude} paths start (the chapters' folder) and what they may not leave.
    source_dir: Path | None = None
    root: Path | None = None


def _parser():  # type: ignore[no-untyped-def]
    # The build's own syntax and additions (parser.py), so a check sees what Sphinx will see.
    from handbook.build.config import MYST_EXTENSIONS

    config = MdParserConfig(enable_extensions=set(MYST_EXTENSIONS))
    return configure(create_md_parser(config, RendererHTML))


def chapters(settings: Settings) -> list[Path]:
    return sorted(settings.source_dir.glob("*.md"))


def check_book(settings: Settings) -> list[Finding]:
    """All findings for all chapters and the data, sorted by file and line."""
    from handbook.build.config import substitutions
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
    texts, unreadable = chapter_texts(settings)
    findings += unreadable
    parsed = {path: md.parse(text) for path, text in texts.items()}
    book = Book(
        docs={p.stem for p in parsed},
        labels=set(),
        terms=set(),
        charts=chart_names(settings),
        numbers=numbers,
        exempt=set(settings.pages_without_front_matter),
        substitutions=substitutions(settings),
        contacts=settings.public_contacts,
        source_dir=settings.source_dir,
        root=settings.root,
    )
    for tokens in parsed.values():
        _collect_targets(tokens, book)
    for path, tokens in parsed.items():
        findings.extend(check_chapter(path, texts[path], tokens, book))
    return sorted(findings)


def chapter_texts(settings: Settings) -> tuple[dict[Path, str], list[Finding]]:
    """Each chapter's text; one that is not UTF-8 is a finding (Sphinx will not read it either)."""
    texts: dict[Path, str] = {}
    unreadable: list[Finding] = []
    for path in chapters(settings):
        raw = path.read_bytes()
        problem = decode_problem(raw)
        if problem:
            cause, line = problem
            unreadable.append(Finding(path, line or 1, "BŁĄD", f"{cause}; {SAVE_AS_UTF8}."))
        else:
            texts[path] = raw.decode("utf-8-sig")
    return texts, unreadable


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
        _, problems = parse_front_matter(text, book.contacts)
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
        elif token.type == "substitution_block":
            yield from _check_substitution(path, token, at(token), book)
        elif token.type in ("fence", "colon_fence"):
            yield from _check_directive(path, token, at(token), book)
        elif token.type == "inline":
            yield from _check_inline(path, token, at, book)
    yield from _personal_data(path, tokens, book)
    yield from _formulas(path, tokens)


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
        formats = directive.removeprefix("{raw}").split()
        if formats != ["html"]:
            yield Finding(
                path,
                line,
                "BŁĄD",
                f"wstawka w formacie „{' '.join(formats)}” jest niedozwolona; "
                "zastąp ją zwykłym tekstem Markdown.",
            )
        else:
            for problem in html_problems(token.content):
                yield Finding(path, line, "BŁĄD", problem + ".")


def _check_substitution(path: Path, token: Token, line: int, book: Book) -> Iterator[Finding]:
    try:
        substitution_value(token.content, book.substitutions)
    except Refused as refusal:
        yield Finding(path, line, "BŁĄD", f"{refusal}.")


def _check_inline(path: Path, token: Token, at, book: Book) -> Iterator[Finding]:  # type: ignore[no-untyped-def]
    children = token.children or []
    # Markdown splits inline HTML into one token per tag: the pieces are judged together.
    html = [child for child in children if child.type == "html_inline"]
    if html:
        pieces = [child.content if child.type == "html_inline" else None for child in children]
        for problem in inspect(pieces).problems:
            yield Finding(path, at(token, html[0].content), "BŁĄD", problem + ".")
    for child in children:
        kind = child.type.removesuffix("_open")
        if kind in ("link", "image", "code_inline", "span"):
            needle = str(child.attrs.get("href") or child.attrs.get("src") or "")
            for problem in inline_attribute_problems(kind, author_attributes(child.attrs, child.meta)):
                yield Finding(path, at(token, needle), "BŁĄD", problem + ".")
        if child.type == "image":
            source = str(child.attrs.get("src", ""))
            if url_scheme(source) or source.startswith("//"):
                yield Finding(
                    path,
                    at(token, f"]({source}"),
                    "BŁĄD",
                    f"obraz „{source[:40]}” to adres, a nie plik podręcznika; "
                    "zapisz plik w folderze podręcznika.",
                )
            if not str(child.attrs.get("alt", "") or child.content).strip():
                yield Finding(
                    path,
                    at(token, f"]({child.attrs.get('src', '')}"),
                    "BŁĄD",
                    "obraz nie ma tekstu alternatywnego: wpisz opis w nawiasach "
                    "kwadratowych, np. ![Mapa gmin powiatu](mapa.png).",
                )
        elif child.type == "substitution_inline":
            yield from _check_substitution(path, child, at(token, child.content), book)
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


# --- Formulas: what the PDF's converter refuses, before a build --------------------------------


def _formulas(path: Path, tokens: list[Token]) -> Iterator[Finding]:
    """Each {math} role and ```{math}``` block the PDF cannot set, with the converter's reason."""
    for token in tokens:
        line = (token.map or [0, 1])[0] + 1
        formulas: list[tuple[int, str, bool]] = []  # line, LaTeX, display (a block)
        if token.type == "inline":
            row = line
            for child in token.children or []:
                if child.type in ("softbreak", "hardbreak"):
                    row += 1
                elif child.type == "myst_role" and child.meta.get("name") == "math":
                    formulas.append((row, child.content, False))
        elif token.type in ("fence", "colon_fence") and re.match(r"\{math\}", token.info.strip()):
            options, body_start = _split_options(token.content)
            body = "\n".join(token.content.splitlines()[body_start:])
            # A block may hold several formulas separated by blank lines, as in the build.
            for part in re.split(r"\n\s*\n", body):
                if part.strip():
                    formulas.append((line + 1 + body_start, part, True))
        for at, formula, block in formulas:
            try:
                latex_to_typst(formula, block=block)
            except UnsupportedMath as refused:
                yield Finding(path, at, "BŁĄD", f"wzoru nie da się złożyć w PDF: {refused}.")


# --- Personal data: the same guard as the build's (sphinxext/personal.py) ---------------------

# Directives whose body is shown as code, line by line.
_CODE_BODY = ("code", "code-block", "code-cell", "sourcecode")
_CONTACT_SCHEMES = ("mailto:", "tel:", "callto:", "sms:")
_OPTION = re.compile(r"^:[\w-]+:(?:\s|$)")
_TAG = re.compile(r"<[^<>]*>")
# Largest file of a {literalinclude} read for personal data.
_INCLUDED_LIMIT = 1_000_000


def _personal_data(path: Path, tokens: list[Token], book: Book) -> Iterator[Finding]:
    """Personal data anywhere a chapter publishes it, one finding per line and contact."""
    seen: set[tuple[int, str]] = set()
    for line, found in _personal_in(tokens, 0, path, book):
        if (line, found.key) not in seen:
            seen.add((line, found.key))
            yield Finding(path, line, "BŁĄD", found.message())


Located = Iterator[tuple[int, Found]]


def _found(text: str, line: int, book: Book, *, prose: bool = True, math: bool = False) -> Located:
    """Each find in *text* (which starts at *line*) with its own line."""
    for found in find_personal_data(text, book.contacts, prose=prose, math=math):
        yield line + text[: found.start].count("\n"), found


def _personal_in(tokens: list[Token], offset: int, path: Path, book: Book) -> Located:
    """Finds in *tokens* (parsed from a text whose first line is line *offset* + 1 of the file)."""
    headers: dict[int, str] = {}
    column, in_head, in_cell = -1, False, False
    for token in tokens:
        line = offset + (token.map or [0, 1])[0] + 1
        if token.type == "table_open":
            headers = {}
        elif token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"
        elif token.type == "tr_open":
            column = -1
        elif token.type in ("th_open", "td_open"):
            column, in_cell = column + 1, True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            if in_cell and in_head:
                headers[column] = text
            amounts = in_cell and not in_head and AMOUNT_COLUMN.search(headers.get(column, ""))
            for at, found in _found(text, line, book):
                # A bare amount in a column headed „Kwota (zł)”, „Liczba osób”… (as in the build).
                if not (amounts and found.kind == PHONE and text.strip() == found.text.strip()):
                    yield at, found
            yield from _inline_attributes(token.children or [], line, book)
        elif token.type == "code_block":
            yield from _found(token.content, line, book, prose=False)
        elif token.type == "html_block":
            source = html.unescape(token.content)
            yield from _found(source, line, book)
            yield from _found(_TAG.sub("", source), line, book)
        elif token.type in ("fence", "colon_fence"):
            yield from _personal_in_directive(token, line, path, book)


def _inline_text(children: list[Token]) -> str:
    """A paragraph's text as published: markup gone, soft line breaks as newlines."""
    parts = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "html_inline":
            parts.append(" " if re.match(r"(?i)<br\b", child.content) else "")
        elif child.type == "myst_role" and child.meta.get("name") not in ("dane", "math"):
            parts.append(child.content)
    return "".join(parts)


def _inline_attributes(children: list[Token], line: int, book: Book) -> Located:
    """Link targets and titles, images' alt texts and titles, raw HTML's attributes, formulas."""
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            target = unquote(str(child.attrs.get("href", "")))
            if target.lower().startswith(_CONTACT_SCHEMES):
                yield from _found(target.split(":", 1)[1], line, book)
            else:
                # Any other address: e-mails only (its path and query are full of numbers).
                yield from ((at, f) for at, f in _found(target, line, book) if f.kind == EMAIL)
            yield from _found(str(child.attrs.get("title") or ""), line, book)
        elif child.type == "image":
            yield from _found(child.content, line, book)
            yield from _found(str(child.attrs.get("title") or ""), line, book)
        elif child.type == "html_inline":
            yield from _found(html.unescape(child.content), line, book)
        elif child.type == "myst_role" and child.meta.get("name") == "math":
            yield from _found(child.content, line, book, math=True)


def _split_options(content: str) -> tuple[list[str], int]:
    """A directive's option lines (``:key: value`` or a YAML block) and where its body starts."""
    lines = content.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((n for n in range(1, len(lines)) if lines[n].strip() == "---"), len(lines) - 1)
        return lines[1:end], end + 1
    count = 0
    while count < len(lines) and _OPTION.match(lines[count]):
        count += 1
    return lines[:count], count


def _personal_in_directive(token: Token, line: int, path: Path, book: Book) -> Located:
    info = token.info.strip()
    named = re.match(r"\{([^}]*)\}\s*(.*)", info)
    if named is None:
        # A code fence (```text): published as written, line by line.
        yield from _found(token.content, line + 1, book, prose=False)
        return
    name, argument = named.group(1), named.group(2).strip()
    yield from _found(argument, line, book)
    options, body_start = _split_options(token.content)
    for option in options:
        # At the directive's line, where the build reports what an option made (a caption).
        yield from ((line, found) for _, found in _found(option, line, book))
    body = "\n".join(token.content.splitlines()[body_start:])
    body_line = line + 1 + body_start
    if name in _CODE_BODY:
        yield from _found(body, body_line, book, prose=False)
    elif name == "math":
        yield from _found(body, body_line, book, prose=False, math=True)
    elif name == "raw":
        yield from _found(html.unescape(body), body_line, book)
    elif name == "eval-rst":
        yield from _found(body, body_line, book)
    elif name == "literalinclude":
        included = _included_text(path, argument, book)
        yield from ((line, found) for _, found in _found(included, line, book, prose=False))
    elif name != "include":
        # A note, a table, a glossary…: its body is Markdown, parsed like the chapter's.
        yield from _personal_in(_parser().parse(body), body_line - 1, path, book)


def _included_text(path: Path, argument: str, book: Book) -> str:
    """The text a {literalinclude} shows, if it is a file of the book (the build refuses others)."""
    if not argument or book.root is None:
        return ""
    base = book.source_dir if argument.startswith("/") and book.source_dir else path.parent
    target = (base / argument.lstrip("/")).resolve()
    try:
        target.relative_to(book.root.resolve())
        if target.is_file() and target.stat().st_size <= _INCLUDED_LIMIT:
            return target.read_text(encoding="utf-8-sig")
    except (ValueError, OSError, UnicodeDecodeError):
        pass
    return ""


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
    for index, funder in enumerate(settings.project.funder_logos):
        # A stand-in drawing says so in its text; the funder's own file is needed for print.
        drawing = settings.book_file(funder.file)
        if drawing.suffix.lower() == ".svg" and PLACEHOLDER in drawing.read_text(encoding="utf-8"):
            yield Finding(
                path,
                lines.get(("projekt", "logotypy", index, "plik")) or 1,
                "UWAGA",
                f"logo „{funder.description}” to wciąż rysunek zastępczy ({funder.file}): "
                "podmień plik na oficjalne logo od grantodawcy.",
            )
    for chapter, chapter_text in chapter_texts(settings)[0].items():
        for number, line in enumerate(chapter_text.splitlines(), start=1):
            if PLACEHOLDER in line and not line.lstrip().startswith(("%", "#")):
                yield Finding(chapter, number, "UWAGA", "tekst czeka na uzupełnienie: zastąp go własnym.")
