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
