"""The print-shop edition (`buduj --druk`): boxes, crop marks, page count, cover, spine; read with pikepdf."""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import copy_project
from handbook.cli import main
from handbook.errors import HandbookError
from handbook.settings import PressEdition, load_settings

MM = 72 / 25.4
# B5, the test book's format, in points.
B5 = (176 * MM, 250 * MM)
FUNDER_ALT = "Logo programu grantowego Fundusz Przykładowy"
FUNDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40">'
    '<rect x="1" y="1" width="118" height="38" fill="#ffffff" stroke="#333333"/></svg>'
)
PRESS = "\n[druk]\nspad_mm = 3\nwielokrotnosc_stron = 4\ngrubosc_kartki_mm = 0.1\n"
FUNDER = f'\n[[projekt.logotypy]]\nplik = "conf/fundator.svg"\nopis = "{FUNDER_ALT}"\n'


def _with_press(root: Path, extra: str = PRESS + FUNDER) -> Path:
    (root / "conf" / "fundator.svg").write_text(FUNDER_SVG, encoding="utf-8")
    settings = root / "conf" / "handbook.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return root


def _build(root: Path, *options: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--katalog", str(root), "buduj", "--pdf", "--druk", *options])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = _with_press(copy_project(tmp_path_factory.mktemp("druk") / "p"))
    code, out, err = _build(root)
    assert code == 0, err
    settings = load_settings(root)
    name = settings.publication.basename
    return {
        "settings": settings,
        "out": out,
        "reading": settings.pdf_file,
        "interior": settings.press_dir / f"{name}-srodek.pdf",
        "cover": settings.press_dir / f"{name}-okladka.pdf",
        "note": settings.press_dir / f"{name}-dla-drukarni.txt",
    }


def _box(page: pikepdf.Page, name: str) -> tuple[float, ...]:
    return tuple(float(v) for v in page.obj[name])


def _close(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all(math.isclose(x, y, abs_tol=0.01) for x, y in zip(a, b, strict=True))


def _grown(box: tuple[float, ...], by: float) -> tuple[float, ...]:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def _contains(outer: tuple[float, ...], inner: tuple[float, ...]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def _segments(page: pikepdf.Page) -> list[tuple[tuple[float, float, float, float], bool]]:
    """Lines stroked in the registration colour (the printer's marks), each with whether it is dashed."""
    found, start, dashed, marks = [], None, False, False
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "CS":
            colour = page.obj.Resources.ColorSpace.get(str(operands[0]))
            marks = isinstance(colour, pikepdf.Array) and colour[0] == "/Separation" and colour[1] == "/All"
        elif op == "EMC":
            marks = False
        elif op == "d" and marks:
            dashed = len(operands[0]) > 0
        elif op == "m" and marks:
            start = tuple(float(v) for v in operands)
        elif op == "l" and marks and start is not None:
            found.append(((*start, *(float(v) for v in operands)), dashed))
    return found


def test_interior_has_trim_bleed_and_media_boxes_on_every_page(book):
    with pikepdf.open(book["interior"]) as pdf:
        for page in pdf.pages:
            trim = _box(page, "/TrimBox")
            assert _close((trim[2] - trim[0], trim[3] - trim[1]), B5)
            assert _close(_box(page, "/BleedBox"), _grown(trim, 3 * MM))
            media = _box(page, "/MediaBox")
            assert _contains(media, _grown(trim, 3 * MM)) and media != _box(page, "/BleedBox")


def test_interior_is_padded_with_blank_pages_at_the_end(book):
    reading = len(PdfReader(book["reading"]).pages)
    interior = PdfReader(book["interior"])
    assert len(interior.pages) % 4 == 0
    assert len(interior.pages) == math.ceil(reading / 4) * 4
    for page in interior.pages[reading:]:
        assert page.extract_text().strip() == ""  # only the marks on the padding
    # The reading pages come first and unchanged in order: the title page opens the interior.
    assert (
        interior.pages[0].extract_text().split() == PdfReader(book["reading"]).pages[0].extract_text().split()
    )


def test_crop_marks_lie_on_the_trim_lines_outside_the_bleed(book):
    with pikepdf.open(book["interior"]) as pdf:
        for page in (pdf.pages[0], pdf.pages[-1]):
            trim, bleed = _box(page, "/TrimBox"), _box(page, "/BleedBox")
            media = _box(page, "/MediaBox")
            segments = [s for s, _ in _segments(page)]
            assert len(segments) == 8  # two at each corner
            for x0, y0, x1, y1 in segments:
                assert _contains(media, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
                if x0 == x1:  # vertical: continues a left or right cut, above or below the bleed
                    assert any(math.isclose(x0, t, abs_tol=0.01) for t in (trim[0], trim[2]))
                    assert min(y0, y1) >= bleed[3] or max(y0, y1) <= bleed[1]
                else:
                    assert math.isclose(y0, y1) and any(
                        math.isclose(y0, t, abs_tol=0.01) for t in (trim[1], trim[3])
                    )
                    assert min(x0, x1) >= bleed[2] or max(x0, x1) <= bleed[0]
            # Two at each corner: the nearest corner of each mark's midpoint.
            corners = [
                (
                    abs((x0 + x1) / 2 - trim[0]) < abs((x0 + x1) / 2 - trim[2]),
                    abs((y0 + y1) / 2 - trim[1]) < abs((y0 + y1) / 2 - trim[3]),
                )
                for x0, y0, x1, y1 in segments
            ]
            assert sorted(corners.count(c) for c in set(corners)) == [2, 2, 2, 2]
            # In the registration colour: printed on every plate.
            spaces = page.obj.Resources.ColorSpace
            assert any(
                isinstance(cs, pikepdf.Array) and cs[0] == "/Separation" and cs[1] == "/All"
                for cs in spaces.values()
            )


def test_reading_pdf_is_left_as_it_was_with_the_funder_logo_in_the_colophon(book):
    with pikepdf.open(book["reading"]) as pdf:
        page = pdf.pages[0]
        assert "/TrimBox" not in page.obj and _close(_box(page, "/MediaBox"), (0, 0, *B5))
        with pdf.open_metadata() as meta:
            assert meta.get("pdfaid:part") == "2" and meta.get("pdfuaid:part") == "1"
        alts = [
            str(obj.get("/Alt"))
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure" and "/Alt" in obj
        ]
    assert FUNDER_ALT in alts
    colophon = PdfReader(book["reading"]).pages[1].extract_text()
    assert "Projekt sfinansowano ze środków testowych." in colophon


def test_cover_is_back_spine_and_front_with_the_spine_from_the_page_count(book):
    pages = len(PdfReader(book["interior"]).pages)
    spine = pages / 2 * 0.1 * MM
    width, height = B5
    with pikepdf.open(book["cover"]) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        trim, bleed = _box(page, "/TrimBox"), _box(page, "/BleedBox")
        assert math.isclose(trim[2] - trim[0], 2 * width + spine, abs_tol=0.05)
        assert math.isclose(bleed[2] - bleed[0], 2 * width + spine + 2 * 3 * MM, abs_tol=0.05)
        assert math.isclose(bleed[3] - bleed[1], height + 2 * 3 * MM, abs_tol=0.05)
        assert _contains(_box(page, "/MediaBox"), bleed)
        segments = _segments(page)
        crops = [s for s, dashed in segments if not dashed]
        folds = sorted({round(s[0], 2) for s, dashed in segments if dashed})
        assert len(crops) == 8
        # The spine's edges: after the back (on the left), and one spine further.
        assert folds == [round(trim[0] + width, 2), round(trim[0] + width + spine, 2)]


def test_cover_prints_the_front_back_and_no_spine_text_on_a_thin_spine(book):
    settings = book["settings"]
    text = PdfReader(book["cover"]).pages[0].extract_text()
    flat = " ".join(text.split())
    assert settings.publication.title.split()[0] in flat
    assert settings.county.name.upper() in flat
    assert "Projekt sfinansowano ze środków testowych." in flat
    assert f"Licencja {settings.publication.licence}" in flat
    # The test book's few pages make a spine under 5 mm: the title is on the front and back only.
    assert flat.count(settings.publication.title.split()[-1]) == 2
    with pikepdf.open(book["cover"]) as pdf:
        drawn = pdf.pages[0].obj.Resources.get("/XObject", {})
        assert len(drawn) >= 2  # the book's logo (front) and the funder's (back)


def test_command_reports_the_spine_in_polish(book):
    pages = len(PdfReader(book["interior"]).pages)
    spine = f"{pages / 2 * 0.1:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    assert f"grzbiet: {spine}\u00a0mm = {pages}\u00a0stron" in book["out"] or (
        f"grzbiet: {spine}\u00a0mm = {pages}\u00a0strony" in book["out"]
    )
    assert "bez napisu na grzbiecie" in book["out"]
    note = book["note"].read_text(encoding="utf-8")
    assert "Spad: 3\u00a0mm" in note and f"Grzbiet: {spine}\u00a0mm" in note


def test_thick_paper_and_sections_of_eight(book, tmp_path):
    """The same reading PDF with other settings: 8-page sections, a spine wide enough for its title."""
    from handbook.build.config import pdf_config
    from handbook.identity import identity
    from handbook.pdf.druk import make_print_edition

    settings = book["settings"]
    # The allowance alone makes the spine wide enough for its title, whatever the page count.
    press = PressEdition(spad_mm=5, wielokrotnosc_stron=8, grubosc_kartki_mm=0.3, naddatek_grzbietu_mm=5)
    edition = make_print_edition(
        book["reading"],
        tmp_path / "druk",
        tmp_path / "zrodlo",
        pdf_config(settings, identity(settings)),
        press,
        0,
    )
    with pikepdf.open(edition.interior) as pdf:
        assert len(pdf.pages) % 8 == 0
        assert edition.pages == len(pdf.pages)
        trim = _box(pdf.pages[0], "/TrimBox")
        assert _close(_box(pdf.pages[0], "/BleedBox"), _grown(trim, 5 * MM))
    assert math.isclose(edition.spine_mm, edition.pages / 2 * 0.3 + 5, abs_tol=0.01)
    assert edition.spine_text
    with pikepdf.open(edition.cover) as pdf:
        bleed = _box(pdf.pages[0], "/BleedBox")
        assert math.isclose(bleed[2] - bleed[0], 2 * B5[0] + edition.spine_mm * MM + 10 * MM, abs_tol=0.05)
    flat = " ".join(PdfReader(edition.cover).pages[0].extract_text().split())
    assert flat.count(settings.publication.title.split()[-1]) == 3  # back, front and spine


def test_ean13_of_an_isbn():
    from handbook.pdf.druk import ean13, ean13_modules

    assert ean13("0-306-40615-2") == "9780306406157"  # an ISBN-10 gets 978 and a new check digit
    assert ean13("ISBN 978-3-16-148410-0") == "9783161484100"
    modules = ean13_modules("9783161484100")
    assert len(modules) == 95 and modules.startswith("101") and modules[45:50] == "01010"
    # First digit 9: parities L G G L G L; 7 in L is 0111011, 8 in G is 0001001.
    assert modules[3:17] == "0111011" + "0001001"


def test_cover_barcode_scans_as_the_isbn(book, tmp_path):
    """The back cover's bars, rendered and measured: 95 modules that spell the ISBN's EAN-13."""
    from PIL import Image

    from handbook.build.config import pdf_config
    from handbook.identity import identity
    from handbook.pdf.druk import ean13, ean13_modules, make_print_edition

    settings = book["settings"]
    data = {**pdf_config(settings, identity(settings)), "isbn": "978-0-306-40615-7"}
    edition = make_print_edition(
        book["reading"], tmp_path / "druk", tmp_path / "zrodlo", data, PressEdition(), 0
    )
    assert "ISBN 978-0-306-40615-7" in PdfReader(edition.cover).pages[0].extract_text()
    with pikepdf.open(edition.cover) as pdf:
        media, trim = _box(pdf.pages[0], "/MediaBox"), _box(pdf.pages[0], "/TrimBox")
    dpi = 1200
    px = dpi / 72
    # The back's lower right quarter, above the band: where the barcode stands.
    x, y = (trim[0] - media[0] + B5[0] / 2) * px, (media[3] - trim[1] - 60 * MM) * px
    subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-r",
            str(dpi),
            "-x",
            str(int(x)),
            "-y",
            str(int(y)),
            "-W",
            str(int(B5[0] / 2 * px)),
            "-H",
            str(int(45 * MM * px)),
            "-singlefile",
            str(edition.cover),
            str(tmp_path / "kod"),
        ],
        check=True,
    )
    image = Image.open(tmp_path / "kod.pgm")
    width, height = image.size
    pixels = image.load()

    def runs(row: int) -> list[tuple[bool, int]]:
        found: list[tuple[bool, int]] = []
        for col in range(width):
            dark = pixels[col, row] < 128
            if found and found[-1][0] == dark:
                found[-1] = (dark, found[-1][1] + 1)
            else:
                found.append((dark, 1))
        return found

    # A row through the bars only: the dark-run count most rows share (text rows differ).
    rows = [r for r in (runs(row) for row in range(0, height, 4)) if sum(d for d, _ in r) >= 20]
    counts = [sum(d for d, _ in r) for r in rows]
    best = rows[counts.index(max(set(counts), key=counts.count))]
    bars = best[next(i for i, (d, _) in enumerate(best) if d) :]
    bars = bars[: max(i for i, (d, _) in enumerate(bars) if d) + 1]
    assert sum(d for d, _ in bars) == 30  # an EAN-13 has 30 bars
    module = sum(n for _, n in bars) / 95
    scanned = "".join(("1" if dark else "0") * round(n / module) for dark, n in bars)
    assert scanned == ean13_modules(ean13("978-0-306-40615-7"))


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def published(tmp_path):
    """A test book with its print edition published, and the digests of what is published."""
    root = _with_press(copy_project(tmp_path / "p"))
    code, _, err = _build(root)
    assert code == 0, err
    settings = load_settings(root)
    return settings, {**_digest(settings.press_dir), **_digest(settings.pdf_dir)}


def test_a_refused_chapter_keeps_the_print_edition_byte_identical(published):
    settings, before = published
    chapter = settings.source_dir / "rozdzial.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\n```{nieznana-dyrektywa}\n```\n", encoding="utf-8"
    )
    code, _, err = _build(settings.root)
    assert code == 1 and "Traceback" not in err
    assert "rozdzial.md:" in err and f"{settings.press_dir}" in err  # named among the outputs kept
    assert {**_digest(settings.press_dir), **_digest(settings.pdf_dir)} == before


def test_a_failed_cover_publishes_neither_the_pdf_nor_the_print_edition(published, monkeypatch):
    from handbook.pdf import druk

    settings, before = published
    chapter = settings.source_dir / "rozdzial.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nNowy akapit.\n", encoding="utf-8")

    def fails(*args, **kwargs):
        raise HandbookError("Typst nie złożył okładki: (błąd na potrzeby testu)")

    monkeypatch.setattr(druk, "make_cover", fails)
    code, _, err = _build(settings.root)
    assert code == 1 and "Traceback" not in err
    assert "(druk): Typst nie złożył okładki" in err
    assert {**_digest(settings.press_dir), **_digest(settings.pdf_dir)} == before


SETTINGS_CASES = [
    ("[druk]\nspad_mm = 0.5\n", "spad_mm", "pole „druk.spad_mm”: wartość jest za mała"),
    ("[druk]\nwielokrotnosc_stron = 6\n", "wielokrotnosc_stron", "dozwolone: „4”, „8”, „16” (jest: 6)"),
    (
        "[druk]\ngrubosc_kartki_mm = 2\n",
        "grubosc_kartki_mm",
        "pole „druk.grubosc_kartki_mm”: wartość jest za duża",
    ),
    ('[druk]\ngrubosc_kartki_mm = "cienka"\n', "grubosc_kartki_mm", "oczekiwano liczby (jest: „cienka”)"),
    ('[druk]\nokladka_kolor = "zielony"\n', "okladka_kolor", "oczekiwano koloru w postaci #RRGGBB"),
    ("[druk]\nspady = 3\n", "spady", "nieznane pole „spady” (literówka?)"),
    (
        '[[projekt.logotypy]]\nplik = "conf/fundator.svg"\n',
        "[[projekt.logotypy]]",
        "pole „projekt.logotypy.1.opis”: brak wymaganego pola",
    ),
    ('[[projekt.logotypy]]\nplik = "conf/fundator.svg"\nopis = " "\n', "opis =", "opis logo jest wymagany"),
    (
        '[[projekt.logotypy]]\nplik = "conf/brak.svg"\nopis = "Logo"\n',
        "plik =",
        "nie ma pliku „conf/brak.svg”",
    ),
    (
        '[[projekt.logotypy]]\nplik = "conf/fundator.gif"\nopis = "Logo"\n',
        "plik =",
        "logo musi być plikiem .svg albo .png",
    ),
]


@pytest.mark.parametrize(("extra", "line_of", "expected"), SETTINGS_CASES)
def test_bad_print_settings_are_located_polish_errors(tmp_path, extra, line_of, expected):
    root = _with_press(copy_project(tmp_path / "p"), "\n" + extra)
    with pytest.raises(HandbookError) as error:
        load_settings(root)
    lines = (root / "conf" / "handbook.toml").read_text(encoding="utf-8").splitlines()
    line = max(number for number, text in enumerate(lines, start=1) if line_of in text)
    message = str(error.value)
    assert f"handbook.toml:{line}: " in message and expected in message, message
    assert re.search(r"[ąćęłńóśźż]", message)  # Polish, not pydantic's English


def test_a_stand_in_funder_logo_is_named_before_print(tmp_path):
    # A drawing that says „(do uzupełnienia)” (as the new book's and this book's stand-in does)
    # is printed, but the check names it at its settings line and the final edition stops.
    from handbook.authoring.checks import check_book

    root = _with_press(copy_project(tmp_path / "p"))
    stand_in = FUNDER_SVG.replace("</svg>", '<text x="60" y="25">(do uzupełnienia)</text></svg>')
    (root / "conf" / "fundator.svg").write_text(stand_in, encoding="utf-8")
    settings = load_settings(root)
    lines = (root / "conf" / "handbook.toml").read_text(encoding="utf-8").splitlines()
    plik = lines.index('plik = "conf/fundator.svg"') + 1
    found = [f for f in check_book(settings) if "rysunek zastępczy" in f.message]
    assert [(f.path.name, f.line, f.level) for f in found] == [("handbook.toml", plik, "UWAGA")]
    assert FUNDER_ALT in found[0].message and "conf/fundator.svg" in found[0].message
    chapter = root / "handbook" / "rozdzial.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace("status: szkic", "status: gotowy"), "utf-8"
    )
    code, _, err = _build(root, "--final")
    assert code == 1 and f"conf/handbook.toml:{plik}: UWAGA: logo „{FUNDER_ALT}” to wciąż rysunek" in err, err


def test_a_second_build_gives_the_same_bytes(published):
    # Same sources, same print files: fixed dates, deterministic PDF ids, no timestamps.
    settings, before = published
    code, _, err = _build(settings.root)
    assert code == 0, err
    assert {**_digest(settings.press_dir), **_digest(settings.pdf_dir)} == before
