"""CSV as spreadsheets export it, normalised to canonical UTF-8 CSV before validation.

Polish Excel writes `;`-separated files with a decimal comma, often in Windows-1250 and
sometimes with a UTF-8 BOM. Each variant is read to the very same table as the canonical
file, or refused with a message: a value is never silently misread ("1,5" never becomes 15
or text; „Łódź” never becomes mojibake).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from handbook.declared import control_problem, not_text

# Characters that Windows-1250 produces when it decodes ISO-8859-2 Polish letters
# (ą ś ź Ą Ś Ź): their presence means the file is in neither supported encoding.
_LATIN2_MISREAD = set("±¶¼¡¦¬")
_GROUPED_NUMBER = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$")
_POLISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


SAVE_AS_CSV = "zapisz go w arkuszu jako „CSV UTF-8” (albo „CSV (rozdzielany przecinkami)”)"


# Characters nobody sees in a cell: zero-width space, non-joiner and joiner, word joiner, BOM,
# soft hyphen. A cell of only these and spaces (also no-break ones) is an empty cell.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Names of characters an editor cannot see, for messages.
_INVISIBLE_NAMES = {
    "\u00a0": "spacja nierozdzielająca",
    "\u202f": "wąska spacja nierozdzielająca",
    "\u2009": "wąska spacja",
    "\u200b": "spacja o zerowej szerokości",
    "\u200c": "niewidoczny znak rozdzielający",
    "\u200d": "niewidoczny znak łączący",
    "\u2060": "niewidoczny łącznik słów",
    "\ufeff": "niewidoczny znacznik BOM",
    "\u00ad": "miękki dywiz",
    "\t": "tabulator",
}


class SpreadsheetError(ValueError):
    """The file cannot be read without guessing; *line* is where the reading stopped, if known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class CellProblem:
    """A cell the file cannot be read with: its line in the file as saved, column and cause."""

    line: int
    column: str
    message: str


@dataclass(frozen=True)
class Normalised:
    text: str  # canonical CSV: UTF-8, comma-separated, "\n" line ends, decimal point
    notes: tuple[str, ...]  # what was converted, for the editor
    # The line of the file as saved where each row of *text* starts (the header's first): a
    # line break inside a quoted cell makes the two differ.
    lines: tuple[int, ...] = ()
    # Cells refused one by one (a line break in a key column, an invisible character in it).
    problems: tuple[CellProblem, ...] = ()

    def line(self, row: int) -> int:
        """The line of the saved file where row *row* (1: the header) of *text* starts."""
        return self.lines[row - 1] if 0 < row <= len(self.lines) else row


def normalise(raw: bytes, fields: list[Mapping[str, Any]], keys: Collection[str] = ()) -> Normalised:
    """The canonical CSV of a spreadsheet export *raw* whose columns *fields* describes.

    Every cell is put in Unicode NFC (macOS saves „ę” as „e” and a combining ogonek), and a
    cell of nothing but spaces (also no-break and zero-width ones) is empty. In the *keys*
    columns (keys, referenced columns, lists of allowed values) a value must be one line with
    nothing invisible in it: such a cell is refused, not guessed.
    """
    notes: list[str] = []
    if not raw:
        raise SpreadsheetError(f"plik jest pusty (0 bajtów); wyeksportuj dane ponownie — {SAVE_AS_CSV}.")
    text = _decode(raw, notes)
    composed = unicodedata.normalize("NFC", text)
    if composed != text:
        notes.append("litery zapisane jako litera i znak diakrytyczny (np. z macOS) złączone")
        text = composed
    delimiter = _delimiter(text)
    if delimiter != ",":
        notes.append("separator „;”" if delimiter == ";" else "separator: tabulator")
    rows, lines = _rows(text, delimiter)
    # Spreadsheets add empty cells past the last column and empty rows at the end.
    width = len(_trim(rows[0], 0)) if rows else 0
    rows = [_trim(row, width) for row in rows]
    while rows and all(_blank(cell) for cell in rows[-1]):
        rows.pop()
        lines.pop()
    if not rows:
        raise SpreadsheetError(
            "w pliku nie ma ani nagłówka, ani danych; wyeksportuj dane ponownie z arkusza."
        )
    if all(_blank(cell) for cell in rows[0]):
        raise SpreadsheetError(
            "pierwszy wiersz pliku jest pusty, a musi w nim być nagłówek kolumn; usuń puste wiersze nad nim.",
            1,
        )
    # Spaces around a column name are a typing slip, never part of the name.
    rows[0] = [cell.strip() for cell in rows[0]]
    if len(rows) == 1:
        raise SpreadsheetError(
            "plik ma tylko wiersz nagłówka, bez żadnego wiersza danych (może wyeksportowano pusty arkusz); "
            "wyeksportuj arkusz z danymi albo usuń opis tego pliku z datapackage.json.",
            1,
        )
    types = {i: f for i, f in enumerate(fields)}
    header = rows[0]
    changed_numbers = changed_dates = False
    problems: list[CellProblem] = []
    for row, line in zip(rows[1:], lines[1:], strict=True):
        for index, cell in enumerate(row):
            if _blank(cell):
                row[index] = cell = ""
            name = header[index] if index < len(header) else ""
            hidden = control_problem(cell)
            if hidden:
                problems.append(CellProblem(line, name, f"{hidden}; usuń go w arkuszu."))
                continue
            if name in keys and cell:
                problem = _key_problem(cell)
                if problem:
                    problems.append(CellProblem(line, name, problem))
            field = types.get(index)
            if field is None:
                continue
            value = cell.strip()
            if field["type"] in ("number", "integer"):
                fixed = _number(value)
                changed_numbers |= fixed != value
            elif field["type"] == "date":
                fixed = _date(value)
                changed_dates |= fixed != value
            else:
                fixed = cell
            row[index] = fixed
    if changed_numbers:
        notes.append("liczby z przecinkiem dziesiętnym lub odstępami")
    if changed_dates:
        notes.append("daty w postaci DD.MM.RRRR")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return Normalised(out.getvalue(), tuple(notes), tuple(lines), tuple(problems))


def _blank(cell: str) -> bool:
    """Whether *cell* shows nothing: only spaces (also no-break and zero-width ones), if anything."""
    return all(char.isspace() or char in _INVISIBLE for char in cell)


def _key_problem(cell: str) -> str | None:
    """Why *cell* cannot be a value of a key column (one other tables refer to), or None."""
    if "\n" in cell or "\r" in cell:
        shown = re.sub(r"\r\n|\r|\n", "⏎", cell)
        return (
            f"komórka „{_short(shown)}” zawiera złamanie wiersza (Alt+Enter w arkuszu), więc zajmuje "
            "kilka wierszy pliku; w tej kolumnie (klucz, wartość wskazywana przez inne tabele albo "
            "wybierana z listy) wartość musi mieścić się w jednym wierszu — usuń złamanie w arkuszu."
        )
    hidden = sorted({char for char in cell if char in _INVISIBLE_NAMES or char in _INVISIBLE})
    edges = cell != cell.strip()
    if hidden or edges:
        names = ", ".join(_INVISIBLE_NAMES.get(char, f"znak U+{ord(char):04X}") for char in hidden)
        what = []
        if edges:
            what.append("odstęp na początku lub na końcu")
        if names:
            what.append(f"niewidoczny znak ({names})")
        visible = "".join(char for char in cell if char not in _INVISIBLE).strip()
        return (
            f"wartość „{_short(visible)}” ma {' i '.join(what)}, przez co różni się od tej samej "
            "nazwy w innych wierszach i plikach, choć wygląda tak samo; usuń go w arkuszu."
        )
    return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…"


def _decode(raw: bytes, notes: list[str]) -> str:
    binary = not_text(raw)
    if binary:
        cause, line = binary
        raise SpreadsheetError(f"{cause}; {SAVE_AS_CSV}.", line)
    bom = raw.startswith(b"\xef\xbb\xbf")
    if bom:
        raw = raw[3:]
        notes.append("znacznik BOM")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if bom:
            # The mark says UTF-8, the bytes say otherwise: which one lies cannot be told.
            raise SpreadsheetError(
                "plik zaczyna się znacznikiem UTF-8 (BOM), a dalej ma znaki w innym kodowaniu (np. "
                f"Windows-1250); {SAVE_AS_CSV}.",
                raw.count(b"\n", 0, error.start) + 1,
            ) from None
    try:
        text = raw.decode("cp1250")
    except UnicodeDecodeError:
        raise SpreadsheetError(f"nieznane kodowanie znaków; {SAVE_AS_CSV}.") from None
    if _LATIN2_MISREAD & set(text):
        raise SpreadsheetError(
            "plik jest zapisany w kodowaniu ISO-8859-2, którego nie da się odczytać bez "
            "zgadywania polskich liter; zapisz go w arkuszu jako „CSV UTF-8”."
        )
    notes.append("kodowanie Windows-1250")
    return text


# The longest cell read: a cell of more characters is a quote left open rather than text.
# Set on every read: Frictionless raises the process-wide limit when it is imported, and a file
# must not be read differently depending on what was imported before.
FIELD_LIMIT = 10_000_000


def _rows(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The CSV's rows and the line each starts at; a quote left open is refused, not guessed."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1  # the line where the record being read begins
    previous = csv.field_size_limit(FIELD_LIMIT)
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return rows, lines
            except csv.Error as error:
                raise SpreadsheetError(_csv_message(str(error)), start) from None
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    finally:
        csv.field_size_limit(previous)


def _csv_message(error: str) -> str:
    if error.startswith("unexpected end of data"):
        return (
            "cudzysłów otwarty w tym wierszu nie jest zamknięty do końca pliku; dopisz brakujący "
            "cudzysłów albo zapisz plik ponownie z arkusza."
        )
    if "expected after" in error:
        return (
            "po cudzysłowie zamykającym komórkę jest jeszcze tekst; ujmij całą komórkę w cudzysłów, "
            'a cudzysłów w tekście zapisz podwójnie („""”).'
        )
    if error.startswith("field larger than field limit"):
        return (
            f"komórka ma ponad {FIELD_LIMIT // 1_000_000} milionów znaków (pewnie brakuje cudzysłowu "
            "zamykającego); dopisz go albo zapisz plik ponownie z arkusza."
        )
    return f"plik CSV jest uszkodzony; {SAVE_AS_CSV}."


def _delimiter(text: str) -> str:
    """The separator of the header line: Polish Excel writes „;”, its text export a tab."""
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def _trim(row: list[str], width: int) -> list[str]:
    while len(row) > width and not row[-1].strip():
        row = row[:-1]
    return row


def _number(value: str) -> str:
    """``1 234,5`` → ``1234.5``; ``1,5`` → ``1.5``. Anything else is left for validation."""
    if _GROUPED_NUMBER.match(value):
        value = re.sub(r"[ \u00a0\u202f]", "", value)
    if re.fullmatch(r"-?\d+,\d+", value):
        value = value.replace(",", ".")
    return value


def _date(value: str) -> str:
    match = _POLISH_DATE.match(value)
    if not match:
        return value
    day, month, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"
