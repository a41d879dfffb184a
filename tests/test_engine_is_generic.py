"""The engine knows no book: no name of the book under test appears in the package's files."""

from __future__ import annotations

from book import find_names, own_names
from conftest import BOOK, REPO

ENGINE = REPO / "scripts" / "handbook"
TEXT_FILES = {".py", ".typ", ".md", ".html", ".po", ".css_t", ".conf", ".toml", ".json", ".csv", ".svg"}


def test_the_names_of_the_book_are_found_where_they_are():
    names = own_names(BOOK)
    assert len(names) >= 3  # at least the county and its gminas
    assert find_names(names, (BOOK / "conf" / "handbook.toml").read_text(encoding="utf-8"))
    for name in names:
        assert find_names({name}, f"Tekst (zob. {name}) i dalej.") == {name}
        assert find_names({name}, f"Tekst x{name}y i dalej.") == set() or name.endswith(("ow", "ów"))


def test_no_file_of_the_engine_names_the_book():
    names = own_names(BOOK)
    offending = {}
    for path in sorted(ENGINE.rglob("*")):
        if path.is_file() and path.suffix in TEXT_FILES and "__pycache__" not in path.parts:
            found = find_names(names, path.read_text(encoding="utf-8"))
            if found:
                offending[str(path.relative_to(REPO))] = sorted(found)
    assert offending == {}
