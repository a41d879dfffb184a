"""The engine knows no book: no name of the book under test appears in the package's files."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from conftest import BOOK, REPO
from handbook.settings import load_settings

ENGINE = REPO / "scripts" / "handbook"
TEXT_FILES = {".py", ".typ", ".md", ".html", ".po", ".css_t", ".conf", ".toml", ".json", ".csv", ".svg"}


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


def book_names(book: Path) -> set[str]:
    """Proper names and identifiers that belong to one book only.

    Names of the county, the project, the publication, gminas and partners (with the stem of
    the county's adjective, to catch its inflected forms), table names, column names that are
    identifiers (with „_”), chart and number names, and chapter file names. Plain words that
    a book shares with the engine's own vocabulary (``gminy``, ``organizacje``…) are left out.
    """
    settings = load_settings(book)
    names = {
        settings.county.name,
        settings.project.name,
        settings.publication.title,
        settings.publication.publisher,
        *settings.county.gminas,
        *(o.name for o in settings.organisations),
        *(o.id for o in settings.organisations),
    }
    adjective = settings.county.name.split()[-1]
    if len(adjective) > 7:
        names.add(adjective[:-3])  # „Pruszkowski” → „Pruszkow”, found in „Pruszkowskiego”
    package = json.loads((settings.data_dir / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package.get("resources", []):
        names.add(resource["name"])
        names.update(f["name"] for f in resource.get("schema", {}).get("fields", []) if "_" in f["name"])
    for declarations in (settings.charts_file, settings.numbers_file):
        if declarations.exists():
            names.update(tomllib.loads(declarations.read_text(encoding="utf-8")))
    names.update(p.stem for p in settings.source_dir.glob("*.md"))
    names -= engine_vocabulary() | {"index", settings.accessibility.page, ""}
    return {n for n in names if len(n) >= 4}


def find_names(names: set[str], text: str) -> set[str]:
    found = set()
    for name in names:
        pattern = rf"(?<![\w-]){re.escape(name)}" if " " in name else rf"(?<![\w-]){re.escape(name)}(?![\w-])"
        if name.endswith(("ow", "ów")) and " " not in name:
            pattern = rf"(?<![\w-]){re.escape(name)}"  # a stem: any ending
        if re.search(pattern, text, flags=re.IGNORECASE if " " not in name else 0):
            found.add(name)
    return found


def test_the_names_of_the_book_are_found_where_they_are():
    names = book_names(BOOK)
    assert len(names) >= 10
    chapter = next(p for p in sorted((BOOK / "handbook").glob("*.md")) if p.stem not in ("index",))
    assert find_names(names, (BOOK / "conf" / "handbook.toml").read_text(encoding="utf-8"))
    assert chapter.stem in find_names(names, f"zob. {{doc}}`{chapter.stem}`")


def test_no_file_of_the_engine_names_the_book():
    names = book_names(BOOK)
    offending = {}
    for path in sorted(ENGINE.rglob("*")):
        if path.is_file() and path.suffix in TEXT_FILES and "__pycache__" not in path.parts:
            found = find_names(names, path.read_text(encoding="utf-8"))
            if found:
                offending[str(path.relative_to(REPO))] = sorted(found)
    assert offending == {}
