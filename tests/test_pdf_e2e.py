"""End to end: the book's PDF read back with pypdf, pikepdf and pdftotext.

What the PDF must hold is derived from the book under test: its chapters' front matter, its
declared charts, its settings (title, county, funding and data notices).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess

import pikepdf
import pytest
from pypdf import PdfReader

from book import chapters, declared_charts, normalise, tokens
from handbook.build.staging import build_pdf
from handbook.pipeline import prepare_data
from handbook.settings import Settings, load_settings

pytestmark = pytest.mark.slow

# A line of text that ends with a one-letter word. (A line holding one letter alone is a glyph
# of the diagonal „WERSJA ROBOCZA” watermark, which pdftotext prints letter by letter.)
SINGLE_LETTER_AT_END = re.compile(r"\S[\s(„]+[aiouwzAIOUWZ]$")
POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Settings:
    from conftest import copy_book

    settings = load_settings(copy_book(tmp_path_factory.mktemp("pdf")))
    prepare_data(settings)
    result = build_pdf(settings, echo=False)
    assert result.ok, result.warnings
    return settings


@pytest.fixture(scope="module")
def text(book) -> str:
    """The text layer as pdftotext reads it (lines as set on the page)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required; .ci/run installs it")
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(book.pdf_file), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def printed_prose(settings: Settings) -> str:
    """The chapters' titles and running text as the sources give it (no markup, no directives)."""
    parts = []
    for docname, front in chapters(settings).items():
        parts.append(front.tytul)
        for token in tokens(settings.source_dir / f"{docname}.md"):
            parts += [child.content for child in token.children or [] if child.type == "text"]
    return normalise(" ".join(parts))


def _flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def test_exactly_one_pdf(book):
    assert [p.name for p in book.pdf_dir.iterdir()] == [book.pdf_file.name]


def test_chapter_titles_outline_and_colophon(book):
    reader = PdfReader(book.pdf_file)
    titles = [normalise(front.tytul) for front in chapters(book).values()]
    assert len(reader.pages) >= len(titles) + 2  # cover and contents before the chapters
    text = normalise(" ".join(page.extract_text() for page in reader.pages))
    outline = [normalise(item.title) for item in _flatten(reader.outline)]
    for title in titles:
        assert title in text, title
        assert any(title in entry for entry in outline), title
    assert "Spis treści" in text
    for notice in (book.project.funding_notice, book.data.notice if book.data.illustrative else ""):
        assert normalise(notice) in text, notice  # colophon
    # Every Polish letter the chapters use is extractable from the text layer (ToUnicode maps).
    letters = POLISH_LETTERS & set(printed_prose(book))
    assert letters, "the chapters use no Polish letter"
    assert letters - set(text) == set()


def test_accessibility_metadata(book):
    with pikepdf.open(book.pdf_file) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "pl-PL"
        assert bool(root.MarkInfo.Marked)
        assert "/StructTreeRoot" in root
        meta = pdf.open_metadata()
        assert meta.get("pdfuaid:part") == "1"
        assert meta.get("pdfaid:part") == "2"
        assert meta.get("pdfaid:conformance") == "A"
        assert meta.get("dc:title") == book.publication.title
        info = pdf.docinfo
        assert str(info.Title) == book.publication.title
        assert str(info.Subject) == book.publication.subtitle
        keywords = {k.strip() for k in str(info.Keywords).split(",")}
        for front in chapters(book).values():
            assert set(front.slowa_kluczowe) <= keywords, front.tytul


def test_every_figure_has_alt_text(book):
    figures = 0
    with pikepdf.open(book.pdf_file) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure":
                figures += 1
                assert str(obj.get("/Alt", "")).strip(), obj
    assert figures >= len(declared_charts(book)) + 1  # every chart and the cover logo


def test_internal_links_resolve_to_pages(book):
    reader = PdfReader(book.pdf_file)
    pages = {page.indirect_reference.idnum for page in reader.pages}
    internal = 0
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            dest = annotation.get("/Dest") or (
                action.get("/D") if action and action.get("/S") == "/GoTo" else None
            )
            if action is not None and action.get("/S") == "/URI":
                continue
            assert dest is not None, annotation
            if isinstance(dest, str) or not hasattr(dest, "__getitem__"):
                dest = reader.named_destinations[str(dest)].page
            else:
                dest = dest[0]
            target = dest.get_object().indirect_reference.idnum if hasattr(dest, "get_object") else dest
            assert target in pages
            internal += 1
    # At least the table of contents: one entry a chapter.
    assert internal >= len(chapters(book))


def test_all_fonts_embedded(book):
    with pikepdf.open(book.pdf_file) as pdf:
        fonts = 0
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                fonts += 1
                assert any(k in obj for k in ("/FontFile", "/FontFile2", "/FontFile3")), obj.get("/FontName")
        assert fonts >= 2


def test_text_layer_names_the_county_and_its_gminas(book, text):
    joined = normalise(text)
    unhyphenated = normalise(re.sub(r"-\n", "", text))  # a name broken across two lines
    prose = printed_prose(book)
    names = [book.county.name]
    names += [g for g in book.county.gminas if re.search(rf"(?<!\w){re.escape(g)}(?!\w)", prose)]
    missing = [name for name in names if name not in joined and name not in unhyphenated]
    assert missing == []


def test_no_single_letter_line_ends(text):
    bad = [line for line in text.splitlines() if SINGLE_LETTER_AT_END.search(line.rstrip())]
    assert bad == []


def test_same_bytes_on_rebuild(book):
    first = hashlib.sha256(book.pdf_file.read_bytes()).hexdigest()
    shutil.rmtree(book.build_dir / "typst")
    shutil.rmtree(book.doctrees_dir)
    result = build_pdf(book, echo=False)
    assert result.ok
    assert hashlib.sha256(book.pdf_file.read_bytes()).hexdigest() == first
