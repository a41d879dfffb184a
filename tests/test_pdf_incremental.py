"""The PDF after an edit: one Typst file per chapter, and the same bytes as a clean build."""

from __future__ import annotations

import io
import shutil

import pytest

from handbook.build.staging import build_pdf, run_sphinx
from handbook.pdf.builder import MAIN
from handbook.pdf.translator import chapter_file
from handbook.pipeline import prepare_data
from handbook.settings import Settings, load_settings

EDIT = "\nAkapit dopisany po pierwszym wydaniu.\n"


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Settings:
    """The test book, built once from nothing; every test leaves it unedited and built."""
    from conftest import copy_project

    settings = load_settings(copy_project(tmp_path_factory.mktemp("przyrostowo") / "p"))
    prepare_data(settings)
    assert build_pdf(settings, echo=False).ok
    return settings


@pytest.fixture(scope="module")
def first_pdf(book) -> bytes:
    return book.pdf_file.read_bytes()


def _clean_build(settings: Settings) -> bytes:
    """The PDF built from no earlier Sphinx environment or Typst source."""
    for folder in (settings.build_dir / "typst", settings.doctrees_dir):
        shutil.rmtree(folder, ignore_errors=True)
    assert build_pdf(settings, echo=False).ok
    return settings.pdf_file.read_bytes()


def _sources(settings: Settings) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in (settings.build_dir / "typst").glob("*.typ")}


def test_main_file_includes_each_chapter_in_reading_order(book):
    main = (book.build_dir / "typst" / MAIN).read_text(encoding="utf-8")
    includes = [line for line in main.splitlines() if line.startswith("#include")]
    assert includes == [f'#include "{chapter_file(name)}"' for name in ("rozdzial", "slowniczek", "dane")]


def test_clean_builds_give_the_same_bytes(book, first_pdf):
    assert _clean_build(book) == first_pdf


def test_an_edit_changes_one_chapter_file_and_gives_a_clean_builds_bytes(book, first_pdf):
    before = _sources(book)
    chapter = book.source_dir / "slowniczek.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
    try:
        assert build_pdf(book, echo=False).ok  # Sphinx reads only the edited chapter
        incremental = book.pdf_file.read_bytes()
        after = _sources(book)
        changed = {name for name in after if after[name] != before.get(name)}
        assert changed == {chapter_file("slowniczek")}
        assert incremental != first_pdf
        assert incremental == _clean_build(book)
    finally:
        chapter.write_text(chapter.read_text(encoding="utf-8").removesuffix(EDIT), encoding="utf-8")
        assert build_pdf(book, echo=False).ok


def test_an_unchanged_chapter_file_is_not_rewritten(book, tmp_path):
    # Into a folder kept between builds (the staging folder of `buduj` starts empty).
    out, doctrees = tmp_path / "typst", tmp_path / "doctrees"
    shutil.copytree(book.doctrees_dir, doctrees)
    assert run_sphinx(book, "typst", out, doctrees, io.StringIO()) == 0
    kept, edited = out / chapter_file("rozdzial"), out / chapter_file("slowniczek")
    stamp = kept.stat().st_mtime_ns
    edited.write_text("// stale\n", encoding="utf-8")
    (out / chapter_file("usuniety")).write_text("// a chapter no longer in the book\n", encoding="utf-8")
    assert run_sphinx(book, "typst", out, doctrees, io.StringIO()) == 0
    assert kept.stat().st_mtime_ns == stamp
    assert edited.read_text(encoding="utf-8") != "// stale\n"
    assert not (out / chapter_file("usuniety")).exists()


def _buduj(settings: Settings, capsys) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """`handbook buduj` (the PDF and the site, Typst compiling while the site is built)."""
    from handbook.cli import main

    code = main(["-q", "--katalog", str(settings.root), "buduj"])
    return code, capsys.readouterr().err


def test_the_pdf_compiled_while_the_site_is_built_is_the_pdf_alone(book, first_pdf, capsys):
    code, err = _buduj(book, capsys)
    assert code == 0, err
    assert book.pdf_file.read_bytes() == first_pdf
    # The site offers that PDF, and says so on its pages.
    assert (book.html_dir / "pdf" / book.pdf_file.name).read_bytes() == first_pdf
    page = (book.html_dir / "rozdzial.html").read_text(encoding="utf-8")
    assert f'href="pdf/{book.pdf_file.name}"' in page


def test_typst_problems_found_while_the_site_is_built_stop_both(book, capsys):
    """A Typst error (a character no embedded font has) in the background compile: said at its
    chapter's line in the same run, and neither the PDF nor the site is published."""
    _buduj(book, capsys)
    pdf, page = book.pdf_file.read_bytes(), (book.html_dir / "rozdzial.html").read_bytes()
    chapter = book.source_dir / "rozdzial.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text + "\nAkapit z emoji 😀 w tekście.\n", encoding="utf-8")
    try:
        code, err = _buduj(book, capsys)
        assert code != 0
        assert f"handbook/rozdzial.md:{text.count(chr(10)) + 2}: PDF nie powstał: znaku „😀”" in err, err
        assert "Traceback" not in err and ".staging" not in err
        assert book.pdf_file.read_bytes() == pdf
        assert (book.html_dir / "rozdzial.html").read_bytes() == page
    finally:
        chapter.write_text(text, encoding="utf-8")
        assert build_pdf(book, echo=False).ok
