"""The declarations reproduce what the Pruszków book's Python code once computed, on frozen data.

``tests/roots/kuznia-2017`` is a copy of that book's settings, declarations and data on the day
its 8 charts and 39 numbers became declarations, with the ``liczby.json`` and chart manifest the
Python code wrote (``oczekiwane/``). The copy never follows the live ``data/``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, ROOTS
from handbook.data.load import load_tables
from handbook.numbers.compute import compute_all
from handbook.numbers.spec import load_numbers
from handbook.pipeline import prepare_data
from handbook.settings import load_settings


@pytest.fixture(scope="module")
def frozen(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kuznia") / "kuznia"
    shutil.copytree(ROOTS / "kuznia-2017", root)
    return root


def _expected(root: Path, name: str) -> dict:
    return json.loads((root / "oczekiwane" / name).read_text(encoding="utf-8"))


def test_the_39_numbers_give_the_same_92_texts(frozen):
    settings = load_settings(frozen)
    tables = load_tables(settings)
    specs = load_numbers(settings, tables)
    assert len(specs) == 39
    assert compute_all(specs, tables) == _expected(frozen, "liczby.json")


def _numbers_in(rows: list[list[str]]) -> list[float]:
    values = []
    for row in rows:
        for cell in row:
            try:
                values.append(round(float(cell.replace("\u00a0", "").replace(",", ".")), 1))
            except ValueError:
                continue
    return sorted(values)


def test_the_8_charts_show_the_same_numbers(frozen):
    settings = load_settings(frozen)
    prepare_data(settings)
    new = json.loads((settings.charts_dir / "manifest.json").read_text(encoding="utf-8"))
    old = _expected(frozen, "manifest.json")
    assert set(new) == set(old) and len(new) == 8
    for name, entry in old.items():
        assert new[name]["caption"] == entry["caption"], name
        # Every number of the old data table is in the new one, and nothing else.
        assert _numbers_in(new[name]["rows"]) == _numbers_in(entry["rows"]), name


def test_the_frozen_copy_is_not_the_live_book():
    assert (ROOTS / "kuznia-2017" / "data").resolve() != (REPO / "data").resolve()
