"""Names that belong to one book only, and how to find them in a text (for the genericity tests)."""

from __future__ import annotations

import functools
import json
import re
import tempfile
import tomllib
from pathlib import Path

from handbook.settings import load_settings


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


def book_names(book: Path, generic: bool = True) -> set[str]:
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
    if generic:
        names -= engine_vocabulary() | {"index", settings.accessibility.page, ""}
    return {n for n in names if len(n) >= 4}


@functools.cache
def skeleton_names() -> frozenset[str]:
    """Names of the book `nowy-podrecznik` writes: a book that keeps them shares them with the engine."""
    from handbook.authoring.newbook import new_book

    with tempfile.TemporaryDirectory() as folder:
        new_book(Path(folder) / "szkielet")
        return frozenset(book_names(Path(folder) / "szkielet", generic=False))


def own_names(book: Path) -> set[str]:
    """The names of *book* that no other book has: without those of the skeleton."""
    return book_names(book) - skeleton_names()


def find_names(names: set[str], text: str) -> set[str]:
    found = set()
    for name in names:
        pattern = rf"(?<![\w-]){re.escape(name)}" if " " in name else rf"(?<![\w-]){re.escape(name)}(?![\w-])"
        if name.endswith(("ow", "ów")) and " " not in name:
            pattern = rf"(?<![\w-]){re.escape(name)}"  # a stem: any ending
        if re.search(pattern, text, flags=re.IGNORECASE if " " not in name else 0):
            found.add(name)
    return found
