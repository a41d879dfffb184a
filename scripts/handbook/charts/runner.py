"""Render every registered chart to SVG, redoing only those whose inputs changed."""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from handbook import fmt
from handbook.charts import style as style_module
from handbook.charts.registry import Chart, all_charts
from handbook.charts.style import Style, house_style
from handbook.data.load import Tables
from handbook.products import MANIFEST, ChartEntry, read_manifest
from handbook.settings import Settings


@dataclass(frozen=True)
class RunReport:
    rendered: tuple[str, ...]
    unchanged: tuple[str, ...]


def chart_style(settings: Settings) -> Style:
    label = "Dane ilustracyjne" if settings.data.illustrative else ""
    return Style(palette=settings.colours.charts, illustrative_label=label)


def chart_caption(chart: Chart, settings: Settings) -> str:
    suffix = " (dane ilustracyjne)" if settings.data.illustrative else ""
    return chart.caption + suffix


def _key(chart: Chart, tables: Tables, style: Style) -> str:
    """Content hash of everything the chart's bytes depend on."""
    digest = hashlib.sha256()
    for part in (
        inspect.getsource(chart.plot),
        inspect.getsource(chart.alt),
        inspect.getsource(style_module),
        inspect.getsource(inspect.getmodule(chart.plot)),  # type: ignore[arg-type]
        matplotlib.__version__,
        repr(style),
    ):
        digest.update(part.encode())
    for name in chart.tables:
        digest.update(tables.contents[name])
    return digest.hexdigest()


def data_table(chart: Chart, tables: Tables) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The chart's numbers as text cells, formatted the Polish way."""
    frame = chart.table(tables)
    # One precision per column: a decimal column shows one decimal in every row.
    decimals = {
        column: int(
            pd.api.types.is_float_dtype(frame[column])
            and not all(float(v).is_integer() for v in frame[column])
        )
        for column in frame.columns
    }

    def cell(column: str, value: object) -> str:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            return str(value)
        return fmt.number(float(value), decimals[column])

    columns = tuple(str(c) for c in frame.columns)
    rows = tuple(
        tuple(cell(c, v) for c, v in zip(frame.columns, row, strict=True))
        for row in frame.itertuples(index=False)
    )
    return columns, rows


def svg_bytes(chart: Chart, tables: Tables, style: Style) -> bytes:
    figure = chart.render(tables, style)
    buffer = io.BytesIO()
    with house_style():
        # No date, fixed creator: the same inputs give the same bytes on every machine.
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "handbook"})
    return buffer.getvalue()


def render_charts(settings: Settings, tables: Tables, only: set[str] | None = None) -> RunReport:
    """Write ``<name>.svg`` for every chart whose content hash changed, then the manifest."""
    out = settings.charts_dir
    out.mkdir(parents=True, exist_ok=True)
    style = chart_style(settings)
    previous = read_manifest(out)
    entries: dict[str, ChartEntry] = {}
    rendered, unchanged = [], []
    for name, chart in sorted(all_charts().items()):
        if only is not None and name not in only:
            if name in previous:
                entries[name] = previous[name]
            continue
        key = _key(chart, tables, style)
        file = f"{name}.svg"
        old = previous.get(name)
        if old is None or old.key != key or not (out / file).exists():
            _write_atomic(out / file, svg_bytes(chart, tables, style))
            rendered.append(name)
        else:
            unchanged.append(name)
        columns, rows = data_table(chart, tables)
        entries[name] = ChartEntry(
            name, file, chart_caption(chart, settings), chart.alt(tables), key, columns, rows
        )
    text = json.dumps({n: asdict(e) for n, e in sorted(entries.items())}, ensure_ascii=False, indent=2)
    manifest = out / MANIFEST
    if not manifest.exists() or manifest.read_text(encoding="utf-8") != text + "\n":
        _write_atomic(manifest, (text + "\n").encode())
    for stale in set(previous) - set(entries):
        (out / previous[stale].file).unlink(missing_ok=True)
    return RunReport(tuple(rendered), tuple(unchanged))


def _write_atomic(path: Path, content: bytes) -> None:
    # A reader (Sphinx, a browser) never sees a half-written file.
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
