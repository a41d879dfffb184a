"""The ``wykres`` directive: a declared chart placed as a numbered figure by its name."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from handbook.products import MANIFEST, ChartEntry, read_manifest
from handbook.sphinxext.tables import text_table

logger = logging.getLogger(__name__)

LABEL_PREFIX = "wykres-"


class chart_data(nodes.container):  # noqa: N801 - docutils node naming
    """The numbers of a chart as a table; a disclosure box on the site, left out of print."""


def visit_chart_data_html(self: Any, node: chart_data) -> None:
    self.body.append('<details class="handbook-chart-data"><summary>Dane liczbowe wykresu (tabela)</summary>')


def depart_chart_data_html(self: Any, node: chart_data) -> None:
    self.body.append("</details>")


def skip_chart_data(self: Any, node: chart_data) -> None:
    # The printed chart keeps its numbers on the bars and in its alternative text.
    raise nodes.SkipNode


def chart_label(name: str) -> str:
    """The reference target of a chart: ``{numref}`wykres-<name>```."""
    return LABEL_PREFIX + name


class ChartDirective(SphinxDirective):
    """```{wykres} name``` with optional ``:podpis:`` and ``:alt:`` overriding the generated ones."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, object]] = {  # type: ignore[misc]
        "podpis": directives.unchanged_required,
        "alt": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        charts_dir = Path(self.config.handbook_charts_dir)
        self.env.note_dependency(str(charts_dir / MANIFEST))
        manifest = read_manifest(charts_dir)
        entry = manifest.get(name)
        if entry is None:
            known = ", ".join(sorted(manifest)) or "(brak — uruchom „make charts”)"
            logger.warning(
                f"nieznany wykres „{name}”. Dostępne wykresy: {known}.",
                location=self.get_location(),
                type="handbook",
                subtype="chart",
            )
            return []
        return [self._figure(entry, charts_dir), self._data(entry)]

    def _data(self, entry: ChartEntry) -> chart_data:
        box = chart_data(classes=["handbook-chart-data"])
        box += text_table(entry.columns, entry.rows, classes=["handbook-chart-table"])
        return box

    def _figure(self, entry: ChartEntry, charts_dir: Path) -> nodes.figure:
        # A leading "/" makes Sphinx resolve the path from the source folder, whichever
        # folder the chapter is in.
        relative = os.path.relpath(charts_dir / entry.file, self.env.srcdir)
        alt = self.options.get("alt", entry.alt)
        image = nodes.image(uri="/" + Path(relative).as_posix(), alt=alt, classes=["handbook-chart"])
        caption_text = self.options.get("podpis", entry.caption)
        caption = nodes.caption(caption_text, caption_text)
        figure = nodes.figure("", image, caption, classes=["handbook-chart-figure"])
        figure["align"] = "center"
        self.set_source_info(figure)
        self.set_source_info(caption)
        self.options["name"] = chart_label(entry.name)
        self.add_name(figure)
        return figure


def setup_charts(app: Sphinx) -> None:
    app.add_config_value("handbook_charts_dir", "", "env", types=[str])
    app.add_node(
        chart_data,
        html=(visit_chart_data_html, depart_chart_data_html),
        typst=(skip_chart_data, None),
    )
    app.add_directive("wykres", ChartDirective)
