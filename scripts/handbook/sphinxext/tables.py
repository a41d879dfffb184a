"""Tables: plain docutils tables for directives that generate them, and every table's HTML box."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _

# A cell is text, or inline nodes (a literal that typography must not touch).
Cell = str | Sequence[nodes.Node]

# Shown above a table only while it is wider than its box (the stylesheet decides); a
# one-letter word keeps the next one on its line, as everywhere in the book.
SCROLL_HINT = "Przewiń tabelę w\u00a0bok"
# The accessible name of a table without a caption (a directive may set a better one).
UNNAMED = "Tabela"
# A generated table's name for screen readers when it has no caption (an HTML attribute).
LABEL = "handbook_label"


def text_table(
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    widths: Sequence[int] | None = None,
    title: str = "",
    classes: Sequence[str] = (),
    label: str = "",
) -> nodes.table:
    """A table with one header row; a *title* makes it a captioned (numbered) table.

    *label* names an uncaptioned table for screen readers on the site.
    """
    table = nodes.table(classes=list(classes))
    if title:
        table += nodes.title(title, title)
    if label:
        table[LABEL] = label
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in (widths or [1] * len(header)))
    head, body = nodes.thead(), nodes.tbody()
    head += _row(header)
    body.extend(_row(row) for row in rows)
    group += head
    group += body
    return table


def _row(cells: Sequence[Cell]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += nodes.paragraph(cell, cell) if isinstance(cell, str) else nodes.paragraph("", "", *cell)
        row += entry
    return row


# --- HTML ----------------------------------------------------------------------------------
#
# A table wider than a phone scrolls sideways inside its own box, and its caption stays put
# above that box (Adrian Roselli's "Under-Engineered Responsive Tables"):
#
#   <div class="handbook-table" id="…">                 ← the table's ids: links land on the caption
#     <p class="handbook-table-caption"><span id="…-podpis">Tabela 1.1 …</span> #</p>
#     <p class="handbook-table-hint" aria-hidden="true">Przewiń tabelę w bok</p>
#     <div class="handbook-table-scroll" role="region" tabindex="0" aria-labelledby="…-podpis">
#       <table aria-labelledby="…-podpis">…</table>
#     </div>
#   </div>
#
# The scrolling box is a named region reachable with Tab, so a keyboard can scroll it too (axe:
# scrollable-region-focusable); the table is named by the same caption, as <caption> would.
# The print route never sees this: the Typst builder translates the table node itself.


def visit_table_html(self: Any, node: nodes.table) -> None:
    title = node[0] if len(node) and isinstance(node[0], nodes.title) else None
    ids: list[str] = node["ids"]
    self._handbook_tables = getattr(self, "_handbook_tables", 0) + 1
    caption_id = f"{ids[0] if ids else f'tabela-bez-id-{self._handbook_tables}'}-podpis"
    outer = f' id="{escape(ids[0])}"' if ids else ""
    self.body.append(f'<div class="handbook-table"{outer}>\n')
    # Further ids (a second label) stay reachable as empty anchors.
    self.body.extend(f'<span id="{escape(extra)}"></span>' for extra in ids[1:])
    if title is not None:
        # The permalink ("#") stays outside the span that names the table.
        self.body.append(f'<p class="handbook-table-caption"><span id="{caption_id}">')
        self.add_fignumber(node)
        self.body.append('<span class="caption-text">')
        for child in title.children:
            child.walkabout(self)
        self.body.append("</span></span>")
        self.add_permalink_ref(node, _("Link to this table"))
        self.body.append("</p>\n")
        name = f'aria-labelledby="{caption_id}"'
    else:
        name = f'aria-label="{escape(str(node.get(LABEL) or UNNAMED))}"'
    self.body.append(f'<p class="handbook-table-hint" aria-hidden="true">{SCROLL_HINT}</p>\n')
    self.body.append(f'<div class="handbook-table-scroll" role="region" tabindex="0" {name}>\n')
    classes = [*node["classes"], "table"]
    if "align" in node:
        classes.append(f"table-{node['align']}")
    style = f' style="width: {escape(str(node["width"]))}"' if "width" in node else ""
    self.body.append(f'<table class="{escape(" ".join(classes))}" {name}{style}>\n')
    self._table_row_indices.append(0)
    for child in node.children[1:] if title is not None else node.children:
        child.walkabout(self)
    self._table_row_indices.pop()
    self.body.append("</table>\n</div>\n</div>\n")
    self.report_messages(node)
    raise nodes.SkipNode


def setup_tables(app: Sphinx) -> None:
    # Every HTML builder; the translator class (the theme's) stays, only the table changes.
    app.add_node(nodes.table, override=True, html=(visit_table_html, None))
