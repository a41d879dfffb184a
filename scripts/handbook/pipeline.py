"""The data stage of the pipeline in one call: validated tables → charts and prose figures."""

from __future__ import annotations

from handbook.charts.runner import RunReport, render_charts
from handbook.data.load import Tables, load_tables
from handbook.numbers.compute import write_figures
from handbook.settings import Settings


def prepare_data(settings: Settings) -> tuple[Tables, RunReport]:
    """Everything Sphinx reads from the data: chart SVGs, their manifest and liczby.json."""
    tables = load_tables(settings)
    report = render_charts(settings, tables)
    write_figures(tables, settings.charts_dir)
    return tables, report
