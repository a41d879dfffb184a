"""Plain docutils tables built from text cells, for directives that generate tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from docutils import nodes

# A cell is text, or inline nodes (a literal that typography must not touch).
Cell = str | Sequence[nodes.Node]


def text_table(
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    widths: Sequence[int] | None = None,
    title: str = "",
    classes: Sequence[str] = (),
) -> nodes.table:
    """A table with one header row; a *title* makes it a captioned (numbered) table."""
    table = nodes.table(classes=list(classes))
    if title:
        table += nodes.title(title, title)
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
