"""What the data stage leaves for Sphinx, and how Sphinx reads it.

Kept free of pandas and matplotlib: every Sphinx process (a build, each preview refresh)
imports this, and only this, from the data side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest.json"
NUMBERS_JSON = "liczby.json"
# The phone drawing of a chart lies next to the print one: ``<name>.svg`` → ``<name>.narrow.svg``
# (chart names have no dots).
NARROW_SUFFIX = ".narrow.svg"


def narrow_file(file: str) -> str:
    """The phone drawing's file name of the chart drawn in *file*."""
    return file.removesuffix(".svg") + NARROW_SUFFIX


@dataclass(frozen=True)
class ChartEntry:
    """What the Sphinx side needs to place a chart: file, caption, alt text."""

    name: str
    file: str
    caption: str
    alt: str
    key: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class RunReport:
    """Which charts a run of the data stage drew again, and which it left as they were."""

    rendered: tuple[str, ...]
    unchanged: tuple[str, ...]


def read_manifest(charts_dir: Path) -> dict[str, ChartEntry]:
    path = charts_dir / MANIFEST
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: ChartEntry(
            **{
                **entry,
                "columns": tuple(entry.get("columns", ())),
                "rows": tuple(tuple(r) for r in entry.get("rows", ())),
            }
        )
        for name, entry in raw.items()
    }


def read_numbers(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / NUMBERS_JSON
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
