"""Outcome data: the CSV files in data/ validated against data/datapackage.json, then typed."""

from __future__ import annotations

import csv
import io
import json
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
from handbook.data.schema import Schema, foreign_keys
from handbook.data.spreadsheet import SpreadsheetError, normalise
from handbook.declared import Located, json_lines
from handbook.errors import HandbookError, Problem
from handbook.settings import Settings

PACKAGE_FILE = "datapackage.json"
# Schema property of a date column: it must lie within the project period of the settings.
PROJECT_PERIOD = "x-w-okresie-projektu"

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
    descriptor_path = data_dir / PACKAGE_FILE
    try:
        text = descriptor_path.read_text(encoding="utf-8")
        descriptor = json.loads(text)
    except FileNotFoundError:
        raise HandbookError(f"Brak opisu danych {descriptor_path}.") from None
    except json.JSONDecodeError as exc:
        raise HandbookError(
            "Opis danych nie jest poprawnym plikiem JSON.",
            [Problem(descriptor_path, f"{exc.msg} (kolumna {exc.colno})", exc.lineno)],
        ) from None
    resources = {r["name"]: r for r in descriptor["resources"]}
    files = {name: data_dir / r["path"] for name, r in resources.items()}

    located = Located(descriptor_path, descriptor, json_lines(text))
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
        except SpreadsheetError as error:
            problems.append(Problem(files[name], str(error)))
            continue
        canonical[name] = normalised.text
        if normalised.notes:
            notes[name] = normalised.notes
        problems.extend(_personal_data(files[name], normalised.text))
    if not problems:
        problems = _validate_package(descriptor, canonical, files)
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


def _personal_data(path: Path, text: str) -> Iterator[Problem]:
    rows = csv.reader(io.StringIO(text))
    header = next(rows, [])
    for number, row in enumerate(rows, start=2):
        for column, value in zip(header, row, strict=False):
            kind = personal_data(value)
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
    from frictionless import Package

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / PACKAGE_FILE).write_text(json.dumps(descriptor), encoding="utf-8")
        for resource in descriptor["resources"]:
            (folder / resource["path"]).write_text(canonical[resource["name"]], encoding="utf-8")
        package = Package(str(folder / PACKAGE_FILE), basepath=str(folder))
        report = package.validate()
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
            frame[name] = column.isin(spec.get("trueValues", ["true"]))
    return frame
