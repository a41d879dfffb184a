"""Render every declared chart to SVG, for print and for phones, redoing only changed ones; the manifest."""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

import handbook.charts as charts_package
from handbook import fmt
from handbook.charts.custom import custom_frame, render_custom
from handbook.charts.describe import Table, alt_text, custom_alt, data_table, frame_data, frame_table
from handbook.charts.draw import draw
from handbook.charts.frame import chart_data
from handbook.charts.spec import Chart
from handbook.charts.style import NARROW, PRINT, Medium, Style, house_style, mark_illustrative
from handbook.data import query, schema
from handbook.data.load import Tables
from handbook.errors import HandbookError, Problem
from handbook.products import MANIFEST, ChartEntry, RunReport, narrow_file, read_manifest
from handbook.products import NARROW_SUFFIX as NARROW_SUFFIX  # the phone drawing's name, re-exported
from handbook.settings import Settings


def chart_style(settings: Settings) -> Style:
    label = "Dane ilustracyjne" if settings.data.illustrative else ""
    return Style(palette=settings.colours.charts, illustrative_label=label)


def chart_caption(chart: Chart, settings: Settings) -> str:
    suffix = " (dane ilustracyjne)" if settings.data.illustrative else ""
    return chart.spec.caption + suffix


def engine_sources() -> bytes:
    """The source of every module that shapes a chart: a change to any of them redraws all."""
    folder = Path(charts_package.__file__).parent
    files = [*sorted(folder.glob("*.py")), Path(fmt.__file__), Path(query.__file__), Path(schema.__file__)]
    return b"".join(path.name.encode() + b"\0" + path.read_bytes() for path in files)


def chart_key(chart: Chart, tables: Tables, style: Style, settings: Settings, sources: bytes) -> str:
    """Content hash of everything the chart's bytes depend on."""
    digest = hashlib.sha256()
    declaration = json.dumps(chart.spec.canonical(), ensure_ascii=False, sort_keys=True)
    for part in (declaration.encode(), sources, matplotlib.__version__.encode(), style.as_text().encode()):
        digest.update(part + b"\0")
    if chart.spec.custom:
        digest.update(chart.module_path(settings).read_bytes() + b"\0")
    for name in chart.read_tables(tables):
        digest.update(name.encode() + b"\0" + tables.contents[name] + b"\0")
    return digest.hexdigest()


def describe(chart: Chart, tables: Tables, style: Style, settings: Settings) -> tuple[str, Table]:
    """The chart's alt text and data table (the declared alt and headers take precedence)."""
    spec = chart.spec
    table: Table
    if spec.custom:
        frame = custom_frame(chart, settings, tables)
        if frame is None:
            alt, table = spec.alt, ((), ())
        else:
            alt, table = spec.alt or custom_alt(frame_data(frame)), frame_table(frame)
    else:
        data = chart_data(spec, tables, style)
        alt = spec.alt or alt_text(data, spec.kind, spec.layout)
        table = data_table(data, spec.kind, spec.layout)
    columns, rows = table
    if spec.table_headers:
        if len(spec.table_headers) != len(columns):
            raise HandbookError(
                "Nagłówki tabeli danych wykresu nie pasują do jej kolumn.",
                [
                    chart.problem(
                        f"pole „naglowki_tabeli”: tabela ma {len(columns)} kolumn ({', '.join(columns)}), "
                        f"a nagłówków podano {len(spec.table_headers)}",
                        "naglowki_tabeli",
                    )
                ],
            )
        columns = spec.table_headers
    return alt, (tuple(columns), rows)


def render(chart: Chart, tables: Tables, style: Style, settings: Settings, medium: Medium = PRINT) -> Figure:
    """The chart's Figure drawn for *medium*, stamped as illustrative when the data are."""
    with house_style(medium):
        if chart.spec.custom:
            # The book's function sizes its own Figure; one made with Figure() alone takes the
            # medium's size, and its text the medium's sizes, from the style in force.
            size = {} if medium == PRINT else {"figure.figsize": (medium.width, medium.height)}
            with matplotlib.rc_context(size):
                figure = render_custom(chart, settings, tables, style)
            mark_illustrative(figure, style, medium)
        else:
            figure = draw(chart.spec, chart_data(chart.spec, tables, style), style, medium)
    return figure


def svg_bytes(figure: Figure, medium: Medium = PRINT) -> bytes:
    buffer = io.BytesIO()
    with house_style(medium):
        # No date, fixed creator: the same inputs give the same bytes on every machine.
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "handbook"})
    return buffer.getvalue()


def render_charts(settings: Settings, tables: Tables, charts: Mapping[str, Chart]) -> RunReport:
    """Write ``<name>.svg`` (print and wide screens) and ``<name>.narrow.svg`` (phones) for every
    declared chart whose content hash changed, then the manifest.

    SVGs of charts no longer declared are removed. A chart that fails keeps its previous
    files; all failures are reported together at the end.
    """
    out = settings.charts_dir
    out.mkdir(parents=True, exist_ok=True)
    style = chart_style(settings)
    sources = engine_sources()
    previous = read_manifest(out)
    entries: dict[str, ChartEntry] = {}
    rendered, unchanged = [], []
    problems: list[Problem] = []
    summaries: list[str] = []
    for name, chart in sorted(charts.items()):
        file = f"{name}.svg"
        try:
            key = chart_key(chart, tables, style, settings, sources)
            alt, (columns, rows) = describe(chart, tables, style, settings)
            old = previous.get(name)
            files = ((file, PRINT), (narrow_file(file), NARROW))
            if old is None or old.key != key or not all((out / f).exists() for f, _ in files):
                for target, medium in files:
                    figure = render(chart, tables, style, settings, medium)
                    _write_atomic(out / target, svg_bytes(figure, medium))
                rendered.append(name)
            else:
                unchanged.append(name)
        except HandbookError as error:
            problems += error.problems
            summaries.append(error.summary)
            if name in previous:
                entries[name] = previous[name]
            continue
        entries[name] = ChartEntry(name, file, chart_caption(chart, settings), alt, key, columns, rows)
    text = json.dumps({n: asdict(e) for n, e in sorted(entries.items())}, ensure_ascii=False, indent=2) + "\n"
    manifest = out / MANIFEST
    if not manifest.exists() or manifest.read_text(encoding="utf-8") != text:
        _write_atomic(manifest, text.encode())
    for stale in set(previous) - set(entries):
        (out / previous[stale].file).unlink(missing_ok=True)
        (out / narrow_file(previous[stale].file)).unlink(missing_ok=True)
    if problems:
        raise HandbookError(" ".join(dict.fromkeys(summaries)), problems)
    return RunReport(tuple(rendered), tuple(unchanged))


def _write_atomic(path: Path, content: bytes) -> None:
    # A reader (Sphinx, a browser) never sees a half-written file.
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
