"""The print-shop edition: the reading PDF made into an interior with bleed and crop marks, and a cover.

The interior is the accessible reading PDF post-processed with pikepdf, so the Typst design
and the tags stay those of the one book: every page's MediaBox grows around its trim to hold
the bleed and the crop marks, TrimBox and BleedBox are set, the marks are drawn as an
artifact over the page, and blank pages at the end make the page count a multiple of 4, 8 or
16. The cover is its own Typst file (okladka.typ: back, spine and front on one sheet) whose
data arrive as JSON through ``sys.inputs``, so no setting is ever written into Typst code;
the spine's width comes from the interior's page count and the paper's thickness.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from handbook import fmt
from handbook.errors import HandbookError
from handbook.settings import PressEdition

COVER_TEMPLATE = "okladka.typ"
# Typst: points; the settings: millimetres.
MM = 72 / 25.4
# Crop marks begin this far outside the bleed (never inside what is printed), are this long and
# this thick (a hairline of 0.25 pt, as printers' marks are); the MediaBox leaves a margin beyond.
MARK_GAP_MM = 1.0
MARK_LENGTH_MM = 5.0
MARK_MARGIN_MM = 2.0
MARK_WIDTH_PT = 0.25
# Below this the spine carries no text: the print shop cannot fold on a line narrower than that.
SPINE_TEXT_MIN_MM = 5.0
# The colour every separation prints in (registration): crop marks appear on every plate.
_REGISTRATION = "/HandbookRegistration"


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points: lower left and upper right corners."""

    x0: float
    y0: float
    x1: float
    y1: float

    def grown(self, by: float) -> Box:
        return Box(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def array(self) -> list[float]:
        return [round(v, 4) for v in (self.x0, self.y0, self.x1, self.y1)]


@dataclass(frozen=True)
class PrintEdition:
    """What `buduj --druk` wrote, for the command's report and the print shop's note."""

    interior: Path
    cover: Path
    note: Path
    pages: int
    blank: int
    trim_mm: tuple[float, float]
    spine_mm: float
    spine_text: bool


def release_timestamp(day: dt.date) -> int:
    """The PDFs' date: SOURCE_DATE_EPOCH when set (reproducible builds), else noon of the release day."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return int(epoch)
    return int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp())


def spine_width(pages: int, press: PressEdition) -> float:
    """Millimetres: one sheet of paper per two pages, plus what the binding adds."""
    return round(pages / 2 * press.sheet_mm + press.spine_allowance_mm, 2)


def padded(pages: int, multiple: int) -> int:
    return math.ceil(pages / multiple) * multiple


def make_print_edition(
    reading: Path, out: Path, work: Path, data: dict[str, Any], press: PressEdition, timestamp: int
) -> PrintEdition:
    """Write the interior, the cover and a note for the print shop into *out*.

    *data* is what the reading PDF was made from (build/config.py ``pdf_config``); *work*
    holds the cover's Typst source and images, kept apart from what is published.
    """
    out.mkdir(parents=True, exist_ok=True)
    name = data["nazwa_pliku"]
    interior = out / f"{name}-srodek.pdf"
    pages, blank, trim = make_interior(reading, interior, press)
    spine = spine_width(pages, press)
    cover = out / f"{name}-okladka.pdf"
    make_cover(cover, work, data, press, trim, spine, timestamp)
    edition = PrintEdition(
        interior,
        cover,
        out / f"{name}-dla-drukarni.txt",
        pages,
        blank,
        (round(trim[0] / MM, 1), round(trim[1] / MM, 1)),
        spine,
        spine >= SPINE_TEXT_MIN_MM,
    )
    edition.note.write_text(print_shop_note(edition, data, press), encoding="utf-8")
    return edition


# --- Interior ----------------------------------------------------------------------------


def make_interior(reading: Path, target: Path, press: PressEdition) -> tuple[int, int, tuple[float, float]]:
    """The reading PDF with bleed, crop marks and blank pages; its pages, blanks and trim size."""
    import pikepdf

    with pikepdf.open(reading) as pdf:
        first = Box(*(float(v) for v in pdf.pages[0].mediabox))
        trim_size = (first.width, first.height)
        count = len(pdf.pages)
        total = padded(count, press.page_multiple)
        # Blank pages at the end, where a print shop expects them (the book's last page of text
        # may then be a left-hand page; a blank between chapters would be the design's to add).
        for _ in range(total - count):
            pdf.add_blank_page(page_size=trim_size)
        for page in pdf.pages:
            trim = Box(*(float(v) for v in page.mediabox))
            add_marks(pdf, page, trim, press.bleed_mm * MM)
        pdf.save(target, deterministic_id=True)
    return total, total - count, trim_size


def add_marks(pdf: Any, page: Any, trim: Box, bleed: float, folds: tuple[float, ...] = ()) -> None:
    """Set the page's boxes around *trim* and draw crop marks (and fold marks at *folds*).

    The MediaBox grows outward, so nothing of the page moves: its links, its outline targets
    and its tags stay where they were. What the page drew is enclosed in q/Q, so a graphics
    state it left behind cannot shift the marks.
    """
    import pikepdf

    media = trim.grown(bleed + (MARK_GAP_MM + MARK_LENGTH_MM + MARK_MARGIN_MM) * MM)
    page.obj.MediaBox = pikepdf.Array(media.array())
    page.obj.CropBox = pikepdf.Array(media.array())
    page.obj.BleedBox = pikepdf.Array(trim.grown(bleed).array())
    page.obj.TrimBox = pikepdf.Array(trim.array())
    if "/Resources" not in page.obj:
        page.obj.Resources = pikepdf.Dictionary()
    page.add_resource(_registration(pdf), pikepdf.Name.ColorSpace, pikepdf.Name(_REGISTRATION))
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, b"Q\n" + mark_stream(trim, bleed, folds)))


def _registration(pdf: Any) -> Any:
    """Separation /All: the marks print on every plate, so every plate can be trimmed by them."""
    import pikepdf

    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[1], C1=[0], N=1)
    return pdf.make_indirect(
        pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceGray, tint])
    )


def mark_segments(
    trim: Box, bleed: float, folds: tuple[float, ...] = ()
) -> list[tuple[float, float, float, float]]:
    """Crop marks at the four corners, on the trim's lines, outside the bleed; fold marks at *folds*."""
    near = bleed + MARK_GAP_MM * MM
    far = near + MARK_LENGTH_MM * MM
    segments = []
    for x, out_x in ((trim.x0, -1), (trim.x1, 1)):
        for y, out_y in ((trim.y0, -1), (trim.y1, 1)):
            segments.append((x + out_x * near, y, x + out_x * far, y))  # along the horizontal cut
            segments.append((x, y + out_y * near, x, y + out_y * far))  # along the vertical cut
    for x in folds:
        segments.append((x, trim.y1 + near, x, trim.y1 + far))
        segments.append((x, trim.y0 - near, x, trim.y0 - far))
    return segments


def mark_stream(trim: Box, bleed: float, folds: tuple[float, ...] = ()) -> bytes:
    """The marks as an artifact (no tag, no text: a screen reader skips them)."""
    lines = ["/Artifact BMC", "q", f"{_REGISTRATION} CS 1 SCN", f"{MARK_WIDTH_PT} w", "0 J", "[] 0 d"]
    crops = mark_segments(trim, bleed)
    for x0, y0, x1, y1 in crops:
        lines.append(f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l S")
    if folds:
        lines.append("[2 1.5] 0 d")  # fold marks dashed: a print shop tells them from the cuts
        for x0, y0, x1, y1 in mark_segments(trim, bleed, folds)[len(crops) :]:
            lines.append(f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l S")
    lines += ["Q", "EMC", ""]
    return "\n".join(lines).encode("ascii")


# --- Cover -------------------------------------------------------------------------------


def make_cover(
    target: Path,
    work: Path,
    data: dict[str, Any],
    press: PressEdition,
    trim: tuple[float, float],
    spine_mm: float,
    timestamp: int,
) -> None:
    """Back, spine and front on one sheet with bleed, then its boxes, crop and fold marks."""
    import pikepdf
    import typst

    width, height = trim
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(str(files("handbook.pdf") / COVER_TEMPLATE), work / COVER_TEMPLATE)
    inputs = cover_data(work, data, press, (width / MM, height / MM), spine_mm)
    try:
        typst.compile(
            str(work / COVER_TEMPLATE),
            output=str(target),
            root=str(work),
            font_paths=[],
            ignore_system_fonts=True,  # the reading PDF's fonts, the same everywhere
            sys_inputs={"dane": json.dumps(inputs, ensure_ascii=False)},
            timestamp=timestamp,
        )
    except typst.TypstError as error:
        raise HandbookError(
            f"Typst nie złożył okładki: {getattr(error, 'message', error)}. Źródło: {work / COVER_TEMPLATE}"
        ) from None
    bleed = press.bleed_mm * MM
    spine = spine_mm * MM
    with pikepdf.open(target, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        trimmed = Box(bleed, bleed, bleed + 2 * width + spine, bleed + height)
        folds = (bleed + width, bleed + width + spine)
        add_marks(pdf, page, trimmed, bleed, folds)
        pdf.save(target, deterministic_id=True)


def cover_data(
    work: Path, data: dict[str, Any], press: PressEdition, trim_mm: tuple[float, float], spine_mm: float
) -> dict[str, Any]:
    """What okladka.typ prints, with its images copied beside it under fixed names."""
    colour = press.cover_colour or data["kolor"]
    logo = Path(data["logo"])
    images: dict[str, Any] = {"logo": None, "logotypy": []}
    if logo.is_file():
        shutil.copyfile(logo, work / f"logo{logo.suffix.lower()}")
        images["logo"] = {"plik": f"logo{logo.suffix.lower()}", "opis": data["logo_alt"]}
    for source, name, alt in funder_logos(data):
        shutil.copyfile(source, work / name)
        images["logotypy"].append({"plik": name, "opis": alt})
    return {
        **images,
        "szerokosc": trim_mm[0],
        "wysokosc": trim_mm[1],
        "spad": press.bleed_mm,
        "grzbiet": spine_mm,
        "napis_na_grzbiecie": spine_mm >= SPINE_TEXT_MIN_MM,
        "kolor": data["kolor"],
        "kolor_okladki": colour,
        "tekst_na_kolorze": text_on(colour),
        **{
            key: data[key]
            for key in (
                "tytul",
                "podtytul",
                "powiat",
                "miejsce_wydania",
                "projekt",
                "samorzad",
                "finansowanie",
                "isbn",
                "licencja",
            )
        },
        "rok": str(data["rok"]),
        "kod_kreskowy": barcode(data["isbn"]),
        "partnerzy": [[o["nazwa"], o["rola"], o["gmina"]] for o in data["partnerzy"]],
    }


def barcode(isbn: str) -> dict[str, str] | None:
    """The back cover's EAN-13 with its digits, when the book has an ISBN."""
    if not isbn:
        return None
    digits = ean13(isbn)
    return {"cyfry": digits, "moduly": ean13_modules(digits)}


def funder_logos(data: dict[str, Any]) -> list[tuple[Path, str, str]]:
    """Each funder's logo: its file, the name it is copied under beside the Typst source, its alt text.

    Numbered names: two funders' files may share a name, and no chapter image is called so.
    """
    return [
        (Path(f["plik"]), f"logotyp-{index}{Path(f['plik']).suffix.lower()}", f["opis"])
        for index, f in enumerate(data.get("logotypy", []), start=1)
    ]


# EAN-13: the codes of a digit in the left half (odd parity L, even parity G) and the right half,
# and which parity each left digit takes, chosen by the first digit (GS1 General Specifications).
_EAN_L = (
    "0001101",
    "0011001",
    "0010011",
    "0111101",
    "0100011",
    "0110001",
    "0101111",
    "0111011",
    "0110111",
    "0001011",
)
_EAN_R = tuple("".join("1" if bit == "0" else "0" for bit in code) for code in _EAN_L)
_EAN_G = tuple(code[::-1] for code in _EAN_R)
_EAN_PARITY = (
    "LLLLLL",
    "LLGLGG",
    "LLGGLG",
    "LLGGGL",
    "LGLLGG",
    "LGGLLG",
    "LGGGLG",
    "LGLGGL",
    "LGLGLG",
    "LGGLGL",
)


def ean13(isbn: str) -> str:
    """The 13 digits of the book's barcode: an ISBN-13 as it is, an ISBN-10 prefixed with 978."""
    digits = re.sub(r"[^0-9X]", "", isbn.removeprefix("ISBN").upper())
    if len(digits) == 10:
        body = "978" + digits[:9]
        check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body)) % 10) % 10
        digits = body + str(check)
    return digits


def ean13_modules(digits: str) -> str:
    """95 modules, 1 for a bar: start guard, six left digits, centre guard, six right digits, end guard."""
    parity = _EAN_PARITY[int(digits[0])]
    left = "".join(
        (_EAN_L if side == "L" else _EAN_G)[int(d)] for side, d in zip(parity, digits[1:7], strict=True)
    )
    right = "".join(_EAN_R[int(d)] for d in digits[7:])
    return f"101{left}01010{right}101"


def text_on(colour: str) -> str:
    """White or near-black, whichever contrasts more with *colour* (WCAG relative luminance)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    dark = 0.0116  # luminance of #1e1e1e
    return "#ffffff" if (1.05) / (luminance + 0.05) >= (luminance + 0.05) / (dark + 0.05) else "#1e1e1e"


# --- The note for the print shop ---------------------------------------------------------


PAGES = ("strona", "strony", "stron")
BLANK_PAGES = ("pusta strona", "puste strony", "pustych stron")


def millimetres(value: float) -> str:
    """``4.25`` → ``4,25 mm``, ``3.0`` → ``3 mm``: at most two decimals, none that are zero."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')}{fmt.NBSP}mm"


def pages_text(edition: PrintEdition) -> str:
    """``80 stron, w tym 2 puste strony na końcu``."""
    blank = f", w tym {fmt.count(edition.blank, BLANK_PAGES)} na końcu" if edition.blank else ""
    return f"{fmt.count(edition.pages, PAGES)}{blank}"


def spine_formula(edition: PrintEdition, press: PressEdition) -> str:
    """``4,2 mm = 84 strony / 2 × 0,1 mm (grubość kartki)``, and the binding's allowance if any."""
    allowance = (
        f" + {millimetres(press.spine_allowance_mm)} (naddatek na oprawę)" if press.spine_allowance_mm else ""
    )
    return (
        f"{millimetres(edition.spine_mm)} = {fmt.count(edition.pages, PAGES)} / 2 × "
        f"{millimetres(press.sheet_mm)} (grubość kartki){allowance}"
    )


def print_shop_note(edition: PrintEdition, data: dict[str, Any], press: PressEdition) -> str:
    """Plain Polish text the editor sends with the files (or copies into the order)."""
    width, height = edition.trim_mm
    mm = millimetres
    lines = [
        f"{data['tytul']} — wydanie dla drukarni",
        "",
        f"Format netto (po obcięciu): {mm(width)} × {mm(height)}.",
        f"Spad: {mm(press.bleed_mm)} z każdej strony; znaczniki cięcia poza spadem.",
        f"Środek: {edition.interior.name} — {pages_text(edition)}; liczba stron jest "
        f"wielokrotnością {press.page_multiple}.",
        f"Okładka: {edition.cover.name} — jeden arkusz: tył, grzbiet, przód (tył po lewej); "
        f"format netto rozłożonej okładki {mm(2 * width + edition.spine_mm)} × {mm(height)}; "
        "przerywane znaczniki na górze i na dole wyznaczają grzbiet.",
        f"Grzbiet: {spine_formula(edition, press)}.",
        "Kolory: RGB (sRGB), czcionki osadzone; przeliczenie na CMYK według profilu drukarni.",
    ]
    if data.get("isbn"):
        lines.append(f"ISBN: {data['isbn']}.")
    return "\n".join(lines) + "\n"
