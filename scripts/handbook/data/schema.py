"""The Data Package's schema: its structure checked once when read, then tables, columns and types."""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from handbook.declared import Loc, Located, invalid, problems, quoted
from handbook.errors import Problem

NUMERIC = ("integer", "number")
TEMPORAL = ("date", "yearmonth", "year")


@dataclass(frozen=True)
class ForeignKey:
    """Columns of a table that take their values from columns of another (or the same) table."""

    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


def foreign_keys(resource: Mapping[str, Any]) -> list[ForeignKey]:
    """A resource's foreign keys; Frictionless allows one column as a string or several as a list."""

    def columns(value: Any) -> tuple[str, ...]:
        return (value,) if isinstance(value, str) else tuple(str(v) for v in value or ())

    keys = []
    for key in resource.get("schema", {}).get("foreignKeys", []) or []:
        if not isinstance(key, Mapping):
            continue
        target = key.get("reference") or {}
        keys.append(
            ForeignKey(
                columns(key.get("fields")),
                target.get("resource") or resource.get("name", ""),
                columns(target.get("fields")),
            )
        )
    return keys


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    title: str
    # Allowed values, in the order the schema lists them (also the order of chart series).
    enum: tuple[Any, ...] | None = None
    # (resource, column) this column refers to by a foreign key.
    reference: tuple[str, str] | None = None
    unit: str = ""

    @property
    def label(self) -> str:
        return self.title or self.name


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    title: str
    columns: Mapping[str, Column]

    def column_list(self) -> str:
        return ", ".join(self.columns)


@dataclass(frozen=True)
class Schema:
    resources: Mapping[str, Resource]

    @classmethod
    def from_descriptor(cls, descriptor: Mapping[str, Any]) -> Schema:
        resources = {}
        for resource in descriptor.get("resources", []):
            schema = resource.get("schema", {})
            # Keys of one column give a column its values (families, categories); keys of
            # several columns are checked by frictionless but name no single column.
            references = {
                key.fields[0]: (key.resource, key.reference[0])
                for key in foreign_keys(resource)
                if len(key.fields) == 1 and len(key.reference) == 1
            }
            columns = {
                f["name"]: Column(
                    f["name"],
                    f.get("type", "string"),
                    f.get("title", ""),
                    tuple(f["constraints"]["enum"]) if "enum" in f.get("constraints", {}) else None,
                    references.get(f["name"]),
                    f.get("unit", ""),
                )
                for f in schema.get("fields", [])
            }
            resources[resource["name"]] = Resource(
                resource["name"], resource.get("path", ""), resource.get("title", ""), columns
            )
        return cls(resources)

    def names(self) -> str:
        return ", ".join(self.resources)


# --- The descriptor's structure, checked once when it is read ------------------------------

# The column types the pipeline types, draws and describes (data/load.py, opendata, charts).
FieldType = Literal["string", "integer", "number", "boolean", "date", "yearmonth"]
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
# Constraints Frictionless supports, per column type.
# Limits of dates are left out: the data appendix prints limits as numbers, and the project
# period („x-w-okresie-projektu”) is how a book bounds its dates.
_NUMERIC = ("required", "unique", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_CONSTRAINTS: Mapping[str, tuple[str, ...]] = {
    "string": ("required", "unique", "enum", "pattern", "minLength", "maxLength"),
    "integer": _NUMERIC,
    "number": _NUMERIC,
    "date": ("required", "unique", "enum"),
    "yearmonth": ("required", "unique", "enum"),
    "boolean": ("required", "enum"),
}
# Properties of a column Frictionless or the engine reads; any other must start with "x-".
_FIELD_KEYS = (
    "name",
    "type",
    "format",
    "title",
    "description",
    "example",
    "unit",
    "constraints",
    "trueValues",
    "falseValues",
    "bareNumber",
    "groupChar",
    "decimalChar",
    "rdfType",
)


def _columns(value: object) -> object:
    # Frictionless allows one column as a string or several as a list.
    return [value] if isinstance(value, str) else value


Columns = Annotated[list[Annotated[str, Field(min_length=1)]], BeforeValidator(_columns)]


class _Descriptor(BaseModel):
    # A Data Package carries metadata the engine does not read (licences, sources, …).
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class FieldDescriptor(_Descriptor):
    name: str = Field(min_length=1)
    type: FieldType
    format: Literal["default"] = "default"
    title: str = ""
    description: str = ""
    unit: str = ""
    constraints: dict[str, Any] = Field(default_factory=dict)
    true_values: list[str] | None = Field(None, alias="trueValues", min_length=1)
    false_values: list[str] | None = Field(None, alias="falseValues", min_length=1)
    safe_text: bool = Field(False, alias="x-rodo-bezpieczne", strict=True)
    project_period: bool = Field(False, alias="x-w-okresie-projektu", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = [k for k in data if k not in _FIELD_KEYS and not str(k).startswith("x-")]
            if unknown:
                raise PydanticCustomError(
                    "unknown_key",
                    "nieznane pole „{key}” (literówka?); dozwolone pola: {allowed} i własne pola „x-…”",
                    {"key": str(unknown[0]), "allowed": ", ".join(_FIELD_KEYS)},
                )
        return data

    @field_validator("format", mode="before")
    @classmethod
    def _default_format(cls, value: object) -> object:
        if value != "default":
            raise invalid(
                f"własny format kolumny („{value}”) nie jest obsługiwany: usuń pole format — daty "
                "RRRR-MM-DD i DD.MM.RRRR oraz liczby z przecinkiem dziesiętnym silnik odczyta sam"
            )
        return value

    @field_validator("constraints")
    @classmethod
    def _constraints(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        kind = info.data.get("type")
        if kind is None:
            return value
        allowed = _CONSTRAINTS[kind]
        for key, limit in value.items():
            if key not in allowed:
                dates = kind in ("date", "yearmonth") and "imum" in key
                hint = "; daty ogranicza okres projektu: „x-w-okresie-projektu”: true" if dates else ""
                raise invalid(
                    f"ograniczenie „{key}” nie pasuje do kolumny typu „{kind}”; dozwolone: "
                    f"{quoted(allowed)}{hint}"
                )
            problem = _constraint_problem(key, limit, kind)
            if problem:
                raise invalid(f"ograniczenie „{key}”: {problem}")
        return value

    @field_validator("project_period")
    @classmethod
    def _period_of_dates(cls, value: bool, info: ValidationInfo) -> bool:
        kind = info.data.get("type")
        if value and kind is not None and kind not in ("date", "yearmonth"):
            raise invalid(f"„x-w-okresie-projektu” dotyczy tylko kolumn z datami (ta ma typ „{kind}”)")
        return value

    @model_validator(mode="after")
    def _true_and_false(self) -> FieldDescriptor:
        if (self.true_values is None) != (self.false_values is None):
            raise invalid('podaj oba pola trueValues i falseValues (np. ["tak"] i ["nie"]) albo żadnego')
        return self


def _constraint_problem(key: str, limit: Any, kind: str) -> str | None:
    """Why *limit* is no valid value of constraint *key* on a column of type *kind*, or None."""
    if key in ("required", "unique"):
        return None if isinstance(limit, bool) else "oczekiwano true albo false"
    if key in ("minLength", "maxLength"):
        whole = isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0
        return None if whole else "oczekiwano liczby całkowitej nie mniejszej niż 0"
    if key == "pattern":
        if not isinstance(limit, str):
            return "oczekiwano wzoru (wyrażenia regularnego) w cudzysłowie"
        try:
            re.compile(limit)
        except re.error as error:
            return f"wzór „{limit}” jest błędny (znak {(error.pos or 0) + 1}); sprawdź nawiasy i ukośniki"
        return None
    if key == "enum":
        if not isinstance(limit, list) or not limit:
            return "oczekiwano niepustej listy dozwolonych wartości [ … ]"
        wrong = next((value for value in limit if not _of_type(value, kind)), None)
        return None if wrong is None else f"wartość {wrong!r} nie pasuje do kolumny typu „{kind}”"
    return None if _of_type(limit, kind) else f"wartość {limit!r} nie pasuje do kolumny typu „{kind}”"


def contradictions(constraints: Mapping[str, Any], kind: str) -> list[tuple[str, str]]:
    """Constraints of one column no value can meet together, each with the key it is reported at.

    Each constraint is valid on its own (checked by FieldDescriptor); together a minimum above
    the maximum, or an allowed value that breaks the other constraints, would only give an
    error in every row of the file instead of one at the constraint.
    """
    found: list[tuple[str, str]] = []
    low = [(key, constraints[key]) for key in ("minimum", "exclusiveMinimum") if key in constraints]
    high = [(key, constraints[key]) for key in ("maximum", "exclusiveMaximum") if key in constraints]
    for low_key, low_value in low:
        for high_key, high_value in high:
            strict = low_key.startswith("exclusive") or high_key.startswith("exclusive")
            if low_value > high_value or (strict and low_value == high_value):
                found.append(
                    (
                        high_key,
                        f"„{high_key}” ({high_value}) jest mniejsze niż „{low_key}” ({low_value}): żadna "
                        "wartość nie spełni obu; zamień je miejscami albo popraw jedno z nich",
                    )
                )
    if constraints.get("minLength", 0) > constraints.get("maxLength", math.inf):
        found.append(
            (
                "maxLength",
                f"„maxLength” ({constraints['maxLength']}) jest mniejsze niż „minLength” "
                f"({constraints['minLength']}): żaden tekst nie spełni obu",
            )
        )
    for value in constraints.get("enum", []):
        broken = _breaks(value, constraints, kind)
        if broken:
            found.append(
                ("enum", f"dozwolona wartość „{value}” nie spełnia ograniczenia „{broken}” tej samej kolumny")
            )
    return found


def _breaks(value: Any, constraints: Mapping[str, Any], kind: str) -> str | None:
    """The constraint an allowed value (of the right type) breaks, or None."""
    if kind in NUMERIC:
        checks = {
            "minimum": lambda limit: value >= limit,
            "maximum": lambda limit: value <= limit,
            "exclusiveMinimum": lambda limit: value > limit,
            "exclusiveMaximum": lambda limit: value < limit,
        }
    elif kind == "string":
        checks = {
            "minLength": lambda limit: len(value) >= limit,
            "maxLength": lambda limit: len(value) <= limit,
            # Frictionless matches a pattern against the whole value.
            "pattern": lambda limit: re.fullmatch(limit, value) is not None,
        }
    else:
        return None
    return next(
        (key for key, holds in checks.items() if key in constraints and not holds(constraints[key])), None
    )


def _of_type(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "date":
        return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
    if kind == "yearmonth":
        return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value) is not None
    return isinstance(value, str)


class ReferenceDescriptor(_Descriptor):
    resource: str = ""  # empty: the same table
    fields: Columns = Field(min_length=1)


class ForeignKeyDescriptor(_Descriptor):
    fields: Columns = Field(min_length=1)
    reference: ReferenceDescriptor


class SchemaDescriptor(_Descriptor):
    fields: list[FieldDescriptor] = Field(min_length=1)
    primary_key: Columns = Field(default_factory=list, alias="primaryKey")
    foreign_keys: list[ForeignKeyDescriptor] = Field(default_factory=list, alias="foreignKeys")
    missing_values: list[str] = Field(default_factory=lambda: [""], alias="missingValues")


class ResourceDescriptor(_Descriptor):
    name: str
    path: str
    title: str = Field(min_length=1)
    description: str = ""
    table_schema: SchemaDescriptor = Field(alias="schema")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise invalid(
                f"nazwa tabeli „{value}” może mieć tylko małe litery bez polskich znaków, cyfry, "
                "„-”, „_” i „.”, np. „gminy”"
            )
        return value

    @field_validator("path")
    @classmethod
    def _inside_data(cls, value: str) -> str:
        problem = path_problem(value)
        if problem:
            raise invalid(problem)
        return value


class PackageDescriptor(_Descriptor):
    resources: list[ResourceDescriptor]

    @model_validator(mode="before")
    @classmethod
    def _has_resources(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "resources" not in data:
            raise invalid(
                "brak listy plików danych „resources”: opisz w niej każdy plik CSV "
                "(name, path, title, schema)"
            )
        return data

    @field_validator("resources")
    @classmethod
    def _some(cls, value: list[ResourceDescriptor]) -> list[ResourceDescriptor]:
        if not value:
            raise invalid("lista plików danych jest pusta: opisz w niej każdy plik CSV z katalogu danych")
        return value


def path_problem(path: str) -> str | None:
    """Why *path* (a resource's ``path``) is not a CSV file inside the data folder, or None."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", path) and not re.match(r"^[A-Za-z]:[\\/]", path):
        return (
            f"„{path}” jest adresem, a dane czytamy tylko z plików w katalogu danych: pobierz plik "
            "i zapisz go tam, a w path podaj jego nazwę, np. „gminy.csv”"
        )
    if "\\" in path:
        return f"w ścieżce „{path}” użyj ukośnika „/” zamiast „\\”"
    parts = PurePosixPath(path).parts
    if path.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", path):
        return f"ścieżka „{path}” jest bezwzględna; podaj nazwę pliku w katalogu danych, np. „gminy.csv”"
    if ".." in parts:
        return f"ścieżka „{path}” wychodzi poza katalog danych; plik musi leżeć w tym katalogu"
    if PurePosixPath(path).suffix.lower() != ".csv":
        return f"plik danych „{path}” musi mieć rozszerzenie .csv"
    return None


def descriptor_problems(located: Located) -> list[Problem]:
    """Everything wrong with the structure of the Data Package, each at its line; [] if sound.

    Checked once, before anything reads the descriptor: the rest of the pipeline (and
    Frictionless) may then take every resource's name, path, schema and fields for granted.
    """
    try:
        package = PackageDescriptor.model_validate(located.data)
    except ValidationError as exc:
        return problems(exc, located)
    found: list[Problem] = []
    names = [resource.name for resource in package.resources]
    columns = {r.name: [f.name for f in r.table_schema.fields] for r in package.resources}
    paths: dict[str, int] = {}
    for index, resource in enumerate(package.resources):
        loc: Loc = ("resources", index)
        if resource.name in names[:index]:
            found.append(located.problem((*loc, "name"), f"tabela „{resource.name}” jest opisana dwa razy"))
        # One file, two descriptions: each would be validated against the other's columns.
        path = posixpath.normpath(resource.path)
        if path in paths:
            first = package.resources[paths[path]]
            where = located.line(("resources", paths[path], "path"))
            message = (
                f"plik „{resource.path}” opisuje już tabela „{first.name}” (wiersz {where}); każdy plik "
                "CSV opisz raz — popraw path albo usuń powtórzony opis"
            )
            found.append(located.problem((*loc, "path"), message))
        paths.setdefault(path, index)
        own = columns[resource.name] if resource.name not in names[:index] else []
        schema = resource.table_schema
        fields = [f.name for f in schema.fields]
        for position, name in enumerate(fields):
            if name in fields[:position]:
                where = (*loc, "schema", "fields", position, "name")
                found.append(located.problem(where, f"kolumna „{name}” jest opisana dwa razy"))
        for position, spec in enumerate(schema.fields):
            for key, message in contradictions(spec.constraints, spec.type):
                where = (*loc, "schema", "fields", position, "constraints", key)
                found.append(located.problem(where, message))
        for column in schema.primary_key:
            if column not in fields:
                message = (
                    f"klucz główny wskazuje nieistniejącą kolumnę „{column}”; dostępne: {quoted(fields)}"
                )
                found.append(located.problem((*loc, "schema", "primaryKey"), message))
        for number, key in enumerate(schema.foreign_keys):
            where = (*loc, "schema", "foreignKeys", number)
            target = key.reference.resource or resource.name
            for column in key.fields:
                if column not in fields:
                    message = (
                        f"klucz obcy wskazuje nieistniejącą kolumnę „{column}”; dostępne: {quoted(fields)}"
                    )
                    found.append(located.problem((*where, "fields"), message))
            if target not in columns:
                message = f"klucz obcy wskazuje nieistniejącą tabelę „{target}”; dostępne: {quoted(names)}"
                found.append(located.problem((*where, "reference", "resource"), message))
                continue
            referenced = own if target == resource.name else columns[target]
            for column in key.reference.fields:
                if column not in referenced:
                    message = (
                        f"klucz obcy wskazuje kolumnę „{column}”, której nie ma w tabeli „{target}”; "
                        f"dostępne: {quoted(referenced)}"
                    )
                    found.append(located.problem((*where, "reference", "fields"), message))
            if len(key.fields) != len(key.reference.fields):
                message = "klucz obcy ma inną liczbę kolumn po obu stronach (fields i reference.fields)"
                found.append(located.problem(where, message))
    return found
