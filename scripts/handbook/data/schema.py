"""The Data Package's schema as the rest of the pipeline asks about it: tables, columns, types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
