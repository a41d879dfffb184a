"""The Data Package's schema as the rest of the pipeline asks about it: tables, columns, types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

NUMERIC = ("integer", "number")
TEMPORAL = ("date", "yearmonth", "year")


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
            references = {}
            for key in schema.get("foreignKeys", []):
                fields = key.get("fields")
                target = key.get("reference", {})
                if isinstance(fields, str) and isinstance(target.get("fields"), str):
                    references[fields] = (target.get("resource") or resource["name"], target["fields"])
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
