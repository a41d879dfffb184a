"""The engine knows no book: no name of the book under test appears in the package's files."""

from __future__ import annotations

from book import code_of, find_names, identifiers, proper_names
from conftest import BOOK, REPO

ENGINE = REPO / "scripts" / "handbook"
TEXT_FILES = {".py", ".typ", ".md", ".html", ".po", ".css_t", ".conf", ".toml", ".json", ".csv", ".svg"}
# Files that do something with names (code, templates); the others are prose and examples.
CODE = {".py", ".typ", ".html", ".css_t"}


def engine_files() -> list:
    return [
        p
        for p in sorted(ENGINE.rglob("*"))
        if p.is_file() and p.suffix in TEXT_FILES and "__pycache__" not in p.parts
    ]


def test_the_names_of_the_book_are_found_where_they_are():
    proper = proper_names(BOOK)
    assert len(proper) >= 3  # at least the county and its gminas
    assert find_names(proper, (BOOK / "conf" / "handbook.toml").read_text(encoding="utf-8"))
    for name in proper | identifiers(BOOK):
        assert find_names({name}, f"Tekst (zob. {name}) i dalej.") == {name}
        assert find_names({name}, f"Tekst x{name}y i dalej.") == set() or name.endswith(("ow", "ów"))


def test_code_is_read_without_its_docstrings_and_comments(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        '"""Counts uczestnicy."""\n# uczestnicy too\nx = frame["uczestnicy"]\n', encoding="utf-8"
    )
    assert code_of(module).count("uczestnicy") == 1


def test_no_file_of_the_engine_names_the_book():
    proper, names = proper_names(BOOK), identifiers(BOOK)
    offending = {}
    for path in engine_files():
        found = find_names(proper, path.read_text(encoding="utf-8"))
        if path.suffix in CODE:
            found |= find_names(names, code_of(path))
        if found:
            offending[str(path.relative_to(REPO))] = sorted(found)
    assert offending == {}
