"""What a book is made of, read from the book itself: pages, chapters, toctrees, declarations, names.

Tests of the book under test derive every expectation from these, so they hold for any
county's book; the genericity tests use the names that belong to one book only.
"""

from __future__ import annotations

import ast
import functools
import json
import re
import tempfile
import tomllib
from functools import cache
from pathlib import Path

import yaml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from handbook.settings import Settings, load_settings
from handbook.sphinxext.frontmatter import FrontMatter, parse

# --- Pages, chapters, declarations -----------------------------------------------------------------


def normalise(text: str) -> str:
    """Text as a reader compares it: no-break and thin spaces are spaces, runs of space one."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u00ad", "").split())


@cache
def _markdown():  # type: ignore[no-untyped-def]
    config = MdParserConfig(enable_extensions={"colon_fence", "deflist", "fieldlist", "substitution"})
    return create_md_parser(config, RendererHTML)


def tokens(path: Path) -> list[Token]:
    """A source page tokenised by MyST's own parser (directives are fences with ``{name}``)."""
    return _markdown().parse(path.read_text(encoding="utf-8"))


def directives(path: Path, name: str) -> list[Token]:
    return [
        t
        for t in tokens(path)
        if t.type in ("fence", "colon_fence") and t.info.strip().startswith(f"{{{name}}}")
    ]


def sources(settings: Settings) -> dict[str, Path]:
    """Every page of the book by its docname (``README.md`` is excluded by the engine)."""
    return {
        path.relative_to(settings.source_dir).with_suffix("").as_posix(): path
        for path in sorted(settings.source_dir.rglob("*.md"))
        if path.name != "README.md"
    }


def chapters(settings: Settings) -> dict[str, FrontMatter]:
    """Pages with valid front matter (docname → front matter): the ones with a byline."""
    exempt = set(settings.pages_without_front_matter)
    found = {}
    for docname, path in sources(settings).items():
        if docname in exempt:
            continue
        front, _ = parse(path.read_text(encoding="utf-8"))
        if front is not None:
            found[docname] = front
    return found


def toctrees(settings: Settings) -> list[tuple[bool, list[str]]]:
    """The home page's toctrees in order: (numbered?, docnames)."""
    found = []
    for token in directives(settings.source_dir / "index.md", "toctree"):
        lines = token.content.splitlines()
        options: dict[str, object] = {}
        if lines and lines[0].strip() == "---":  # options as a YAML block
            end = lines.index("---", 1)
            options = yaml.safe_load("\n".join(lines[1:end])) or {}
            lines = lines[end + 1 :]
        entries = []
        for line in lines:
            line = line.strip()
            if line.startswith(":"):
                key, _, value = line[1:].partition(":")
                options[key] = value.strip() or True
            elif line:
                target = re.search(r"<([^>]+)>$", line)
                entries.append((target.group(1) if target else line).removesuffix(".md").lstrip("/"))
        found.append(("numbered" in options and str(options["numbered"]) != "0", entries))
    return found


def chapter_numbers(settings: Settings) -> dict[str, int]:
    """Docname → its number; every numbered toctree starts again at 1, as in Sphinx."""
    numbers = {}
    for numbered, entries in toctrees(settings):
        if numbered:
            numbers.update({docname: n for n, docname in enumerate(entries, start=1)})
    return numbers


def first_chapter(settings: Settings) -> str:
    """The page a reader opens first: chapter 1 of the numbered toctree (else the first listed)."""
    numbers = chapter_numbers(settings)
    if numbers:
        return min(numbers, key=numbers.__getitem__)
    return next(docname for _, entries in toctrees(settings) for docname in entries)


def data_appendix(settings: Settings) -> str | None:
    """The page that holds ```{dane-projektu}```, if the book has one."""
    pages = [d for d, path in sources(settings).items() if directives(path, "dane-projektu")]
    return min(pages) if pages else None


def declared_charts(settings: Settings) -> set[str]:
    if not settings.charts_file.exists():
        return set()
    with settings.charts_file.open("rb") as file:
        return set(tomllib.load(file))


def html_name(docname: str) -> str:
    return f"{docname}.html"


# --- Names of one book ---------------------------------------------------------------------


def engine_vocabulary() -> set[str]:
    """Keys the engine itself defines (settings, declarations): words a book shares with it."""
    from handbook.charts.spec import ChartSpec, SeriesSpec, ValueSpec
    from handbook.data.rules import Rule, Source
    from handbook.declared import Declared
    from handbook.numbers.spec import NumberSpec
    from handbook.settings import Settings

    words: set[str] = set()

    def collect(model: type[Declared]) -> None:
        words.update(model.keys())
        for field in model.model_fields.values():
            for inner in getattr(field.annotation, "__args__", ()) or (field.annotation,):
                if isinstance(inner, type) and issubclass(inner, Declared):
                    collect(inner)

    for model in (Settings, NumberSpec, Rule, Source, ChartSpec, SeriesSpec, ValueSpec):
        collect(model)
    return words


def _own(book: Path) -> tuple[set[str], set[str]]:
    """(proper names, identifiers) of *book*, before anything is taken away."""
    settings = load_settings(book)
    proper = {
        settings.county.name,
        settings.project.name,
        settings.publication.title,
        settings.publication.publisher,
        *settings.county.gminas,
        *(o.name for o in settings.organisations),
    }
    adjective = settings.county.name.split()[-1]
    if len(adjective) > 7:
        proper.add(adjective[:-3])  # „Pruszkowski” → „Pruszkow”, found in „Pruszkowskiego”
    identifiers = {o.id for o in settings.organisations}
    package = json.loads((settings.data_dir / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package.get("resources", []):
        identifiers.add(resource["name"])
        identifiers.update(
            f["name"] for f in resource.get("schema", {}).get("fields", []) if "_" in f["name"]
        )
    for declarations in (settings.charts_file, settings.numbers_file):
        if declarations.exists():
            identifiers.update(tomllib.loads(declarations.read_text(encoding="utf-8")))
    identifiers.update(p.stem for p in settings.source_dir.glob("*.md"))
    identifiers -= {"index", settings.accessibility.page}
    return proper, identifiers


@functools.cache
def _skeleton() -> tuple[frozenset[str], frozenset[str]]:
    """Names of the book `nowy-podrecznik` writes: a book that keeps them shares them with the engine."""
    from handbook.authoring.newbook import new_book

    with tempfile.TemporaryDirectory() as folder:
        proper, identifiers = (
            _own(Path(folder) / "szkielet") if new_book(Path(folder) / "szkielet") else ((), ())
        )
        return frozenset(proper), frozenset(identifiers)


def proper_names(book: Path) -> set[str]:
    """Names of the county, its gminas, the partners, the project and the publication.

    Nothing else may write them: they are found anywhere, in prose as in code.
    """
    proper, _ = _own(book)
    return {n for n in proper - _skeleton()[0] if len(n) >= 4}


def identifiers(book: Path) -> set[str]:
    """Names of the book's tables, columns (with „_”), charts, numbers, chapters and partners' ids.

    Words like these (``wolontariusze``, ``liczba_uczestnikow``) may fairly appear in an example
    of the engine's documentation: they are looked for in its code only.
    """
    _, names = _own(book)
    names -= engine_vocabulary() | _skeleton()[1]
    return {n for n in names if len(n) >= 4}


def code_of(path: Path) -> str:
    """What a file does, without what it says: Python without docstrings and comments."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return text
    parts: list[str] = []
    tree = ast.parse(text)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            parts.append(node.value)
        elif isinstance(node, ast.Name):
            parts.append(node.id)
        elif isinstance(node, ast.Attribute):
            parts.append(node.attr)
    return "\n".join(parts)


def find_names(names: set[str], text: str) -> set[str]:
    found = set()
    for name in names:
        pattern = rf"(?<![\w-]){re.escape(name)}" if " " in name else rf"(?<![\w-]){re.escape(name)}(?![\w-])"
        if name.endswith(("ow", "ów")) and " " not in name:
            pattern = rf"(?<![\w-]){re.escape(name)}"  # a stem: any ending
        if re.search(pattern, text, flags=re.IGNORECASE if " " not in name else 0):
            found.add(name)
    return found
