"""End to end: the real handbook's PDF read back with pypdf, pikepdf and pdftotext."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess

import pikepdf
import pytest
from pypdf import PdfReader

from handbook.build.staging import build_pdf
from handbook.pipeline import prepare_data
from handbook.sphinxext.frontmatter import parse

pytestmark = pytest.mark.slow

# A line of text that ends with a one-letter word. (A line holding one letter alone is a glyph
# of the diagonal „WERSJA ROBOCZA” watermark, which pdftotext prints letter by letter.)
SINGLE_LETTER_AT_END = re.compile(r"\S[\s(„]+[aiouwzAIOUWZ]$")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    from conftest import copy_project
    from handbook.settings import load_settings

    settings = load_settings(copy_project(tmp_path_factory.mktemp("pdf") / "p"))
    prepare_data(settings)
    result = build_pdf(settings, echo=False)
    assert result.ok, result.warnings
    return settings


def chapter_titles(settings) -> list[str]:
    titles = []
    for path in sorted(settings.source_dir.glob("*.md")):
        front, _ = parse(path.read_text(encoding="utf-8"))
        if front is not None:
            titles.append(front.tytul)
    return titles


def normalise(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u00ad", "").split())


def test_exactly_one_pdf(book):
    assert [p.name for p in book.pdf_dir.iterdir()] == [book.pdf_file.name]


def test_pages_titles_and_outline(book):
    reader = PdfReader(book.pdf_file)
    assert len(reader.pages) >= 40
    text = normalise(" ".join(page.extract_text() for page in reader.pages))
    outline = [normalise(item.title) for item in _flatten(reader.outline)]
    for title in chapter_titles(book):
        assert normalise(title) in text, title
        assert any(normalise(title) in entry for entry in outline), title
    assert "Spis treści" in text
    assert book.project.funding_notice in text  # colophon
    for letter in "ąćęłńóśźżŁŚŻ":  # every Polish letter extractable from the text layer
        assert letter in text, letter


def _flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


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
        assert "mentoring" in str(info.Keywords)


def test_every_figure_has_alt_text(book):
    figures = 0
    with pikepdf.open(book.pdf_file) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure":
                figures += 1
                assert str(obj.get("/Alt", "")).strip(), obj
    assert figures >= 8  # eight charts and the cover logo


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
    assert internal >= 50  # table of contents, figure and table references, glossary terms


def test_all_fonts_embedded(book):
    with pikepdf.open(book.pdf_file) as pdf:
        fonts = 0
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                fonts += 1
                assert any(k in obj for k in ("/FontFile", "/FontFile2", "/FontFile3")), obj.get("/FontName")
        assert fonts >= 2


def test_text_layer_and_no_single_letter_line_ends(book):
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required; .ci/run installs it")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(book.pdf_file), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for word in ("gminach", "Michałowice", "współpraca", "źródło", "Kuźnia"):
        assert word in text, word
    bad = [line for line in text.splitlines() if SINGLE_LETTER_AT_END.search(line.rstrip())]
    assert bad == []


def test_same_bytes_on_rebuild(book):
    first = hashlib.sha256(book.pdf_file.read_bytes()).hexdigest()
    shutil.rmtree(book.build_dir / "typst")
    shutil.rmtree(book.doctrees_dir)
    result = build_pdf(book, echo=False)
    assert result.ok
    assert hashlib.sha256(book.pdf_file.read_bytes()).hexdigest() == first
