"""The Typst writer: a snapshot of every supported node, escaping, and errors for authors."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest
import typst
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pypdf import PdfReader

from handbook.build.staging import build_pdf, build_site
from handbook.pdf import markup
from handbook.pdf.builder import MAIN
from handbook.pdf.mathconv import UnsupportedMath, latex_to_typst
from handbook.pdf.translator import CHAPTER_PREAMBLE
from handbook.pipeline import prepare_data

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def _build(settings):
    prepare_data(settings)
    return build_pdf(settings, echo=False)


@pytest.fixture(scope="module")
def every_node(tmp_path_factory):
    from conftest import copy_project
    from handbook.settings import load_settings

    settings = load_settings(copy_project(tmp_path_factory.mktemp("typst") / "p", "typst-all"))
    result = _build(settings)
    assert result.ok, result.warnings
    return settings


def _body(settings) -> str:
    """The main file after the settings-driven preamble, each chapter's file in its place."""
    folder = settings.build_dir / "typst"
    source = (folder / MAIN).read_text(encoding="utf-8")
    body = source[source.index("\n)\n") + 3 :]

    def chapter(include: re.Match[str]) -> str:
        return (folder / include[1]).read_text(encoding="utf-8").removeprefix(CHAPTER_PREAMBLE).rstrip("\n")

    return re.sub(r'#include "([^"]+)"', chapter, body)


def test_generated_typst_matches_snapshot(every_node):
    snapshot = SNAPSHOTS / "typst-all.typ"
    body = _body(every_node)
    if os.environ.get("UPDATE_SNAPSHOTS") or not snapshot.exists():
        snapshot.write_text(body, encoding="utf-8")
    assert body == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "expected",
    [
        '#heading(level: 1, numbering: (..) => "1.", supplement: [robocza])[Wszystkie elementy] <rozdzial-->',
        "#link(<rozdzial--wykres-wolontariusze-gminy>)[rys.\u00a01\\.1];",
        "#link(<rozdzial--tabela-proba>)[tab.\u00a01\\.1];",
        "#link(<aneks--term-mentoring>)[mentoring];",
        '#link("https://example.org/a_b?c=1#d")[zewnętrzny];',
        "#footnote(<rozdzial--fn-a>);",
        'numbering: (..) => "1.1", caption: [Zapisani i\u00a0obecni na zajęciach',
        "table.cell(align: right)[4]",
        '#ramka("warning", [Ostrzeżenie])',
        "#quote(block: true)",
        '#raw(block: true, lang: "python"',
        "#rubryka[Rubryka]",
        "#temat([Temat])",
        "#ramka-boczna([Ramka boczna])",
        "#math.equation(block: true",
        "#definicja([#metadata(none)<aneks--term-mentoring>mentoring]",
        # Short columns: as wide as their text.
        "#table(columns: (auto, auto), table.header([bez], [podpisu])",
    ],
)
def test_every_node_kind_is_translated(every_node, expected):
    # Without the source markers (pdf/diagnostics.py), which start every block, cells included.
    assert expected in re.sub(r"// źródło: \d+\n", "", _body(every_node))


def test_numbers_match_the_html_site(every_node):
    build_site(every_node, "html", echo=False)
    html = (every_node.html_dir / "rozdzial.html").read_text(encoding="utf-8")
    pages = PdfReader(every_node.pdf_file).pages
    text = "".join(p.extract_text() for p in pages).replace("\xa0", " ")
    for number in ("Rys. 1.1", "Tabela 1.1", "Tabela 1.2"):
        assert number in html
        assert number in text


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(
        alphabet=st.sampled_from(list("#$*_@<>[]\\`\"'~/=+-.,:;!?()1234567890 aąćęłńóśźżAĄĆĘŁŃÓŚŹŻxyz")),
        min_size=1,
        max_size=60,
    ).filter(lambda s: s.strip())
)
def test_any_text_survives_into_the_pdf(tmp_path, value):
    source = tmp_path / "t.typ"
    source.write_text(
        '#set text(font: "Libertinus Serif", lang: "pl")\n#set smartquote(enabled: false)\n'
        "#set page(width: 40cm, height: auto)\n" + markup.text(value) + "\n",
        encoding="utf-8",
    )
    pdf = tmp_path / "t.pdf"
    typst.compile(str(source), output=str(pdf), ignore_system_fonts=True)
    extracted = PdfReader(pdf).pages[0].extract_text()
    assert " ".join(extracted.split()) == " ".join(value.split())


@pytest.mark.parametrize(
    ("docname", "anchor"),
    [("03-informacja", "rekrutacja-gminy"), ("a", "zażółć gęślą"), ("x", "a.b"), ("x", "a-2e-b")],
)
def test_labels_are_safe_and_distinct(docname, anchor):
    label = markup.label(docname, anchor)
    assert re.fullmatch(r"<[A-Za-z0-9_.\-]+>", label)
    assert markup.label(docname, anchor) != markup.label(docname, anchor + "x")


def test_math_subset_and_refusal():
    assert latex_to_typst(r"\frac{a}{b} + x^2") == "frac(a, b) + x^2"
    assert latex_to_typst(r"\sum_{i=1}^{n} x_i") == "sum_(i=1)^(n) x_i"
    with pytest.raises(UnsupportedMath, match="nieobsługiwane środowisko"):
        latex_to_typst(r"\begin{array}{cc} a \end{array}")


@pytest.mark.parametrize(
    ("latex", "typst_math"),
    [
        # Text is a Typst string: its quotes and backslashes escaped, a "#" in it only a character.
        (r"\text{\#lorem(3) \} \{} \mbox{a\_b}", '"#lorem(3) } {" "a_b"'),
        ('\\mathrm{C:\\ x}\\mbox{a"b} \\text{\\}\\{}', '"C: x" "a\\"b" "}{"'),
        (r"\operatorname{sgn} x + \textbf{suma}", 'op("sgn") x + bold("suma")'),
        (r"x \#y \$z", "x \\#y \\$z"),
        (r"\# \$ \% \& \_ \{ \}", "\\# \\$ \\% \\& \\_ \\{ \\}"),
        ("a // b /* c", "a \\/\\/ b \\/\\* c"),
        ("f(x, y: z)", "f\\(x\\, y\\: z\\)"),
        ("a % komentarz LaTeX-a", "a"),
        ("x2 + żółw", "x 2 + ż ó ł w"),
        ("x^23", "x^(2)3"),
        (r"{}^2 \frac12 \sqrt[3]{x}", '""^2 frac(1, 2) root(3, x)'),
    ],
)
def test_math_is_escaped_never_code(latex, typst_math):
    assert latex_to_typst(latex) == typst_math


@pytest.mark.parametrize(
    ("latex", "message"),
    [
        # A backslash at the end of \text{…} once closed the Typst string early.
        (r"\text{a\\}\text{#lorem(3)}\text{b\\}", "nowy wiersz (\\\\) wewnątrz \\text"),
        (r"\text{#read(`x`)}", "napisz \\#"),
        ("x #y", "znak „#” ma w LaTeX-u specjalne znaczenie"),
        ("a & b $", "napisz \\&"),
        ("{" * 1500 + "x" + "}" * 1500, "zagnieżdżony zbyt głęboko"),
        (r"\sqrt" * 100 + "x", "zagnieżdżony zbyt głęboko"),
        ("x\\", "kończy się ukośnikiem"),
        ("x^", "brakuje wykładnika"),
        (r"\text{\input{/etc/passwd}}", "wewnątrz \\text"),
        (r"\text{$x$}", "wzór wewnątrz"),
        ("a\u200bb", "U+200B"),
        ("e\u0301", "U+0301"),
        (r"\text{a", "niezamknięty nawias"),
    ],
)
def test_math_the_converter_cannot_show_is_refused(latex, message):
    with pytest.raises(UnsupportedMath, match=re.escape(message)):
        latex_to_typst(latex)


# The converter's own calls and how many commas each has between its arguments (None: any,
# the cells of a grid).
_CALLS = {
    "frac": 1, "root": 1, "binom": 1, "cases": None, "mat": None,
    **dict.fromkeys(
        ["sqrt", "bold", "italic", "op", "overline", "underline", "hat", "tilde", "macron", "arrow",
         "dot", "double", "breve", "caron", "acute", "grave", "upright", "bb", "cal", "frak", "sans",
         "mono", "limits", "scripts", "lr"],
        0,
    ),
}  # fmt: skip
# What a call of the converter may start with: mat's delimiter, its only named argument.
_DELIMITER = re.compile(r'delim: (#none|"[(\[{|‖]"), ')


def _well_formed(typst_math: str) -> None:
    """Typst math with no code (#), no end of the formula ($), no comment and closed strings.

    Outside string literals only the converter's own syntax is bare: its calls with their commas,
    parentheses, attachments, names; every other punctuation mark is escaped.
    """
    index = 0
    calls: list[list] = []  # open parentheses: [name of the call or "", commas seen]
    while index < len(typst_math):
        char = typst_math[index]
        if char == "\\":
            escaped = typst_math[index + 1 : index + 2]
            assert escaped.isascii() and escaped.isprintable() and not escaped.isalnum(), typst_math
            index += 2  # an escaped character, or a line break ("\ ")
            continue
        if typst_math.startswith("mat(", index):
            delimiter = _DELIMITER.match(typst_math, index + 4)
            assert delimiter, typst_math
            calls.append(["mat", 0])
            index = delimiter.end()
            continue
        if char == '"':
            end = index + 1
            while end < len(typst_math) and typst_math[end] != '"':
                if typst_math[end] == "\\":
                    assert typst_math[end + 1 : end + 2] in ("\\", '"'), typst_math
                    end += 1
                end += 1
            assert end < len(typst_math), f"unclosed string: {typst_math}"
            index = end + 1
            continue
        assert char not in "#$/*`@<>[]{}:|~!?", f"{char!r} unescaped in {typst_math}"
        # ";" separates the rows of a matrix; "&" aligns (a line break or a case).
        assert char != ";" or (calls and calls[-1][0] == "mat"), typst_math
        # Only in a name of the converter's (dots.h) or a number (3.5), never a spread (..x).
        around = typst_math[index - 1 : index + 2 : 2] if index else ""
        assert char != "." or (len(around) == 2 and around.isalnum()), typst_math
        if char == "(":
            name = re.search(r"[a-z]*$", typst_math[:index]).group()
            calls.append([name if name in _CALLS else "", 0])
        elif char == ",":
            assert calls and calls[-1][0], f"a comma outside a call of the converter: {typst_math}"
            calls[-1][1] += 1
        elif char == ")":
            assert calls, typst_math
            name, commas = calls.pop()
            assert not name or _CALLS[name] is None or commas == _CALLS[name], typst_math
        index += 1
    assert not calls, typst_math


_LATEXISH = st.lists(
    st.sampled_from(
        [
            *(f"\\{c}{{" for c in ("text", "mathrm", "operatorname", "mbox", "textbf", "textit")),
            *("\\frac", "\\sqrt", "\\sqrt[", "\\alpha", "\\sum", "\\cdot", "\\left", "\\\\", "\\"),
            *("\\right", "\\left(", "\\right)", "\\left.", "\\binom", "\\hat", "\\mathbb{", "\\overset"),
            *(f"\\begin{{{e}}}" for e in ("aligned", "cases", "pmatrix", "matrix", "Vmatrix", "x")),
            *(f"\\end{{{e}}}" for e in ("aligned", "cases", "pmatrix", "matrix", "x")),
            *("&", "\\\\[2pt]", "\\langle", "\\lim", "\\nonumber", "\\big(", "\\not"),
            *(f"\\{c}" for c in "#$%&_{},;: !|\"'`^~"),
            *"{}{}^_%#$\"'`@<>[](),;:=+-*/~|&!?. \nxyź0∞",
            *("//", "/*", "*/", "..", "ab", "12", "3.5", "\u200b", "\u0301", "#lorem(3)", 'read("x")'),
        ]
    ),
    max_size=25,
).map("".join)


def _compiled_text(tmp_path: Path, typst_math: str, block: bool) -> str:
    """The text of a page with *typst_math* as its only formula; raises if Typst cannot read it."""
    source = tmp_path / "m.typ"
    source.write_text(
        f'#set page(width: 30cm, height: auto)\n#math.equation(block: {str(block).lower()}, alt: "", $'
        + typst_math
        + "$)\n",
        encoding="utf-8",
    )
    pdf = typst.compile(str(source), ignore_system_fonts=True)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@hsettings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_LATEXISH, st.booleans())
def test_any_formula_is_converted_safely_or_refused(tmp_path, latex, block):
    try:
        typst_math = latex_to_typst(latex, block=block)
    except UnsupportedMath as refusal:
        assert str(refusal) and not re.search(r"[A-Za-z]+Error", str(refusal))
        return
    _well_formed(typst_math)
    assert "Lorem" not in _compiled_text(tmp_path, typst_math, block)


def test_every_command_of_the_converter_compiles(tmp_path):
    """Each symbol, function and environment the converter knows is one Typst accepts."""
    from handbook.pdf import mathconv

    commands = [f"\\{name}" for name in (*mathconv._SYMBOLS, *mathconv._CHARACTERS, *mathconv._LAYOUT_ONLY)]
    commands += [f"\\{name}{{a}}{{b}}" for name in mathconv._FUNCTIONS]
    commands += [f"\\begin{{{name}}} a & b \\\\ c \\end{{{name}}}" for name in mathconv._MATRICES]
    commands += ["\\begin{cases} a & b \\\\ c \\end{cases}", "\\begin{alignat}{2} a &= b \\end{alignat}"]
    commands += [
        f"\\begin{{{name}}} a &= b \\\\ &= c \\end{{{name}}}"
        for name in mathconv._LINES - {"alignat", "alignat*"}
    ]
    for latex in commands:
        typst_math = latex_to_typst(latex, block=True)
        _well_formed(typst_math)
        _compiled_text(tmp_path, typst_math, block=True)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "![Znak projektu: sześć części koła](znak.svg)",
            "![](znak.svg)",
            "rozdzial.md:67: obraz „znak.svg” nie ma tekstu alternatywnego",
        ),
        (
            "Akapit po linii poziomej.",
            'Akapit.\n\n```{raw} typst\n#read("/etc/passwd")\n```',
            "rozdzial.md:113: wstawka w formacie „typst” jest niedozwolona",
        ),
        (
            "Wzór w tekście {math}`\\frac{a}{b} + x^2`",
            "Wzór {math}`\\begin{x}`",
            "rozdzial.md:13: wzoru nie da się złożyć w PDF: nieobsługiwane środowisko LaTeX-a x",
        ),
        (
            "```{rubric} Rubryka\n```",
            "```{py:function} licz(x)\n\nOpis funkcji.\n```",
            "element „desc_signature” nie ma odpowiednika w PDF",
        ),
    ],
)
def test_author_errors_stop_the_pdf_and_keep_the_last_one(every_node, tmp_path, old, new, expected):
    project = tmp_path / "p"
    shutil.copytree(every_node.root, project, ignore=shutil.ignore_patterns(".staging"))
    from handbook.settings import load_settings

    settings = load_settings(project)
    before = settings.pdf_file.read_bytes()
    chapter = settings.source_dir / "rozdzial.md"
    text = chapter.read_text(encoding="utf-8")
    assert old in text
    chapter.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = build_pdf(settings, echo=False)
    assert not result.ok
    assert any(expected in w for w in result.warnings), result.warnings
    assert settings.pdf_file.read_bytes() == before


def test_page_format_comes_from_the_settings(every_node, tmp_path):
    from handbook.settings import load_settings

    project = tmp_path / "p"
    shutil.copytree(every_node.root, project, ignore=shutil.ignore_patterns(".staging"))
    toml = project / "conf" / "handbook.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('format = "B5"', 'format = "A4"'), encoding="utf-8"
    )
    b5 = PdfReader(every_node.pdf_file).pages[0].mediabox
    assert (round(float(b5.width)), round(float(b5.height))) == (499, 709)  # 176 × 250 mm
    settings = load_settings(project)
    assert _build(settings).ok
    a4 = PdfReader(settings.pdf_file).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
