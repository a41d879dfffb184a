"""Outcome data: the CSV files in data/ validated against data/datapackage.json, then typed."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from handbook.data.privacy import SAFE_TEXT, personal_data, undeclared_free_text
from handbook.data.rules import dates_in_project_period, declared_rules, run_rules
from handbook.data.schema import Schema, descriptor_problems, foreign_keys
from handbook.data.spreadsheet import Normalised, SpreadsheetError, normalise
from handbook.declared import Located, not_a_file, quoted, read_json
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


def load_tables(settings: Settings, *, validate: bool = True) -> Tables:
    """Validate every data file at once and return typed tables, or raise HandbookError.

    *validate* False reads data that passed every check unchanged (the data stage knows it by
    content hash): only the spreadsheet conversion and the typing are done, and frictionless,
    the personal-data guard and the book's rules are skipped.
    """
    data_dir = settings.data_dir
    located = read_json(data_dir / PACKAGE_FILE, "opis danych")
    descriptor_path, descriptor = located.path, located.data
    # The structure first: everything below may then index the descriptor without fear.
    problems = descriptor_problems(located) or list(_outside(located, data_dir))
    if problems:
        raise HandbookError(_summary(problems, descriptor_path), problems)
    resources = {r["name"]: r for r in descriptor["resources"]}
    files = {name: data_dir / r["path"] for name, r in resources.items()}

    rules, problems = [], []
    if validate:
        rules, problems = declared_rules(located, Schema.from_descriptor(descriptor), settings)
        problems += _schema_problems(located)
    canonical: dict[str, str] = {}
    notes: dict[str, tuple[str, ...]] = {}
    # Rows of the canonical CSV are records; a message names the line of the file as saved.
    saved: dict[Path, Normalised] = {}
    keys = _key_columns(descriptor)
    for name, resource in resources.items():
        special = _not_readable(files[name])
        if special:
            problems.append(Problem(files[name], special))
            continue
        try:
            normalised = normalise(files[name].read_bytes(), resource["schema"]["fields"], keys[name])
        except PermissionError:
            problems.append(
                Problem(files[name], "brak uprawnień do odczytu pliku; sprawdź jego uprawnienia.")
            )
            continue
        except OSError as error:
            problems.append(
                Problem(files[name], f"błąd odczytu pliku (błąd systemu nr {error.errno}); sprawdź dysk.")
            )
            continue
        except SpreadsheetError as error:
            problems.append(Problem(files[name], str(error), error.line))
            continue
        canonical[name] = normalised.text
        saved[files[name]] = normalised
        if normalised.notes:
            notes[name] = normalised.notes
        problems += [Problem(files[name], c.message, c.line, c.column) for c in normalised.problems]
        if validate:
            personal = _personal_data(files[name], normalised.text, settings.public_contacts)
            problems += _on_saved_lines(personal, saved)
    if validate and not problems:
        problems = _on_saved_lines(_validate_package(descriptor, canonical, files), saved)
    if validate and not problems:
        typing = (
            p for name, r in resources.items() for p in _typing_problems(files[name], canonical[name], r)
        )
        problems = _on_saved_lines(typing, saved)
    if problems:
        raise HandbookError(_summary(problems, descriptor_path), problems)
    frames = {name: _typed_frame(canonical[name], r["schema"]) for name, r in resources.items()}
    contents = {name: text.encode("utf-8") for name, text in canonical.items()}
    tables = Tables(frames, files, descriptor, contents, notes)
    if not validate:
        return tables
    problems = _on_saved_lines(
        [
            *dates_in_project_period(descriptor, frames, files, settings),
            *run_rules(rules, frames, files, settings),
        ],
        saved,
    )
    if problems:
        raise HandbookError(f"Pliki danych są ze sobą niespójne ({len(problems)}):", problems)
    return tables


def _not_readable(path: Path) -> str | None:
    """Why a data file cannot be read (checked before opening: a named pipe would block), or None."""
    if not path.exists() and not path.is_symlink():
        return "brak pliku; przywróć go albo usuń jego opis z datapackage.json."
    if path.is_dir():
        return "to katalog, a nie plik CSV; popraw path w datapackage.json."
    special = not_a_file(path)
    return f"{special}; zapisz tu plik CSV wyeksportowany z arkusza." if special else None


def _key_columns(descriptor: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Per table, the columns whose values must match exactly: keys, referenced columns, enums."""
    found: dict[str, set[str]] = {r["name"]: set() for r in descriptor["resources"]}
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        own = found[resource["name"]]
        primary = schema.get("primaryKey") or []
        own.update([primary] if isinstance(primary, str) else primary)
        for key in foreign_keys(resource):
            own.update(key.fields)
            found.setdefault(key.resource, set()).update(key.reference)
        for spec in schema["fields"]:
            constraints = spec.get("constraints") or {}
            if "enum" in constraints or constraints.get("unique") is True:
                own.add(spec["name"])
    return {name: frozenset(columns) for name, columns in found.items()}


def _on_saved_lines(problems: Iterable[Problem], saved: Mapping[Path, Normalised]) -> list[Problem]:
    """*problems* numbered by rows of the canonical CSV, renumbered by lines of the saved files."""
    result = []
    for problem in problems:
        normalised = saved.get(problem.path)
        if normalised is not None and problem.line is not None:
            problem = replace(problem, line=normalised.line(problem.line))
        result.append(problem)
    return result


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
            return [_descriptor_problem(files, error.error.type)]
    problems: list[Problem] = []
    for task in report.tasks:
        resource = package.get_resource(task.name)
        fields = {f.name: f for f in resource.schema.fields} if resource.schema else {}
        # A blank row breaks its primary key too: one message for it is enough.
        blank = {error.row_number for error in task.errors if error.type == "blank-row"}
        for error in task.errors:
            if error.type != "blank-row" and getattr(error, "row_number", None) in blank:
                continue
            problems.append(_problem(files[task.name], error, fields))
    problems += [_descriptor_problem(files, error.type) for error in report.errors]
    return problems


def _descriptor_problem(files: Mapping[str, Path], kind: str) -> Problem:
    # Frictionless's note is English; its error type is a name, shown as it is.
    return Problem(
        files[next(iter(files))].parent / PACKAGE_FILE,
        f"opisu danych nie da się użyć do sprawdzenia plików (rodzaj błędu: „{_code(kind)}”); sprawdź nazwy, "
        "ścieżki i schematy zasobów.",
    )


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
    if kind == "type-error" and column in fields:
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
    elif kind in _LABEL_ERRORS:
        label = getattr(error, "label", None)
        number = getattr(error, "field_number", None)
        text = _label_message(kind, label, column, number)
        if kind in ("incorrect-label", "extra-label"):
            column = label or None
        elif kind == "duplicate-label":
            column = None
        row = 1
    elif kind in ("blank-header", "unmatched-header"):
        expected = quoted(fields)
        if kind == "blank-header":
            text = f"nagłówek (pierwszy wiersz) jest pusty; wpisz w nim nazwy kolumn: {expected}."
        else:
            text = f"żadna nazwa w nagłówku (pierwszy wiersz) nie pasuje do opisu; oczekiwane: {expected}."
        row, column = 1, None
    elif kind == "missing-cell":
        text = "w wierszu brakuje wartości (za mało kolumn)."
    elif kind == "extra-cell":
        text = "wiersz ma więcej wartości niż kolumn — sprawdź przecinki w tekście (ujmij go w cudzysłów)."
        column = None
    elif kind == "blank-row":
        text = "pusty wiersz — usuń go."
    elif kind in {"encoding-error", "source-error", "scheme-error", "format-error"}:
        text = (
            "nie da się odczytać pliku (brak pliku albo kodowanie inne niż UTF-8). "
            "Zapisz go w arkuszu jako „CSV UTF-8”."
        )
    else:
        text = _other_message(error, kind, cell)
    return Problem(path, text, row, column)


_LABEL_ERRORS = ("incorrect-label", "missing-label", "extra-label", "duplicate-label", "blank-label")


def _label_message(kind: str, label: str | None, column: str | None, number: int | None) -> str:
    """A column name in the header (row 1) that does not match the schema, in Polish."""
    position = f"nr {number}" if number else ""
    if kind == "incorrect-label":
        return f"nagłówek „{label}” jest błędny, powinien brzmieć „{column}”."
    if kind == "missing-label":
        return f"brakuje kolumny „{column}”."
    if kind == "extra-label":
        return f"nieznana kolumna „{label}” — usuń ją albo opisz w {PACKAGE_FILE}."
    if kind == "duplicate-label":
        should = f"; ta kolumna powinna nazywać się „{column}”" if column and column != label else ""
        return f"kolumna „{label}” występuje dwa razy (kolumna {position}){should}."
    # blank-label: an empty cell in the header.
    should = f"; wpisz w niej „{column}”" if column else "; wpisz nazwę kolumny z datapackage.json"
    return f"nagłówek kolumny {position} jest pusty{should}."


def _code(kind: str) -> str:
    """Frictionless's name of an error type as a message shows it (its English „error” left out)."""
    return kind.removesuffix("-error").removesuffix("error") or "ogólny"


def _other_message(error: Any, kind: str, cell: object) -> str:
    """Any other Frictionless error, never in its English words: what it is about and its type."""
    from frictionless import errors

    code = f"(rodzaj błędu: „{_code(kind)}”)"
    if isinstance(error, errors.CellError):
        return f"wartość „{cell}” nie zgadza się z opisem kolumny w {PACKAGE_FILE} {code}."
    if isinstance(error, errors.RowError):
        return f"wiersz nie zgadza się z opisem tabeli w {PACKAGE_FILE} {code}."
    if isinstance(error, errors.HeaderError):
        return f"nagłówek (pierwszy wiersz) nie zgadza się z opisem kolumn w {PACKAGE_FILE} {code}."
    return (
        f"pliku nie da się sprawdzić z opisem w {PACKAGE_FILE} {code}; zapisz go w arkuszu jako "
        "„CSV UTF-8” i sprawdź jego opis."
    )


def _constraint_message(note: str, cell: object) -> str:
    if _not_finite(cell):
        # Frictionless reads "NaN" and "inf" as numbers, then finds them below any minimum.
        return f"wartość „{cell}” nie jest zwykłą liczbą; wpisz liczbę, np. 12.5."
    match = re.search(r'constraint "(\w+)" is "(.*)"', note)
    if not match:
        # Frictionless's note is English: say which column's constraints, not its words.
        return f"wartość „{cell}” nie spełnia ograniczeń tej kolumny opisanych w {PACKAGE_FILE}."
    name, limit = match.group(1), match.group(2)
    return {
        "required": "pole jest puste, a jest wymagane.",
        "minimum": f"wartość {cell} jest mniejsza niż dozwolone minimum {limit}.",
        "maximum": f"wartość {cell} jest większa niż dozwolone maksimum {limit}.",
        "enum": f"wartość „{cell}” jest niedozwolona; dozwolone: {limit.strip('[]')}.",
        "pattern": f"wartość „{cell}” ma niewłaściwą postać (wzór: {limit}).",
        "unique": f"wartość „{cell}” powtarza się, a musi być niepowtarzalna.",
        "exclusiveMinimum": f"wartość {cell} musi być większa niż {limit}.",
        "exclusiveMaximum": f"wartość {cell} musi być mniejsza niż {limit}.",
        "minLength": f"tekst „{cell}” jest za krótki (najmniej znaków: {limit}).",
        "maxLength": f"tekst „{cell}” jest za długi (najwięcej znaków: {limit}).",
    }.get(name, f"wartość „{cell}” nie spełnia ograniczenia „{name}” ({limit}) z {PACKAGE_FILE}.")


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
