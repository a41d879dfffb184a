"""Outcome data: the CSV files in data/ validated against data/datapackage.json, then typed."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from handbook.data.privacy import SAFE_TEXT, personal_data, undeclared_free_text
from handbook.data.rules import dates_in_project_period, declared_rules, run_rules
from handbook.data.schema import Schema, descriptor_problems, foreign_keys
from handbook.data.spreadsheet import SpreadsheetError, normalise
from handbook.declared import Located, read_json
from handbook.errors import HandbookError, Problem
from handbook.settings import Settings

PACKAGE_FILE = "datapackage.json"
# Schema property of a date column: it must lie within the project period of the settings.
PROJECT_PERIOD = "x-w-okresie-projektu"

# What to write into an empty cell of a column of each type.
_FILL_IN = {
    "integer": "wpisz liczbę (zero jako 0)",
    "number": "wpisz liczbę (zero jako 0)",
    "date": "wpisz datę albo usuń cały wiersz",
    "yearmonth": "wpisz miesiąc (RRRR-MM) albo usuń cały wiersz",
    "boolean": "wpisz jedną z wartości tak / nie, jak w pozostałych wierszach",
}
# The range of int64, and the years pandas' datetime64[ns] holds.
_INT64 = (-(2**63), 2**63 - 1)
_YEARS = (1678, 2261)
# Frictionless' default spellings of true, when a boolean column declares none.
_TRUE_VALUES = ["true", "True", "TRUE", "1"]

_TYPE_NAMES = {
    "integer": "liczbą całkowitą",
    "number": "liczbą (część dziesiętną oddziel kropką)",
    "date": "datą w postaci RRRR-MM-DD",
    "yearmonth": "miesiącem w postaci RRRR-MM",
    "boolean": "wartością „tak” albo „nie”",
    "string": "tekstem",
}


@dataclass(frozen=True)
class Tables(Mapping[str, pd.DataFrame]):
    """Validated, typed tables by resource name, with the files they were read from."""

    frames: Mapping[str, pd.DataFrame]
    files: Mapping[str, Path]
    descriptor: Mapping[str, Any]
    # Canonical CSV bytes of each table: what chart cache keys hash, so a spreadsheet
    # export of unchanged data redraws nothing.
    contents: Mapping[str, bytes] = field(default_factory=dict)
    # What was converted from spreadsheet exports, per file, for the editor.
    notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def schema(self) -> Schema:
        return Schema.from_descriptor(self.descriptor)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.frames)

    def __len__(self) -> int:
        return len(self.frames)


def load_tables(settings: Settings) -> Tables:
    """Validate every data file at once and return typed tables, or raise HandbookError."""
    data_dir = settings.data_dir
    located = read_json(data_dir / PACKAGE_FILE, "opis danych")
    descriptor_path, descriptor = located.path, located.data
    # The structure first: everything below may then index the descriptor without fear.
    problems = descriptor_problems(located) or list(_outside(located, data_dir))
    if problems:
        raise HandbookError(_summary(problems, descriptor_path), problems)
    resources = {r["name"]: r for r in descriptor["resources"]}
    files = {name: data_dir / r["path"] for name, r in resources.items()}

    rules, problems = declared_rules(located, Schema.from_descriptor(descriptor), settings)
    problems += _schema_problems(located)
    canonical: dict[str, str] = {}
    notes: dict[str, tuple[str, ...]] = {}
    for name, resource in resources.items():
        try:
            normalised = normalise(files[name].read_bytes(), resource["schema"]["fields"])
        except FileNotFoundError:
            problems.append(
                Problem(files[name], "brak pliku; przywróć go albo usuń jego opis z datapackage.json.")
            )
            continue
        except IsADirectoryError:
            problems.append(
                Problem(files[name], "to katalog, a nie plik CSV; popraw path w datapackage.json.")
            )
            continue
        except PermissionError:
            problems.append(
                Problem(files[name], "brak uprawnień do odczytu pliku; sprawdź jego uprawnienia.")
            )
            continue
        except SpreadsheetError as error:
            problems.append(Problem(files[name], str(error), error.line))
            continue
        canonical[name] = normalised.text
        if normalised.notes:
            notes[name] = normalised.notes
        problems.extend(_personal_data(files[name], normalised.text, settings.public_contacts))
    if not problems:
        problems = _validate_package(descriptor, canonical, files)
    if not problems:
        problems = [
            p for name, r in resources.items() for p in _typing_problems(files[name], canonical[name], r)
        ]
    if problems:
        raise HandbookError(_summary(problems, descriptor_path), problems)
    frames = {name: _typed_frame(canonical[name], r["schema"]) for name, r in resources.items()}
    contents = {name: text.encode("utf-8") for name, text in canonical.items()}
    tables = Tables(frames, files, descriptor, contents, notes)
    problems = [
        *dates_in_project_period(descriptor, frames, files, settings),
        *run_rules(rules, frames, files, settings),
    ]
    if problems:
        raise HandbookError(f"Pliki danych są ze sobą niespójne ({len(problems)}):", problems)
    return tables


def _summary(problems: list[Problem], descriptor: Path) -> str:
    """What to fix where: the spreadsheets, the Data Package's description, or both."""
    in_description = sum(p.path == descriptor for p in problems)
    if in_description == len(problems):
        return (
            f"Opis danych {descriptor.name} zawiera błędy ({len(problems)}). Popraw go; poprzednie "
            "wyniki budowania zostają bez zmian."
        )
    where = f" (w tym {in_description} w opisie {descriptor.name})" if in_description else ""
    return (
        f"Dane projektu zawierają błędy ({len(problems)}){where}. Pliki CSV popraw w arkuszu i zapisz "
        "ponownie jako CSV; poprzednie wyniki budowania zostają bez zmian."
    )


def _schema_problems(located: Located) -> Iterator[Problem]:
    """Free-text columns must be declared free of personal data in the schema."""
    for index, resource in enumerate(located.data["resources"]):
        fields = resource["schema"]["fields"]
        foreign = {column for key in foreign_keys(resource) for column in key.fields}
        for column in undeclared_free_text(fields, foreign):
            position = next(i for i, f in enumerate(fields) if f["name"] == column)
            yield Problem(
                located.path,
                f"kolumna tekstowa „{column}” w zasobie „{resource['name']}” nie ma oznaczenia "
                f'"{SAFE_TEXT}": true. Dodaj je dopiero po sprawdzeniu, że kolumna nie '
                "zawiera danych osobowych (imion, nazwisk, adresów).",
                located.line(("resources", index, "schema", "fields", position)),
            )


def _outside(located: Located, data_dir: Path) -> Iterator[Problem]:
    """Resources whose file, once links are followed, lies outside the data folder."""
    for index, resource in enumerate(located.data["resources"]):
        if not (data_dir / resource["path"]).resolve().is_relative_to(data_dir):
            yield located.problem(
                ("resources", index, "path"),
                f"plik „{resource['path']}” jest dowiązaniem do pliku spoza katalogu danych; "
                "skopiuj dane do tego katalogu.",
            )


def _personal_data(path: Path, text: str, allowed: frozenset[str]) -> Iterator[Problem]:
    rows = csv.reader(io.StringIO(text))
    header = next(rows, [])
    for number, row in enumerate(rows, start=2):
        for column, value in zip(header, row, strict=False):
            kind = personal_data(value, allowed)
            if kind:
                yield Problem(
                    path,
                    f"wartość wygląda jak {kind}; danych osobowych nie publikujemy (RODO) – "
                    "usuń ją albo zastąp anonimowym identyfikatorem.",
                    number,
                    column,
                )


def _validate_package(
    descriptor: Mapping[str, Any], canonical: Mapping[str, str], files: Mapping[str, Path]
) -> list[Problem]:
    # Imported here: frictionless takes ~0.5 s to import and only validation needs it.
    from frictionless import FrictionlessException, Package

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / PACKAGE_FILE).write_text(json.dumps(_canonical_descriptor(descriptor)), encoding="utf-8")
        for resource in descriptor["resources"]:
            target = folder / resource["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(canonical[resource["name"]], encoding="utf-8")
        try:
            package = Package(str(folder / PACKAGE_FILE), basepath=str(folder))
            report = package.validate()
        except FrictionlessException as error:
            # descriptor_problems checks what Frictionless reads; this is the net under it.
            note = error.error.note or error.error.message
            return [Problem(files[next(iter(files))].parent / PACKAGE_FILE, f"błąd opisu danych: {note}")]
    problems: list[Problem] = []
    for task in report.tasks:
        resource = package.get_resource(task.name)
        fields = {f.name: f for f in resource.schema.fields} if resource.schema else {}
        for error in task.errors:
            problems.append(_problem(files[task.name], error, fields))
    for error in report.errors:
        problems.append(
            Problem(files[next(iter(files))].parent / PACKAGE_FILE, f"błąd opisu danych: {error.message}")
        )
    return problems


def _canonical_descriptor(descriptor: Mapping[str, Any]) -> dict[str, Any]:
    """What Frictionless validates: the schemas over the canonical CSV, without other metadata.

    The files were normalised to UTF-8 CSV with commas, so a declared encoding or dialect no
    longer applies; licences, sources and profiles are the publisher's metadata, not the data's.
    """
    return {
        "name": "dane",
        "resources": [
            {
                "name": resource["name"],
                "path": resource["path"],
                "format": "csv",
                "encoding": "utf-8",
                # Never sniffed: the canonical file is comma-separated whatever the export was.
                "dialect": {"delimiter": ","},
                "schema": {
                    key: value
                    for key, value in resource["schema"].items()
                    if key in ("fields", "primaryKey", "foreignKeys", "missingValues")
                },
            }
            for resource in descriptor["resources"]
        ],
    }


def _problem(path: Path, error: Any, fields: Mapping[str, Any]) -> Problem:
    """Translate one frictionless error into a Polish sentence an editor can act on."""
    kind: str = error.type
    row: int | None = getattr(error, "row_number", None)
    column: str | None = getattr(error, "field_name", None)
    cell = getattr(error, "cell", None)
    note: str = getattr(error, "note", "") or ""
    if kind == "type-error" and column:
        expected = _TYPE_NAMES.get(fields[column].type, fields[column].type)
        text = f"wartość „{cell}” powinna być {expected}."
    elif kind == "constraint-error":
        text = _constraint_message(note, cell)
    elif kind == "foreign-key":
        names = list(getattr(error, "field_names", []) or [])
        column = names[0] if names else None
        values = ", ".join(getattr(error, "field_cells", []) or [])
        ref = getattr(error, "reference_name", "") or "?"
        ref_fields = ", ".join(getattr(error, "reference_field_names", []) or [])
        text = (
            f"wartość „{values}” nie występuje w pliku {ref}.csv (kolumna „{ref_fields}”). "
            "Sprawdź pisownię albo dopisz ją najpierw do tamtego pliku."
        )
    elif kind == "primary-key":
        text = "ten wiersz powtarza identyfikator innego wiersza; każdy wiersz musi mieć własny."
    elif kind == "unique-error":
        text = f"wartość „{cell}” powtarza się, a w tej kolumnie musi być niepowtarzalna."
    elif kind in {"incorrect-label", "missing-label", "extra-label", "duplicate-label"}:
        label = getattr(error, "label", None)
        column = getattr(error, "field_name", None) or label
        text = {
            "incorrect-label": f"nagłówek „{label}” jest błędny, powinien brzmieć „{column}”.",
            "missing-label": f"brakuje kolumny „{column}”.",
            "extra-label": f"nieznana kolumna „{label}” — usuń ją albo opisz w {PACKAGE_FILE}.",
            "duplicate-label": f"kolumna „{label}” występuje dwa razy.",
        }[kind]
        if kind == "incorrect-label":
            column = label
        row = 1
    elif kind == "missing-cell":
        text = "w wierszu brakuje wartości (za mało kolumn)."
    elif kind == "extra-cell":
        text = "wiersz ma więcej wartości niż kolumn — sprawdź przecinki w tekście (ujmij go w cudzysłów)."
    elif kind == "blank-row":
        text = "pusty wiersz — usuń go."
    elif kind in {"encoding-error", "source-error", "scheme-error", "format-error"}:
        text = (
            "nie da się odczytać pliku (brak pliku albo kodowanie inne niż UTF-8). "
            "Zapisz go w arkuszu jako „CSV UTF-8”."
        )
    else:
        text = f"{error.title}: {note}"
    return Problem(path, text, row, column)


def _constraint_message(note: str, cell: object) -> str:
    if _not_finite(cell):
        # Frictionless reads "NaN" and "inf" as numbers, then finds them below any minimum.
        return f"wartość „{cell}” nie jest zwykłą liczbą; wpisz liczbę, np. 12.5."
    match = re.search(r'constraint "(\w+)" is "(.*)"', note)
    name, limit = (match.group(1), match.group(2)) if match else ("", note)
    return {
        "required": "pole jest puste, a jest wymagane.",
        "minimum": f"wartość {cell} jest mniejsza niż dozwolone minimum {limit}.",
        "maximum": f"wartość {cell} jest większa niż dozwolone maksimum {limit}.",
        "enum": f"wartość „{cell}” jest niedozwolona; dozwolone: {limit.strip('[]')}.",
        "pattern": f"wartość „{cell}” ma niewłaściwą postać (wzór: {limit}).",
        "unique": f"wartość „{cell}” powtarza się, a musi być niepowtarzalna.",
    }.get(name, f"wartość „{cell}” łamie regułę {name} ({limit}).")


def _typing_problems(path: Path, text: str, resource: Mapping[str, Any]) -> Iterator[Problem]:
    """Cells Frictionless accepts that a typed table cannot hold: a gap, a number out of range."""
    schema = resource["schema"]
    missing = {value.strip() for value in schema.get("missingValues", [""])} | {""}
    kinds = {spec["name"]: spec["type"] for spec in schema["fields"]}
    rows = csv.reader(io.StringIO(text))
    header = next(rows, [])
    for number, row in enumerate(rows, start=2):
        for column, cell in zip(header, row, strict=False):
            kind = kinds.get(column, "string")
            message = None if kind == "string" else _untypable(cell.strip(), kind, missing)
            if message:
                yield Problem(path, message, number, column)


def _untypable(cell: str, kind: str, missing: set[str]) -> str | None:
    if cell in missing:
        # pandas has no gap in a column of integers, dates or yes/no: every row needs a value.
        return f"komórka jest pusta, a w tej kolumnie każdy wiersz musi mieć wartość: {_FILL_IN[kind]}."
    if kind == "integer" and not _INT64[0] <= _whole(cell) <= _INT64[1]:
        return (
            f"liczba {cell} ma za dużo cyfr (najwięcej: {len(str(_INT64[1]))}); sprawdź, czy dwie "
            "komórki nie skleiły się w jedną."
        )
    if kind == "number" and _not_finite(cell):
        return f"wartość „{cell}” nie jest zwykłą liczbą; wpisz liczbę, np. 12.5."
    if kind in ("date", "yearmonth") and not _YEARS[0] <= _whole(cell[:4]) <= _YEARS[1]:
        return f"rok w dacie {cell} jest spoza obsługiwanego zakresu {_YEARS[0]}–{_YEARS[1]}."
    return None


def _whole(text: str) -> int:
    # Frictionless has accepted the cell; 0 for a form int() does not read keeps it at that.
    try:
        return int(text)
    except ValueError:
        return 0


def _not_finite(cell: object) -> bool:
    try:
        return not math.isfinite(float(str(cell)))
    except ValueError:
        return False


def _typed_frame(text: str, schema: Mapping[str, Any]) -> pd.DataFrame:
    """Read an already validated canonical CSV with the column types its schema declares."""
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for spec in schema["fields"]:
        name, kind = spec["name"], spec["type"]
        column = frame[name]
        if kind == "integer":
            frame[name] = column.astype("int64")
        elif kind == "number":
            frame[name] = column.astype("float64")
        elif kind == "date":
            frame[name] = pd.to_datetime(column, format="%Y-%m-%d")
        elif kind == "yearmonth":
            frame[name] = pd.to_datetime(column, format="%Y-%m")
        elif kind == "boolean":
            frame[name] = column.isin(spec.get("trueValues", _TRUE_VALUES))
    return frame
