"""The ``wykres`` directive: a declared chart placed as a numbered figure by its name."""

from __future__ import annotations

import os
import posixpath
import urllib.parse
from html import escape
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from handbook.products import MANIFEST, ChartEntry, narrow_file, read_manifest
from handbook.products import NARROW_SUFFIX as NARROW_SUFFIX  # the site's name, the runner's
from handbook.sphinxext.tables import text_table
from handbook.sphinxext.typography import polish_spacing

logger = logging.getLogger(__name__)

LABEL_PREFIX = "wykres-"
# The chart runner draws every chart twice: ``<name>.svg`` for print and wide screens and
# ``<name>.narrow.svg`` for phones (products.narrow_file, shared with the runner without
# importing matplotlib).
# Below this width the site shows the phone drawing, whose text stays at least 11 CSS px.
NARROW_MEDIA = "(max-width: 600px)"
NARROW_CLASS = "handbook-chart-narrow"


class chart_picture(nodes.General, nodes.Element):  # noqa: N801 - docutils node naming
    """A chart's two drawings (print, then phone): a <picture> on the site, the first in print."""


def visit_chart_picture_html(self: Any, node: chart_picture) -> None:
    wide, *narrow = node.children
    self.body.append("<picture>")
    for image in narrow:
        # The same path the HTML translator gives an <img> (the builder copied the file).
        uri = image["uri"]
        src = posixpath.join(self.builder.imgpath, urllib.parse.quote(self.builder.images.get(uri, uri)))
        self.body.append(f'<source media="{NARROW_MEDIA}" srcset="{escape(src)}" type="image/svg+xml">')
    wide.walkabout(self)
    self.body.append("</picture>\n")
    raise nodes.SkipNode


class PrintDrawingOnly(SphinxPostTransform):
    """The PDF gets the print drawing alone, the figure's one image as before the phone drawings."""

    # Before the builder's own post-transforms (images are converted from 150 on).
    default_priority = 100
    formats = ("typst",)

    def run(self, **kwargs: Any) -> None:
        for picture in list(self.document.findall(chart_picture)):
            picture.replace_self(picture[0])


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
        caption = self.options.get("podpis", entry.caption)
        # A name screen readers read: with the Polish spacing the visible text gets.
        label = polish_spacing(f"Dane liczbowe wykresu: {caption}")
        box += text_table(entry.columns, entry.rows, classes=["handbook-chart-table"], label=label)
        return box

    def _figure(self, entry: ChartEntry, charts_dir: Path) -> nodes.figure:
        # A leading "/" makes Sphinx resolve the path from the source folder, whichever
        # folder the chapter is in.
        alt = self.options.get("alt", entry.alt)
        picture = chart_picture()
        for file, classes in ((entry.file, []), (narrow_file(entry.file), [NARROW_CLASS])):
            # A manifest from before the phone drawings has the print one only.
            if (charts_dir / file).exists() or not classes:
                relative = os.path.relpath(charts_dir / file, self.env.srcdir)
                uri = "/" + Path(relative).as_posix()
                picture += nodes.image(uri=uri, alt=alt, classes=["handbook-chart", *classes])
        caption_text = self.options.get("podpis", entry.caption)
        caption = nodes.caption(caption_text, caption_text)
        figure = nodes.figure("", picture, caption, classes=["handbook-chart-figure"])
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
    app.add_node(chart_picture, html=(visit_chart_picture_html, None))
    app.add_post_transform(PrintDrawingOnly)
    app.add_directive("wykres", ChartDirective)
