"""Chapter front matter: validated on read, its title made the heading, a byline added."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from docutils import nodes
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import SphinxError
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from handbook.data.privacy import find_personal_data, public_contacts
from handbook.declared import SAVE_AS_UTF8, decode_problem

logger = logging.getLogger(__name__)

FENCE = "---"
TITLE_KEY = "tytul"
STATUS_LABELS = {"szkic": "szkic", "recenzja": "w recenzji", "gotowy": "gotowy"}
BYLINE = "handbook-byline"


class Author(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rola: str = Field(min_length=1)
    organizacja: str = Field(min_length=1)
    # Filled in by the editor only once a person agrees to be named.
    imie_nazwisko: str | None = None


class FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tytul: str = Field(min_length=1)
    autorzy: tuple[Author, ...] = Field(min_length=1)
    status: Literal["szkic", "recenzja", "gotowy"]
    streszczenie: str = Field(min_length=1)
    slowa_kluczowe: tuple[str, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Block:
    """The YAML between the first two ``---`` lines: its text and where it ends."""

    text: str
    end_line: int  # 1-based line number of the closing fence


def find_block(source: str) -> Block | None:
    lines = source.splitlines()
    if not lines or lines[0].strip() != FENCE:
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            return Block("\n".join(lines[1:index]), index + 1)
    return None


_MESSAGES = {
    "missing": "brak wymaganego pola",
    "extra_forbidden": "nieznane pole (literówka?)",
    "string_type": "oczekiwano tekstu",
    "string_too_short": "pole nie może być puste",
    "too_short": "lista nie może być pusta",
    "tuple_type": "oczekiwano listy",
    "literal_error": "niedozwolona wartość; dozwolone: szkic, recenzja, gotowy",
    "model_type": "oczekiwano pól rola, organizacja, imie_nazwisko",
}


def parse(
    source: str, allowed: frozenset[str] = frozenset()
) -> tuple[FrontMatter | None, list[tuple[int, str]]]:
    """Validate the front matter of *source*; problems are (line, Polish message) pairs.

    Its values are published in the byline, so personal data in them (but the public contacts
    in *allowed*) is a problem too.
    """
    block = find_block(source)
    if block is None:
        return None, [(1, "brak metryczki (bloku między liniami „---” na początku pliku).")]
    refused = _refused_yaml(block.text)
    if refused:
        return None, [refused]
    try:
        data = yaml.safe_load(block.text) or {}
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(exc)]
    if not isinstance(data, dict):
        return None, [(1, "metryczka musi składać się z par „pole: wartość”.")]
    personal = [
        (line, f"pole „{_shown(loc)}” w metryczce zawiera {found.describe()}; {found.advice}")
        for loc, value, line in _scalars(yaml.compose(block.text))
        for found in find_personal_data(value, allowed)
    ]
    try:
        front = FrontMatter.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = error["loc"]
            field = ".".join(str(part + 1) if isinstance(part, int) else part for part in loc)
            text = _MESSAGES.get(error["type"], error["msg"])
            value = "" if error["type"] == "missing" else f" (jest: {_value(error['input'])})"
            problems.append((_line_of(block, loc), f"pole „{field}” w metryczce: {text}{value}."))
        return None, problems + personal
    return front, personal


# PyYAML's problems (the text after "found …"/"expected …") → what an author should do.
_YAML_PROBLEMS = (
    (
        r"found character '\\t' that cannot start any token",
        "w metryczce jest znak tabulacji; wcięcia rób spacjami",
    ),
    (r"expected ',' or '\]'.*", "lista w nawiasach [ ] nie jest zamknięta albo brakuje w niej przecinka"),
    (r"expected ',' or '\}'.*", "nawias { } nie jest zamknięty albo brakuje w nim przecinka"),
    (r"found unexpected end of stream", "cudzysłów albo nawias nie jest zamknięty"),
    (r"found unexpected ':'", "dwukropek w wartości: ujmij całą wartość w cudzysłów"),
    (r"mapping values are not allowed here", "dwukropek w wartości: ujmij całą wartość w cudzysłów"),
    (r"could not find expected ':'", "po nazwie pola brakuje dwukropka (pole: wartość)"),
    (r"found unknown escape character.*", "niedozwolony znak po „\\” w cudzysłowie; użyj apostrofów '…'"),
    (
        r"found character '.' that cannot start any token",
        "wartości zaczynające się od @ lub ` ujmij w cudzysłów",
    ),
    (
        r"expected <block end>, but found .*",
        "niepoprawne wcięcie: pola tego samego poziomu zaczynaj w tej samej kolumnie",
    ),
    (
        r"did not find expected (?:key|'-' indicator|node content).*",
        "niepoprawne wcięcie albo niezamknięty cudzysłów",
    ),
)


def _yaml_problem(exc: yaml.YAMLError) -> tuple[int, str]:
    """A YAML syntax error as (line, Polish message): the cause when known, never PyYAML's English."""
    # Where the broken construct starts (the opening quote or bracket), else where YAML gave up.
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    line = mark.line + 2 if mark is not None else 1
    problem = str(getattr(exc, "problem", "") or "")
    cause = next((polish for pattern, polish in _YAML_PROBLEMS if re.fullmatch(pattern, problem)), None)
    cause = cause or "sprawdź wcięcia, dwukropki po nazwach pól, cudzysłowy i nawiasy w tym wierszu"
    return line, f"metryczka nie jest poprawnym YAML-em: {cause}."


def _refused_yaml(text: str) -> tuple[int, str] | None:
    """What YAML allows but a front matter never needs: tags, anchors and aliases, repeated keys.

    A tag (``!!python/…``) asks for an object, aliases can expand exponentially („billion
    laughs”), and a repeated key silently loses one of its values.
    """
    try:
        for event in yaml.parse(text):
            line = event.start_mark.line + 2
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return (
                    line,
                    "metryczka nie może używać kotwic ani odwołań YAML (& i *); wpisz wartość wprost.",
                )
            if getattr(event, "tag", None) is not None:  # written out: parsing sets no other tags
                tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")
                return line, f"metryczka nie może zawierać znaczników YAML („{tag}”); wpisz zwykłą wartość."
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        return _yaml_problem(exc)
    return _repeated_key(root)


def _repeated_key(node: yaml.Node | None) -> tuple[int, str] | None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if str(key.value) in seen:
                return key.start_mark.line + 2, f"pole „{key.value}” powtarza się w metryczce; zostaw jedno."
            seen.add(str(key.value))
            found = _repeated_key(value)
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found = _repeated_key(item)
            if found:
                return found
    return None


def _value(value: object) -> str:
    """A value as the author wrote it: text and dates in Polish quotes, lists as YAML shows them."""
    if isinstance(value, (str, dt.date)):
        return f"„{_short(str(value))}”"
    return _short(repr(value))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _scalars(
    node: yaml.Node | None, loc: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str, int]]:
    """Every value of the front matter as written (a number too), with its place and file line."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(value, (*loc, str(key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _scalars(item, (*loc, index))
    elif isinstance(node, yaml.ScalarNode):
        # The block starts on the file's second line, after the opening "---".
        yield loc, str(node.value), node.start_mark.line + 2


def _shown(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(part + 1) if isinstance(part, int) else part for part in loc)


def _line_of(block: Block, loc: tuple[Any, ...]) -> int:
    names = [part for part in loc if isinstance(part, str)]
    if names:
        pattern = re.compile(rf"^\s*(-\s+)?{re.escape(names[-1])}\s*:")
        for number, text in enumerate(block.text.splitlines(), start=2):
            if pattern.match(text):
                return number
    return 1


def _title_to_myst_key(source: str) -> str:
    """Rename ``tytul:`` to MyST's ``title:`` in place, so MyST makes it the heading.

    Done on the same line, so every line number MyST reports stays the author's.
    """
    block = find_block(source)
    if block is None:
        return source
    lines = source.split("\n")
    for index in range(1, block.end_line - 1):
        if re.match(rf"^{TITLE_KEY}\s*:", lines[index]):
            lines[index] = "title" + lines[index][len(TITLE_KEY) :]
            break
    return "\n".join(lines)


class UnreadablePages(SphinxError):
    """Pages that are not UTF-8: Sphinx cannot read them, so the build stops before reading any."""

    category = "Strony w innym kodowaniu niż UTF-8"


def on_before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Each page that is not UTF-8 is reported at its line; then the build stops.

    Sphinx would fail on such a page with a traceback of its own, before any extension sees it.
    """
    unreadable = 0
    for docname in docnames:
        problem = decode_problem(Path(env.doc2path(docname)).read_bytes())
        if problem:
            cause, line = problem
            logger.warning(
                f"{cause}; {SAVE_AS_UTF8}.",
                location=(docname, line) if line else docname,
                type="handbook",
                subtype="encoding",
            )
            unreadable += 1
    if unreadable:
        raise UnreadablePages(
            f"stron w innym kodowaniu niż UTF-8: {unreadable} (wyżej); popraw je i zbuduj ponownie."
        )


def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    env = app.env
    if docname in app.config.handbook_frontmatter_exempt:
        return
    front, problems = parse(source[0], public_contacts(app.config.handbook_public_contacts))
    for line, message in problems:
        logger.warning(message, location=(docname, line), type="handbook", subtype="frontmatter")
    if front is not None:
        _store(env)[docname] = front
        source[0] = _title_to_myst_key(source[0])
    elif problems:
        source[0] = _without_broken_front_matter(source[0])


def _without_broken_front_matter(source: str) -> str:
    """A chapter whose front matter was refused, with a stand-in title on the same lines.

    The problem is reported already; MyST would add its own English-derived complaints about
    the YAML and about headings that start at H2, which point away from the cause.
    """
    block = find_block(source)
    if block is None:
        return source
    lines = source.split("\n")
    stand_in = ['title: "…"'] + [""] * (block.end_line - 3)
    return "\n".join([lines[0], *stand_in, *lines[block.end_line - 1 :]])


def front_matter(env: BuildEnvironment, docname: str) -> FrontMatter | None:
    """The validated front matter of a chapter, None for a page without one."""
    return _store(env).get(docname)


def _store(env: BuildEnvironment) -> dict[str, FrontMatter]:
    if not hasattr(env, "handbook_front_matter"):
        env.handbook_front_matter = {}  # type: ignore[attr-defined]
    return env.handbook_front_matter  # type: ignore[attr-defined, no-any-return]


def stored_front_matter(env: BuildEnvironment) -> dict[str, FrontMatter]:
    """The front matter of every chapter read so far, by document name."""
    return _store(env)


def byline(front: FrontMatter) -> nodes.container:
    """Authors by role and organisation, and the chapter's status: plain docutils nodes."""
    people = []
    for author in front.autorzy:
        who = f"{author.imie_nazwisko} — " if author.imie_nazwisko else ""
        people.append(f"{who}{author.rola}, {author.organizacja}")
    label = "Autor" if len(people) == 1 else "Autorzy"
    box = nodes.container(classes=[BYLINE])
    if front.status != "gotowy":
        # Builder-neutral: the site shows it as a badge, the PDF adds a watermark as well.
        box += nodes.paragraph(
            "",
            f"WERSJA ROBOCZA – rozdział ma status „{STATUS_LABELS[front.status]}”",
            classes=["handbook-draft"],
        )
    box += nodes.paragraph("", "", nodes.strong(text=f"{label}: "), nodes.Text("; ".join(people)))
    # The status is said once, by the draft badge; a finished chapter needs no label.
    box += nodes.paragraph("", front.streszczenie, classes=["handbook-summary"])
    return box


class InsertByline(SphinxTransform):
    """Put the byline under the chapter title; before smart quotes and Polish spacing run."""

    default_priority = 700

    def apply(self, **kwargs: object) -> None:
        front = _store(self.env).get(self.env.docname)
        if front is not None:
            _insert_byline(self.document, front)
            _one_title(self.document)


def _one_title(doctree: nodes.document) -> None:
    """A chapter has one level-1 heading, its title from the front matter.

    A „# ” in the text would start a chapter of its own in the navigation and the PDF.
    """
    sections = [node for node in doctree.children if isinstance(node, nodes.section)]
    for extra in sections[1:]:
        title = extra.next_node(nodes.title)
        logger.warning(
            f"nagłówek „# {title.astext() if title else ''}” jest na poziomie tytułu rozdziału; tytuł "
            "podaje metryczka (tytul), a w treści zaczynaj od „## ”",
            location=extra,
            type="handbook",
            subtype="frontmatter",
        )


def _insert_byline(doctree: nodes.document, front: FrontMatter) -> None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    # MyST also renders the front matter (docutils turns „streszczenie” into an abstract box
    # above the title); the byline below replaces it.
    for node in list(doctree.children):
        if node is section:
            break
        if isinstance(node, (nodes.docinfo, nodes.field_list, nodes.topic)):
            doctree.remove(node)
    title_index = section.first_child_matching_class(nodes.title)
    section.insert((title_index or 0) + 1, byline(front))


def on_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _store(env).pop(docname, None)


def on_merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in _store(other):
            _store(env)[docname] = _store(other)[docname]


def setup_frontmatter(app: Sphinx) -> None:
    # Pages that are not chapters (the home page, the accessibility statement, …): from settings.
    app.add_config_value("handbook_frontmatter_exempt", ["index"], "env", types=[list, tuple])
    app.connect("env-before-read-docs", on_before_read)
    app.connect("source-read", on_source_read)
    app.add_transform(InsertByline)
    app.connect("env-purge-doc", on_purge)
    app.connect("env-merge-info", on_merge)
