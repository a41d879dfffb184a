"""The ``dane-projektu`` directive: the data appendix generated from data/datapackage.json.

One table per file (column, type, unit, description, rules), a download link for every CSV
and for the package description, and the illustrative-data notice while it applies.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from handbook import fmt
from handbook.data.schema import foreign_keys
from handbook.sphinxext.tables import text_table

TYPE_NAMES = {
    "string": "tekst",
    "integer": "liczba całkowita",
    "number": "liczba",
    "date": "data (RRRR-MM-DD)",
    "yearmonth": "miesiąc (RRRR-MM)",
    "boolean": "tak / nie",
}


def describe_rules(field: dict[str, Any], foreign: dict[str, str]) -> list[nodes.Node]:
    """The rules of one column in words, as the editor needs them (a pattern as code)."""
    rules: list[list[nodes.Node]] = []

    def say(*parts: nodes.Node | str) -> None:
        rules.append([nodes.Text(p) if isinstance(p, str) else p for p in parts])

    constraints = field.get("constraints", {})
    if constraints.get("required"):
        say("wymagana")
    if constraints.get("unique"):
        say("wartości niepowtarzalne")
    if "minimum" in constraints:
        say(f"co najmniej {_number(constraints['minimum'])}")
    if "maximum" in constraints:
        say(f"co najwyżej {_number(constraints['maximum'])}")
    if "enum" in constraints:
        say("dozwolone: " + ", ".join(str(v) for v in constraints["enum"]))
    if "pattern" in constraints:
        # Code, not prose: typography must not turn „[0-9]” into a range with a dash.
        say("postać: ", nodes.literal(constraints["pattern"], constraints["pattern"]))
    if field.get("x-w-okresie-projektu"):
        say("w okresie projektu")
    if field["name"] in foreign:
        say(f"wartość z pliku {foreign[field['name']]}")
    if field.get("trueValues"):
        say(f"„{field['trueValues'][0]}” albo „{field['falseValues'][0]}”")
    cell: list[nodes.Node] = []
    for index, parts in enumerate(rules):
        if index:
            cell.append(nodes.Text("; "))
        cell += parts
    return cell


def _number(value: Any) -> str:
    """„0,5”, „1 000”: a limit from the schema written the Polish way."""
    number = float(value)
    if number.is_integer():
        return fmt.number(number)
    return fmt.number(number, 6).rstrip("0")


class OpenDataDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        _data_pages(self.env).add(self.env.docname)
        data_dir = Path(self.config.handbook_data_dir)
        package_file = data_dir / "datapackage.json"
        self.env.note_dependency(str(package_file))
        package = json.loads(package_file.read_text(encoding="utf-8"))
        result: list[nodes.Node] = []
        if self.config.handbook_data_notice:
            notice = nodes.important()
            notice += nodes.paragraph(text=self.config.handbook_data_notice)
            result.append(notice)
        intro = nodes.paragraph(text="Opis wszystkich plików w standardzie Frictionless Data Package: ")
        intro += self._download(package_file)
        result.append(intro)
        for resource in package["resources"]:
            result.extend(self._resource(data_dir, resource))
        return result

    def _download(self, path: Path) -> addnodes.download_reference:
        # A leading "/" resolves from the source folder, like the chart images.
        target = "/" + Path(os.path.relpath(path, self.env.srcdir)).as_posix()
        return addnodes.download_reference(
            "",
            "",
            nodes.literal(path.name, path.name),
            refdoc=self.env.docname,
            reftarget=target,
            refexplicit=True,
        )

    def _resource(self, data_dir: Path, resource: dict[str, Any]) -> list[nodes.Node]:
        schema = resource["schema"]
        foreign = {column: f"{key.resource}.csv" for key in foreign_keys(resource) for column in key.fields}
        heading = nodes.rubric(text=f"{resource['title']} ({resource['path']})")
        about = nodes.paragraph(text=resource.get("description", "") + " Pobierz: ")
        about += self._download(data_dir / resource["path"])
        table = text_table(
            ("Kolumna", "Typ", "Jednostka", "Opis", "Reguły"),
            (
                (
                    field["name"],
                    TYPE_NAMES.get(field["type"], field["type"]),
                    field.get("unit", "—"),
                    field.get("description", ""),
                    describe_rules(field, foreign),
                )
                for field in schema["fields"]
            ),
            widths=(18, 14, 10, 34, 24),
            title=f"Kolumny pliku {resource['path']}",
            classes=["handbook-data-schema"],
        )
        return [heading, about, table]


def _data_pages(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, "handbook_data_pages"):
        env.handbook_data_pages = set()  # type: ignore[attr-defined]
    return env.handbook_data_pages  # type: ignore[attr-defined, no-any-return]


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """Every page's footer links to the page that holds the data appendix, wherever it is."""
    pages = sorted(_data_pages(app.env))
    context["handbook_data_page"] = pages[0] if pages else ""


def on_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _data_pages(env).discard(docname)


def on_merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _data_pages(env).update(_data_pages(other) & docnames)


def setup_opendata(app: Sphinx) -> None:
    app.add_config_value("handbook_data_dir", "", "env", types=[str])
    app.add_config_value("handbook_data_notice", "", "env", types=[str])
    app.add_directive("dane-projektu", OpenDataDirective)
    app.connect("html-page-context", on_page_context)
    app.connect("env-purge-doc", on_purge)
    app.connect("env-merge-info", on_merge)
