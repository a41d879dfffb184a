"""Book typography of the reading PDF: tables that never split a row or strand one, left-aligned
cells, chapters on right-hand pages, roman front matter, the line measure, and the numbering
and references shared with the site (appendix „Tabela A.1”, „tab. 1.1” in a sentence)."""

from __future__ import annotations

import re
import subprocess
from collections import Counter

import pikepdf
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from handbook.build.staging import build_pdf, build_site
from handbook.pipeline import prepare_data
from handbook.settings import load_settings

ROWS = 40  # a table longer than two pages of B5
SHORT_ROWS = 5

FRONT = """---
tytul: Druk książkowy
autorzy:
  - rola: redakcja
    organizacja: Fundacja „Zielona Jarzębina”
    imie_nazwisko: null
status: gotowy
streszczenie: Rozdział do testów składu.
slowa_kluczowe: [test]
---
"""


def _long_table() -> str:
    long = "dłuższy opis komórki, który w wąskiej kolumnie zajmie kilka wierszy tekstu tabeli, " * 2
    rows = "\n".join(f"| W{i:02d} | {'krótki opis' if i % 3 else long}| {i * 7} |" for i in range(ROWS))
    return f"""```{{table}} Długa tabela
:name: tabela-dluga

| Kod | Opis | Liczba |
|:--|:--|--:|
{rows}
```
"""


def _short_table(n: int) -> str:
    rows = "\n".join(
        f"| K{n}r{i} | pozycja {i} tabeli krótkiej numer {n}{' z opisem' * i} |" for i in range(SHORT_ROWS)
    )
    return f"""```{{table}} Krótka tabela {n}
:name: tabela-krotka-{n}

| Kod | Opis |
|:--|:--|
{rows}
```
"""


PROSE = (
    "Aktywność obywatelska zaczyna się od kilku sąsiadów, którym zależy na wspólnej sprawie, "
    "a gdy znajdą sojuszników w gminie i w organizacjach, ich pomysły stają się trwałe. "
)


def _chapter() -> str:
    parts = [
        FRONT,
        "## Tabele\n",
        "{numref}`tabela-dluga` zbiera kody. Dane z {numref}`tabela-dluga` są zmyślone (zob. "
        "{numref}`tabela-dluga`). Czy {numref}`tabela-dluga` jest długa? {numref}`tabela-dluga` tak.\n",
    ]
    parts += [PROSE * 4 + "\n", _long_table()]
    for n in range(6):  # short tables at varied heights on the page
        parts += [PROSE * (3 + 2 * n) + "\n", _short_table(n)]
    footnote = (
        "Zdanie z przypisem.[^dlugi]\n\n[^dlugi]: Przypis na tyle długi, że zajmie w stopce strony "
        "co najmniej dwa wiersze tekstu, z jednostką m<sup>2</sup> w środku, a potem jeszcze kilka słów.\n\n"
        "    Drugi akapit przypisu.\n"
    )
    return "\n".join(parts + [PROSE * 6, footnote])


APPENDIX_TABLE = """

```{table} Tabela w aneksie
:name: tabela-aneks

| Pojęcie | Opis |
|:--|:--|
| wolontariat | praca bez wynagrodzenia |
```
"""


# A chapter that lists its own sections in a toctree (as many real books do).
PART_TITLES = {"czesc": "Część z podrozdziałami", "czesc-a": "Podrozdział A", "czesc-b": "Podrozdział B"}
PART = {
    "czesc": "\nWstęp do części.\n\n```{toctree}\n:maxdepth: 1\n\nczesc-a\nczesc-b\n```\n\n"
    "## Sekcja po spisie\n\nTekst po spisie.\n",
    "czesc-a": "\nTekst A.\n\n## Sekcja A1\n\nTekst A1.\n",
    "czesc-b": "\nTekst B.\n",
}


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    from conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("druk") / "p")
    handbook = root / "handbook"
    (handbook / "druk.md").write_text(_chapter(), encoding="utf-8")
    index = handbook / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8").replace("rozdzial\n```", "rozdzial\ndruk\nczesc\n```", 1),
        encoding="utf-8",
    )
    for name, text in PART.items():
        (handbook / f"{name}.md").write_text(
            FRONT.replace("Druk książkowy", PART_TITLES[name]) + text, "utf-8"
        )
    slowniczek = handbook / "slowniczek.md"
    slowniczek.write_text(slowniczek.read_text(encoding="utf-8") + APPENDIX_TABLE, encoding="utf-8")
    settings = load_settings(root)
    prepare_data(settings)
    result = build_pdf(settings, echo=False)
    assert result.ok, result.warnings
    assert build_site(settings, echo=False).ok
    return settings


@pytest.fixture(scope="module")
def pages(book) -> list[str]:
    return [p.extract_text().replace("\xa0", " ") for p in PdfReader(book.pdf_file).pages]


def _rows_per_page(pages: list[str], pattern: str) -> list[int]:
    counts = [len(re.findall(pattern, text)) for text in pages]
    return [c for c in counts if c]


def _flat(text: str) -> str:
    """Page text as one line: hyphenated words joined, line breaks as spaces."""
    return re.sub(r"\s+", " ", re.sub(r"[-\xad]\n", "", text))


def test_no_table_row_splits_across_pages(pages):
    # Each row — its code, its whole multi-line description and its number — is on one page.
    for i in range(ROWS):
        holding = [n for n, text in enumerate(pages) if re.search(rf"\bW{i:02d}\b", text)]
        assert len(holding) == 1, f"W{i:02d} on pages {holding}"
        row = re.search(rf"\bW{i:02d} (.*?) {i * 7}\b", _flat(pages[holding[0]]))
        assert row, f"row W{i:02d} is not whole on page {holding[0] + 1}"
        assert row.group(1).count("dłuższy opis komórki") == (0 if i % 3 else 2)


def test_long_table_leaves_no_lone_row(pages):
    per_page = _rows_per_page(pages, r"\bW\d\d\b")
    assert sum(per_page) == ROWS and len(per_page) > 1
    assert min(per_page) >= 2, per_page


def test_short_tables_never_break(pages):
    for n in range(6):
        assert _rows_per_page(pages, rf"\bK{n}r\d\b") == [SHORT_ROWS]


def test_caption_stays_with_its_table(pages):
    for text in pages:
        last = [line for line in text.splitlines() if line.strip()][-2:]
        assert not any(line.startswith("Tabela") for line in last), last


def test_cells_are_left_aligned(book):
    # The cells of a „Opis” column start at one x, whatever their length: flush left, not
    # centred (a figure centres its body). The rows of one short table share a page.
    seen = 0
    for page in PdfReader(book.pdf_file).pages:
        starts: list[float] = []

        def visit(text, cm, tm, font, size, starts=starts):
            if re.match(r"\s*pozycja \d", text):
                starts.append(cm[0] * tm[4] + cm[4])

        page.extract_text(visitor_text=visit)
        if starts:
            assert len(starts) % SHORT_ROWS == 0
            assert max(starts) - min(starts) < 1.0, starts
            seen += len(starts)
    assert seen == 6 * SHORT_ROWS


def _chapter_pages(pdf: pikepdf.Pdf) -> list[tuple[str, int]]:
    index = {page.objgen: n for n, page in enumerate(pdf.pages)}
    found = []
    with pdf.open_outline() as outline:
        for item in outline.root:
            destination = item.destination
            if destination is None and item.action is not None:
                destination = item.action.get("/D")
            found.append((item.title, index[destination[0].objgen]))
    return found


def test_chapters_open_on_right_hand_pages(book):
    with pikepdf.open(book.pdf_file) as pdf:
        chapters = _chapter_pages(pdf)
    assert len(chapters) >= 4
    for title, page in chapters:
        assert page % 2 == 0, f"„{title}” opens on page {page + 1}"  # index 0 = page 1, a recto


def test_no_blank_page_before_contents_and_roman_front_matter(book, pages):
    reader = PdfReader(book.pdf_file)
    labels = reader.page_labels
    contents = next(n for n, text in enumerate(pages) if text.lstrip().startswith("Spis treści"))
    assert contents == 2 and all(pages[n].strip() for n in range(contents))
    first = labels.index("1")
    assert first % 2 == 0  # page 1 of the text is a right-hand page
    assert labels[:first] == ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"][:first]
    assert labels[first : first + 3] == ["1", "2", "3"]
    # A blank verso carries neither running head nor folio.
    for n, text in enumerate(pages[first:], start=first):
        if not text.strip():
            continue
        assert text.strip() != labels[n]


def test_line_measure_is_a_book_measure(pages):
    # The median full line of running text (a paragraph's short last line and the contents'
    # dot leaders left out) holds about 60–75 characters, as a book is set.
    lines = [line.strip() for text in pages for line in text.splitlines()]
    full = sorted(len(line) for line in lines if len(line) > 40 and ". . ." not in line)
    assert 60 <= full[len(full) // 2] <= 75, full[len(full) // 2]


def test_appendix_numbers_its_tables_on_site_and_in_print(book, pages):
    html = BeautifulSoup((book.html_dir / "slowniczek.html").read_text(encoding="utf-8"), "html.parser")
    assert html.find(string=re.compile(r"Tabela\sA\.1")), "no „Tabela A.1” on the site"
    assert any("Tabela A.1. Tabela w aneksie" in text for text in pages)


def test_references_are_grammatical_on_site_and_in_print(book, pages):
    html = BeautifulSoup((book.html_dir / "druk.html").read_text(encoding="utf-8"), "html.parser")
    for hidden in html.select("[hidden]"):  # search's folded spellings (site/indexing.py)
        hidden.decompose()
    text = html.select_one("article").get_text(" ", strip=True).replace("\xa0", " ")
    assert "Tab. 2.1 zbiera kody" in text  # opening a sentence
    assert "Dane z tab. 2.1 są" in text
    assert "(zob. tab. 2.1" in text  # a dot after an abbreviation ends no sentence
    assert "jest długa? Tab. 2.1 tak" in text
    printed = " ".join(pages)
    assert "Tab. 2.1 zbiera kody" in printed and "Dane z tab. 2.1 są" in printed
    assert "(zob. tab. 2.1)" in printed.replace("\u00a0", " ")
    assert "Tabela 2.1. Długa tabela" in printed  # the caption keeps its noun


def test_a_chapter_with_its_own_toctree_keeps_its_title_and_number(book):
    # Its title stays a numbered chapter (as on the site), and the documents it lists become its
    # sections, one level down, with their own sections below them.
    def outline(items, depth=0):
        entries = []
        for item in items:
            # Titles carry the Polish no-break spaces („z\u00a0podrozdziałami”).
            entries += [(depth, item.title.replace("\u00a0", " ")), *outline(item.children, depth + 1)]
        return entries

    with pikepdf.open(book.pdf_file) as pdf, pdf.open_outline() as tree:
        entries = outline(tree.root)
    start = entries.index((0, "3. Część z podrozdziałami"))
    assert entries[start + 1 : start + 5] == [
        (1, "Podrozdział A"),
        (2, "Sekcja A1"),
        (1, "Podrozdział B"),
        (1, "Sekcja po spisie"),
    ]
    text = " ".join(
        " ".join(page.extract_text().replace("\u00a0", " ").split())
        for page in PdfReader(book.pdf_file).pages
    )
    assert re.search(r"3\. Część z podrozdziałami .*Wstęp do części\. .*Podrozdział A .*Tekst A\.", text)


def test_footnotes_hang_with_their_number_in_the_margin(book):
    # Every line and paragraph of a note starts at one x; its number stands left of them.
    reader = PdfReader(book.pdf_file)
    number = next(i for i, p in enumerate(reader.pages, 1) if "Drugi akapit przypisu" in p.extract_text())
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(number), "-l", str(number), str(book.pdf_file), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [
        (float(m["x"]), round(float(m["y"])), m["word"])
        for m in re.finditer(
            r'<word xMin="(?P<x>[\d.]+)" yMin="(?P<y>[\d.]+)"[^>]*>(?P<word>[^<]*)</word>', bbox
        )
    ]
    firsts: dict[int, float] = {}  # the x of the first word of each line, by its y
    for x, y, _word in words:
        firsts[y] = min(x, firsts.get(y, x))
    counts = Counter(y for _x, y, _word in words)
    firsts = {y: x for y, x in firsts.items() if counts[y] > 1}  # not a raised „2” of „m²”
    top = next(y for x, y, word in words if word == "Przypis")  # the note's first line
    bottom = next(y for x, y, word in words if word == "Drugi" and y > top)  # its second paragraph
    text_x = [next(x for x, y, word in words if word == "Przypis")]
    text_x += [x for y, x in sorted(firsts.items()) if top < y <= bottom]
    assert len(text_x) >= 3 and max(text_x) - min(text_x) < 1, text_x
    assert firsts[top] < min(text_x) - 2, (firsts[top], text_x)  # the number stands apart
    # The author's superscript in the note prints as written, unmoved.
    assert "jednostką m2 w środku" in " ".join(reader.pages[number - 1].extract_text().split())
