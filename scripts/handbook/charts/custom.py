"""Custom charts: a function in the book's own Python file, ``(tables, style) -> Figure``.

This runs the book's code (written by its editor, never by chapter authors): the declaration
names a file inside the book and a function in it. Every failure of that code is reported as
a Polish message naming the file and the declaration's line, never as a traceback.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from handbook.charts.spec import DATA_FUNCTION, Chart
from handbook.charts.style import Style
from handbook.data.load import Tables
from handbook.errors import HandbookError
from handbook.settings import Settings


def load_module(chart: Chart, settings: Settings) -> ModuleType:
    """The chart's module, executed afresh from its file (one module object per call)."""
    path = chart.module_path(settings)
    # A name of its own per file, so two books (or two files named alike) never share a module.
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    name = f"handbook_book_chart_{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise _failure(chart, settings, "nie da się wczytać pliku jako modułu Pythona")
    module = importlib.util.module_from_spec(spec)
    with _registered(name, module), _reported(chart, settings, "podczas wczytywania pliku"):
        spec.loader.exec_module(module)
    return module


def render_custom(chart: Chart, settings: Settings, tables: Tables, style: Style) -> Figure:
    module = load_module(chart, settings)
    function = _function(chart, settings, module, chart.spec.function)
    with (
        _registered(module.__name__, module),
        _reported(chart, settings, f"w funkcji „{chart.spec.function}”"),
    ):
        figure = function(tables, style)
    if not isinstance(figure, Figure):
        raise _failure(
            chart,
            settings,
            f"funkcja „{chart.spec.function}” zwróciła {type(figure).__name__} zamiast rysunku "
            "matplotlib.figure.Figure",
        )
    return figure


def custom_frame(chart: Chart, settings: Settings, tables: Tables) -> pd.DataFrame | None:
    """The module's ``dane(tables)`` table, or None when the module does not define one."""
    module = load_module(chart, settings)
    if not hasattr(module, DATA_FUNCTION):
        return None
    function = _function(chart, settings, module, DATA_FUNCTION)
    with _registered(module.__name__, module), _reported(chart, settings, f"w funkcji „{DATA_FUNCTION}”"):
        frame = function(tables)
    if not isinstance(frame, pd.DataFrame) or frame.columns.empty:
        raise _failure(
            chart,
            settings,
            f"funkcja „{DATA_FUNCTION}” musi zwrócić tabelę pandas.DataFrame z co najmniej jedną kolumną "
            f"(zwróciła {type(frame).__name__})",
        )
    return frame


def _function(chart: Chart, settings: Settings, module: ModuleType, name: str) -> Callable[..., Any]:
    function = getattr(module, name, None)
    if not callable(function):
        raise _failure(chart, settings, f"w pliku nie ma funkcji „{name}”")
    return function  # type: ignore[no-any-return]


@contextmanager
def _registered(name: str, module: ModuleType) -> Iterator[None]:
    # Dataclasses and pickling look a class's module up in sys.modules while it runs; it is
    # removed afterwards so nothing of one book stays behind for the next.
    sys.modules[name] = module
    try:
        yield
    finally:
        sys.modules.pop(name, None)


@contextmanager
def _reported(chart: Chart, settings: Settings, when: str) -> Iterator[None]:
    try:
        yield
    except HandbookError:
        raise
    except Exception as error:  # noqa: BLE001 - the book's code may raise anything
        path = chart.module_path(settings)
        line = _line_in(error, path)
        where = f", wiersz {line}" if line else ""
        raise _failure(chart, settings, f"błąd {when}{where}: {type(error).__name__}: {error}") from None


def _line_in(error: BaseException, path: Path) -> int | None:
    """The line of *path* closest to where the error was raised."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == path]
    if not frames and isinstance(error, SyntaxError) and error.filename and Path(error.filename) == path:
        return error.lineno
    return frames[-1].lineno if frames else None


def _failure(chart: Chart, settings: Settings, message: str) -> HandbookError:
    relative = chart.spec.file
    return HandbookError(
        f"Wykres własny „{chart.name}” nie powstał (kod z pliku {relative}).",
        [chart.problem(f"plik „{relative}”: {message}")],
    )
