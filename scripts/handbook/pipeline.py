"""The data stage of the pipeline in one call: validated tables → charts and numbers for the prose."""

from __future__ import annotations

from dataclasses import dataclass

from handbook.charts.runner import RunReport, render_charts
from handbook.charts.spec import Chart, load_charts
from handbook.data.load import Tables, load_tables
from handbook.errors import HandbookError
from handbook.numbers.compute import compute_all, write_numbers
from handbook.numbers.spec import NumberSpec, load_numbers
from handbook.settings import Settings


@dataclass(frozen=True)
class Declarations:
    """What the book declares on top of its data: numbers and charts."""

    numbers: dict[str, NumberSpec]
    charts: dict[str, Chart]


def load_declarations(settings: Settings, tables: Tables) -> Declarations:
    """Every declaration file checked against the data; all problems of all files at once."""
    errors: list[HandbookError] = []
    numbers: dict[str, NumberSpec] = {}
    charts: dict[str, Chart] = {}
    try:
        numbers = load_numbers(settings, tables)
    except HandbookError as error:
        errors.append(error)
    try:
        charts = load_charts(settings, tables)
    except HandbookError as error:
        errors.append(error)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        problems = [p for error in errors for p in error.problems]
        raise HandbookError(f"Deklaracje liczb i wykresów zawierają błędy ({len(problems)}):", problems)
    return Declarations(numbers, charts)


def prepare_data(settings: Settings) -> tuple[Tables, RunReport]:
    """Everything Sphinx reads from the data: chart SVGs, their manifest and liczby.json."""
    tables = load_tables(settings)
    declared = load_declarations(settings, tables)
    report = render_charts(settings, tables, declared.charts)
    write_numbers(compute_all(declared.numbers, tables), settings.charts_dir)
    return tables, report
