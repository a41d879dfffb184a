"""Math in the PDF as on the site, and Typst's compile errors traced back to the chapter."""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest
import typst
from pypdf import PdfReader

from handbook.build.staging import build_pdf, build_site
from handbook.pdf.diagnostics import compile_problems
from handbook.pdf.mathconv import UnsupportedMath, latex_to_typst
from handbook.pipeline import prepare_data
from handbook.site.math import Unconvertible, display_lines, mathml


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    from conftest import copy_project
    from handbook.settings import load_settings

    settings = load_settings(copy_project(tmp_path_factory.mktemp("math") / "p", "typst-all"))
    prepare_data(settings)
    result = build_pdf(settings, echo=False)
    assert result.ok, result.warnings
    assert build_site(settings, "html", echo=False).ok
    return settings


def _pdf_lines(settings) -> list[str]:
    """The PDF's text line by line, as laid out on the page (math letters folded to ASCII)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(settings.pdf_file), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Without the draft watermark's letters, which pdftotext puts on lines of their own.
    return [_plain(line) for line in text.splitlines() if not re.fullmatch(r"[A-Z ]*", _plain(line))]


def _plain(text: str) -> str:
    # Typst sets variables in the mathematical italic alphabet (U+1D44E 𝑎 …).
    folded = "".join(
        chr(ord("a") + ord(c) - 0x1D44E) if 0x1D44E <= ord(c) <= 0x1D467 else c for c in text
    ).replace("ℎ", "h")
    folded = "".join(chr(ord("A") + ord(c) - 0x1D434) if 0x1D434 <= ord(c) <= 0x1D44D else c for c in folded)
    return " ".join(folded.replace("\xa0", " ").split())


def test_labelled_equations_are_numbered_and_referenced_as_on_the_site(book):
    html = (book.html_dir / "rozdzial.html").read_text(encoding="utf-8")
    site_numbers = re.findall(r'<span class="eqno">\((\d+(?:\.\d+)*)\)', html)
    assert len(site_numbers) == 2  # the two labelled blocks of the section "Wzory"
    lines = _pdf_lines(book)
    for number in site_numbers:
        # The number at the right margin, beside its equation, and the same text in the reference.
        assert any(line.endswith(f"({number})") for line in lines), number
        assert re.search(rf">\({re.escape(number)}\)</", html)  # the site's {eq} reference
        assert sum(line.count(f"({number})") for line in lines) >= 2, number
    # An unlabelled display carries no number in either.
    assert not any(re.search(r"=\s*c\s+\(\d", line) for line in lines)


def test_equation_references_link_to_the_equation(book):
    reader = PdfReader(book.pdf_file)
    page = next(p for p in reader.pages if "Wzory" in p.extract_text() and "układu" in p.extract_text())
    links = [a.get_object() for a in page.get("/Annots", []) if a.get_object()["/Subtype"] == "/Link"]
    internal = [a for a in links if "/Dest" in a or a.get("/A", {}).get("/S") == "/GoTo"]
    assert len(internal) >= 2  # (1.1) and (1.2) in the text of the section


def _words(settings) -> list[tuple[str, float, float]]:
    """Every word of the PDF with its left edge and its top (pdftotext -bbox)."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(settings.pdf_file), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', xhtml)
    return [(_plain(html.unescape(word)), float(x), float(y)) for x, y, word in found]


def test_lines_of_a_display_stay_separate_lines(book):
    words = _words(book)

    def where(text: str) -> tuple[float, float]:
        return next((x, y) for word, x, y in words if word == text)

    # aligned: the second line under the first, its "=" under the first one's.
    (x1, y1), (x2, y2) = where("=a+b"), where("=c")
    assert y2 - y1 > 8 and abs(x1 - x2) < 0.5
    # cases: two rows, the second („x < 0”) right under the first („x ≥ 0”).
    top = where("≥")[1]
    assert any(8 < y - top < 30 for word, _, y in words if word == "<")
    html = (book.html_dir / "rozdzial.html").read_text(encoding="utf-8")
    # On the site the aligned lines are a table (aligned, cases, the matrix), not an "&" shown.
    assert not re.search(r"<mi>&amp;</mi>\s*<mo>=</mo>", html) and html.count("<mtable") >= 3


def test_a_compile_error_is_located_in_the_chapter_with_the_translators_errors(book, tmp_path):
    from handbook.settings import load_settings

    project = tmp_path / "p"
    shutil.copytree(book.root, project, ignore=shutil.ignore_patterns(".staging"))
    settings = load_settings(project)
    before = settings.pdf_file.read_bytes()
    chapter = settings.source_dir / "rozdzial.md"
    text = chapter.read_text(encoding="utf-8")
    lines = text.count("\n")
    # A character no embedded font has (a Typst error) and a formula the converter refuses.
    chapter.write_text(
        text + "\nAkapit z emoji 😀 w tekście.\n\nWzór {math}`\\begin{x} a \\end{x}`.\n", encoding="utf-8"
    )
    result = build_pdf(settings, echo=False)
    assert not result.ok
    assert any(f"rozdzial.md:{lines + 2}: PDF nie powstał: znaku „😀”" in w for w in result.warnings), (
        result.warnings
    )
    assert any(f"rozdzial.md:{lines + 4}: wzoru nie da się złożyć w PDF" in w for w in result.warnings)
    assert not any("podrecznik.typ" in w or ".staging" in w for w in result.warnings)
    assert settings.pdf_file.read_bytes() == before


def test_compile_problems_name_the_marker_before_the_error(tmp_path):
    source = tmp_path / "podrecznik.typ"
    source.write_text(
        "#let f(x) = x + 1\n\n// źródło: 0\nTekst.\n\n// źródło: 1\nDrugi #foo akapit\n\n"
        '// źródło: 2\n#f("a")\n',
        encoding="utf-8",
    )
    with pytest.raises(typst.TypstError) as caught:
        typst.compile(str(source))
    problems = compile_problems(
        caught.value.diagnostic,
        lambda name: source.read_text(encoding="utf-8") if name.endswith(source.name) else None,
    )
    assert [p.source for p in problems] == [1]
    assert problems[0].message.startswith("PDF nie powstał: nieznana nazwa „foo”")
    # An error inside a function of the template: located at the call in the generated file.
    source.write_text(source.read_text(encoding="utf-8").replace("#foo ", ""), encoding="utf-8")
    (tmp_path / "szablon.typ").write_text("#let g(x) = x + 1\n", encoding="utf-8")
    source.write_text('#import "szablon.typ": g\n' + source.read_text(encoding="utf-8").replace("#f(", "#g("))
    with pytest.raises(typst.TypstError) as caught:
        typst.compile(str(source))
    problems = compile_problems(
        caught.value.diagnostic,
        lambda name: source.read_text(encoding="utf-8") if name.endswith(source.name) else None,
    )
    assert [p.source for p in problems] == [2]
    assert "Typst zgłosił błąd" in problems[0].message


# Formulas the site and the PDF both show, and ones both refuse: they must agree.
AGREED = [
    r"\frac{a}{b} + \sqrt[3]{x} - \binom{n}{k}",
    r"\sum_{i=1}^{n} x_i \int_0^1 f(x)\,\mathrm{d}x \lim_{x \to 0} \sin x",
    r"\hat{x} \vec{v} \bar{y} \mathbb{R} \mathcal{A} \boldsymbol{\alpha} \mathbf{v}",
    r"\text{zażółć gęślą} \operatorname{sgn} x \left( \frac{a}{b} \right) \langle u, v \rangle",
    r"\begin{cases} x & \text{gdy } x \ge 0 \\ -x & \text{gdy } x < 0 \end{cases}",
    r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} \begin{bmatrix} a \end{bmatrix}",
    r"\begin{aligned} a &= b \\ &= c \end{aligned}",
    r"a &= b \\ c &= d",
    r"\$ \# \% \& \_ \{ \} \epsilon \varepsilon \phi \varphi",
]
REFUSED_BY_BOTH = [r"\tag{1}", r"\nonumber", r"\frac{a}", r"\left( x", r"x^", r"\unknowncommand"]


@pytest.mark.parametrize("latex", AGREED + REFUSED_BY_BOTH)
def test_the_site_and_the_pdf_accept_the_same_formulas(latex):
    def pdf() -> bool:
        try:
            latex_to_typst(latex, block=True)
            return True
        except UnsupportedMath:
            return False

    def site() -> bool:
        try:
            mathml(display_lines(latex), block=True)
            return True
        except Unconvertible:
            return False

    assert pdf() == site() == (latex in AGREED)
