"""Render every declared chart to SVG, for print and for phones, redoing only changed ones; the manifest."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import signal
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
from handbook.processes import die_with_parent
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
    described: dict[str, ChartEntry] = {}
    failed: dict[str, HandbookError] = {}
    for name, chart in sorted(charts.items()):
        file = f"{name}.svg"
        try:
            key = chart_key(chart, tables, style, settings, sources)
            alt, (columns, rows) = describe(chart, tables, style, settings)
        except HandbookError as error:
            failed[name] = error
            continue
        described[name] = ChartEntry(name, file, chart_caption(chart, settings), alt, key, columns, rows)
        old = previous.get(name)
        if old is None or old.key != key or not all((out / f).exists() for f in (file, narrow_file(file))):
            rendered.append(name)
        else:
            unchanged.append(name)
    failed.update(_draw_all(settings, tables, style, {name: charts[name] for name in rendered}))
    rendered = [name for name in rendered if name not in failed]
    for name in sorted(charts):
        if name in failed:
            problems += failed[name].problems
            summaries.append(failed[name].summary)
            if name in previous:
                entries[name] = previous[name]
        else:
            entries[name] = described[name]
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


def _draw(chart: Chart, tables: Tables, style: Style, settings: Settings) -> HandbookError | None:
    """Both drawings of one chart into the charts folder; the problem, if it cannot be drawn."""
    try:
        file = f"{chart.name}.svg"
        for target, medium in ((file, PRINT), (narrow_file(file), NARROW)):
            figure = render(chart, tables, style, settings, medium)
            _write_atomic(settings.charts_dir / target, svg_bytes(figure, medium))
    except HandbookError as error:
        return error
    return None


# What the forked drawing processes read: set before they start, so the data are not pickled.
_JOB: tuple[Mapping[str, Chart], Tables, Style, Settings] | None = None


def _draw_in_worker(name: str) -> tuple[str, list[Problem]] | None:
    assert _JOB is not None
    charts, tables, style, settings = _JOB
    error = _draw(charts[name], tables, style, settings)
    # A summary and problems cross the process boundary; the exception itself may not pickle.
    return None if error is None else (error.summary, list(error.problems))


def _draw_all(
    settings: Settings, tables: Tables, style: Style, charts: Mapping[str, Chart]
) -> dict[str, HandbookError]:
    """Draw *charts*, on every processor when there are several charts; the failed ones.

    Each chart is drawn whole by one process (matplotlib is not thread-safe), and the processes
    are forked with pandas, matplotlib and the data loaded: nothing is imported or read again.
    The drawings do not depend on the order or the process: the same bytes as one process
    draws (``svg.hashsalt`` is fixed in the house style).
    """
    global _JOB
    names = sorted(charts)
    processors = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    workers = min(len(names), processors)
    # A daemonic process (the preview's rebuild) may not start processes of its own.
    if workers < 2 or multiprocessing.current_process().daemon:
        drawn = {name: _draw(charts[name], tables, style, settings) for name in names}
        return {name: error for name, error in drawn.items() if error is not None}
    _JOB = (charts, tables, style, settings)
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_started) as pool:
            results = pool.map(_draw_in_worker, names, chunksize=1)
    finally:
        _JOB = None
    return {
        name: HandbookError(result[0], result[1])
        for name, result in zip(names, results, strict=True)
        if result is not None
    }


def _worker_started() -> None:
    """A drawing process ends with the build, however the build ends, and says nothing.

    The build's own handlers are not inherited: Ctrl+C reaches the whole process group, and
    the build, not each worker, stops (the pool is terminated with SIGTERM on the way out).
    """
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _write_atomic(path: Path, content: bytes) -> None:
    # A reader (Sphinx, a browser) never sees a half-written file.
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
