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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from handbook.declared import not_text

# Characters that Windows-1250 produces when it decodes ISO-8859-2 Polish letters
# (ą ś ź Ą Ś Ź): their presence means the file is in neither supported encoding.
_LATIN2_MISREAD = set("±¶¼¡¦¬")
_GROUPED_NUMBER = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$")
_POLISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


SAVE_AS_CSV = "zapisz go w arkuszu jako „CSV UTF-8” (albo „CSV (rozdzielany przecinkami)”)"


class SpreadsheetError(ValueError):
    """The file cannot be read without guessing; *line* is where the reading stopped, if known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Normalised:
    text: str  # canonical CSV: UTF-8, comma-separated, "\n" line ends, decimal point
    notes: tuple[str, ...]  # what was converted, for the editor


def normalise(raw: bytes, fields: list[Mapping[str, Any]]) -> Normalised:
    notes: list[str] = []
    if not raw:
        raise SpreadsheetError(f"plik jest pusty (0 bajtów); wyeksportuj dane ponownie — {SAVE_AS_CSV}.")
    text = _decode(raw, notes)
    delimiter = _delimiter(text)
    if delimiter != ",":
        notes.append("separator „;”" if delimiter == ";" else "separator: tabulator")
    rows = _rows(text, delimiter)
    # Spreadsheets add empty cells past the last column and empty rows at the end.
    width = len(_trim(rows[0], 0)) if rows else 0
    rows = [_trim(row, width) for row in rows]
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise SpreadsheetError(
            "w pliku nie ma ani nagłówka, ani danych; wyeksportuj dane ponownie z arkusza."
        )
    if not any(cell.strip() for cell in rows[0]):
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
    changed_numbers = changed_dates = False
    for row in rows[1:]:
        for index, cell in enumerate(row):
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
    return Normalised(out.getvalue(), tuple(notes))


def _decode(raw: bytes, notes: list[str]) -> str:
    binary = not_text(raw)
    if binary:
        cause, line = binary
        raise SpreadsheetError(f"{cause}; {SAVE_AS_CSV}.", line)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        notes.append("znacznik BOM")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
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


def _rows(text: str, delimiter: str) -> list[list[str]]:
    """The CSV's rows; a quote left open or text after a closing quote is refused, not guessed."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    start = 1  # the line where the record being read begins
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as error:
            raise SpreadsheetError(_csv_message(str(error)), start) from None
        rows.append(row)
        start = reader.line_num + 1


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
        return "komórka ma ponad 131 tysięcy znaków (pewnie brakuje cudzysłowu zamykającego)."
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
