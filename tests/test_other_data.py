"""The day real records replace the illustrative data, nothing but the numbers changes.

The book's data is swapped for a second valid data set (every free number changed within its
schema's limits, keys and rule columns kept) and then every suite that reads the book runs
against that copy (its end-to-end tests of the site and the PDF included), and the book itself
is checked and built with it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import BOOK, REPO
from handbook.data.load import load_tables
from handbook.data.schema import foreign_keys
from handbook.errors import HandbookError
from handbook.settings import load_settings

pytestmark = pytest.mark.slow


def _protected(package: dict[str, Any]) -> set[tuple[str, str]]:
    """Columns whose values other files or rules depend on: keys and every column of a rule."""
    protected = set()
    for resource in package["resources"]:
        schema = resource.get("schema", {})
        keys = schema.get("primaryKey", [])
        for column in [keys] if isinstance(keys, str) else keys:
            protected.add((resource["name"], column))
        for key in foreign_keys(resource):
            protected |= {(resource["name"], column) for column in key.fields}
            protected |= {(key.resource, column) for column in key.reference}
        for field in schema.get("fields", []):
            if field.get("constraints", {}).get("unique"):
                protected.add((resource["name"], field["name"]))
    for rule in package.get("x-reguly", []):
        table = rule["tabela"]
        protected |= {(table, rule.get(k, "")) for k in ("kolumna", "klucz")}
        protected |= {(table, column) for column in rule.get("kolumny", {})}
        for side in ("z", "w"):
            other = rule.get(side) or {}
            protected |= {(other.get("tabela", ""), other.get(k, "")) for k in ("kolumna", "klucz")}
    return protected


def _changed(value: str, field: dict[str, Any]) -> str:
    limits = field.get("constraints", {})
    low, high = limits.get("minimum", float("-inf")), limits.get("maximum", float("inf"))
    if field["type"] == "integer":
        number = int(value)
        candidate = number + 1 if number + 1 <= high else number - 1
    elif field["type"] == "number":
        number = float(value)
        candidate = round(number * 1.25 + 0.5, 2)
        candidate = candidate if candidate <= high else round(number / 2, 2)
    else:
        return value
    return str(candidate) if low <= candidate <= high else value


def other_data(book: Path, target: Path) -> int:
    """*book*'s data in *target* with every free number changed; returns how many cells changed."""
    shutil.copytree(book / "data", target / "data")
    shutil.copytree(book / "conf", target / "conf")
    package = json.loads((target / "data" / "datapackage.json").read_text(encoding="utf-8"))
    protected = _protected(package)
    originals: dict[str, str] = {}
    changed = 0
    for resource in package["resources"]:
        path = target / "data" / resource["path"]
        originals[resource["name"]] = path.read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(originals[resource["name"]])))
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        for row in rows[1:]:
            for index, column in enumerate(rows[0]):
                if (resource["name"], column) in protected or column not in fields or not row[index]:
                    continue
                new = _changed(row[index], fields[column])
                changed += new != row[index]
                row[index] = new
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    # A change a rule of the book forbids (one no schema can tell) is undone, file by file.
    for _ in range(len(originals)):
        try:
            load_tables(load_settings(target))
            break
        except HandbookError as error:
            for name in {p.path.name for p in error.problems}:
                resource = next((r for r in package["resources"] if r["path"] == name), None)
                if resource is not None:
                    (target / "data" / name).write_text(originals[resource["name"]], encoding="utf-8")
    shutil.rmtree(target / "conf")
    return changed


def test_the_swapped_data_is_valid_and_different(tmp_path):
    changed = other_data(BOOK, tmp_path / "copy")
    settings = load_settings(BOOK)
    shutil.copytree(BOOK / "conf", tmp_path / "copy" / "conf")
    swapped = load_tables(load_settings(tmp_path / "copy"))
    original = load_tables(settings)
    assert changed > 0
    assert any(not swapped[name].equals(original[name]) for name in original)


def test_engine_suite_and_book_pass_with_other_data(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(
        REPO,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", "_build", ".git", "__pycache__", ".pytest_cache", "*.egg-info"
        ),
    )
    if BOOK != REPO:
        for part in ("conf", "data", "handbook"):
            shutil.rmtree(copy / part, ignore_errors=True)
            shutil.copytree(BOOK / part, copy / part, ignore=shutil.ignore_patterns("_build"))
    shutil.rmtree(copy / "data")
    scratch = tmp_path / "scratch"
    assert other_data(BOOK, scratch) > 0
    shutil.copytree(scratch / "data", copy / "data")
    env = {**os.environ, "HANDBOOK_BOOK": str(copy)}
    # Only the suites that read the book under test can see its data; the others run on the
    # engine's own test books (tests/roots/) and would only repeat themselves. The adversarial
    # suites use the book for a copy to break, never for its data.
    readers = re.compile(r"copy_book|from book import|^from conftest import .*\bBOOK\b", re.MULTILINE)
    suites = sorted(
        f"tests/{path.name}"
        for path in (copy / "tests").glob("test_*.py")
        if path.name != Path(__file__).name
        and not path.name.startswith("test_adversarial_")
        and path.name != "test_browser.py"  # the browser sees the same pages test_handbook_e2e reads
        and readers.search(path.read_text(encoding="utf-8"))
    )
    assert "tests/test_handbook_e2e.py" in suites and "tests/test_sphinx.py" not in suites, suites
    suite = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-x",
            *suites,
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert suite.returncode == 0, suite.stdout[-3000:]
    handbook = [sys.executable, "-m", "handbook.cli", "--katalog", str(copy)]
    check = subprocess.run([*handbook, "sprawdz"], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    build = subprocess.run([*handbook, "-q", "buduj", "--html"], capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stderr
