"""The data stage of the pipeline in one call: validated tables → charts and numbers for the prose.

The stage remembers, by content hash, what it last did well (``_build/.dane.json``): the digest
of what validation reads (the data folder, the settings, the engine code that reads them and
the libraries' versions), and of what the charts and what the numbers are made from (that, the
book's declarations, their code). ``update_data`` leaves out what is up to date: after a
chapter edit it does nothing, and pandas, matplotlib and frictionless are imported only by the
work that is left.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from handbook.errors import HandbookError
from handbook.products import MANIFEST, NUMBERS_JSON, RunReport, narrow_file, read_manifest
from handbook.settings import SETTINGS_FILE, Settings

if TYPE_CHECKING:
    from handbook.charts.spec import Chart
    from handbook.data.load import Tables
    from handbook.numbers.spec import NumberSpec

# What the stage last did well, in the build folder (not in charts/, which the preview watches).
DIGESTS = ".dane.json"
_ENGINE = Path(__file__).resolve().parent
# The libraries whose behaviour the results depend on, by the digest they belong to.
_VALIDATION_LIBRARIES = ("frictionless", "pandas", "numpy", "pydantic")
_CHART_LIBRARIES = ("matplotlib",)
# `import handbook.x`, `from handbook.x import y`, `from handbook import y` (y may be a module).
_IMPORT = re.compile(r"^\s*(?:from|import)\s+handbook((?:\.\w+)*)(?:\s+import\s+(\([^)]*\)|[^\n]*))?", re.M)


@dataclass(frozen=True)
class Declarations:
    """What the book declares on top of its data: numbers and charts."""

    numbers: dict[str, NumberSpec]
    charts: dict[str, Chart]


@dataclass(frozen=True)
class Digests:
    """Content hashes of what validation reads, and of what the charts and the numbers are made
    from (which includes the first); None: not to be known (a special file), never trusted."""

    data: str | None
    charts: str | None
    numbers: str | None


def load_declarations(
    settings: Settings, tables: Tables, *, charts: bool = True, numbers: bool = True
) -> Declarations:
    """Every declaration file checked against the data; all problems of all files at once.

    *charts*, *numbers* False: that file is left out (its products are up to date).
    """
    errors: list[HandbookError] = []
    declared = Declarations({}, {})
    if numbers:
        from handbook.numbers.spec import load_numbers

        try:
            declared = replace(declared, numbers=load_numbers(settings, tables))
        except HandbookError as error:
            errors.append(error)
    if charts:
        from handbook.charts.spec import load_charts

        try:
            declared = replace(declared, charts=load_charts(settings, tables))
        except HandbookError as error:
            errors.append(error)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        problems = [p for error in errors for p in error.problems]
        raise HandbookError(f"Deklaracje liczb i wykresów zawierają błędy ({len(problems)}):", problems)
    return declared


def prepare_data(
    settings: Settings, *, validate: bool = True, charts: bool = True, numbers: bool = True
) -> tuple[Tables, RunReport]:
    """Everything Sphinx reads from the data: chart SVGs, their manifest and liczby.json.

    ``update_data`` may leave out what is up to date: the validation of data that passed it
    unchanged (*validate*), the charts (*charts*: matplotlib is not even imported), the numbers.
    The digests are stored after a good run, and only if no input changed while it ran.
    """
    from handbook.data.load import load_tables

    before = digests(settings)
    tables = load_tables(settings, validate=validate)
    declared = load_declarations(settings, tables, charts=charts, numbers=numbers)
    # Forgotten before the first write: a run that fails half-way leaves outputs no digest
    # vouches for. (A refusal before here leaves _build as it was, byte for byte.)
    stored = _stored(settings)
    _store(
        settings,
        replace(
            stored, charts=None if charts else stored.charts, numbers=None if numbers else stored.numbers
        ),
    )
    report = RunReport((), tuple(read_manifest(settings.charts_dir)))
    if charts:
        from handbook.charts.runner import render_charts

        report = render_charts(settings, tables, declared.charts)
    if numbers:
        from handbook.numbers.compute import compute_all, write_numbers

        write_numbers(compute_all(declared.numbers, tables), settings.charts_dir)
    if digests(settings) == before:
        _store(settings, before)
    return tables, report


def update_data(settings: Settings) -> tuple[Tables, RunReport] | None:
    """The data stage for what changed since its last good run; None when nothing did (nothing done)."""
    now, stored = digests(settings), _stored(settings)
    charts = now.charts is None or now.charts != stored.charts or not _charts_present(settings)
    numbers = now.numbers is None or now.numbers != stored.numbers
    numbers = numbers or not (settings.charts_dir / NUMBERS_JSON).is_file()
    if not charts and not numbers:
        return None
    validate = now.data is None or now.data != stored.data
    return prepare_data(settings, validate=validate, charts=charts, numbers=numbers)


def digests(settings: Settings) -> Digests:
    """The digests of the book's inputs now: files, settings, engine code and library versions."""
    data = _digest(
        _tree(settings.data_dir),
        _files(settings.root, [SETTINGS_FILE]),
        _code("handbook.data.load"),
        _versions(_VALIDATION_LIBRARIES),
    )
    if data is None:
        return Digests(None, None, None)
    charts = _digest(
        iter([data.encode()]),
        _files(settings.root, [settings.charts_file, *_custom_charts(settings)]),
        _code("handbook.charts.runner"),
        _versions(_CHART_LIBRARIES),
    )
    numbers = _digest(
        iter([data.encode()]),
        _files(settings.root, [settings.numbers_file]),
        _code("handbook.numbers.compute", "handbook.numbers.spec"),
    )
    return Digests(data, charts, numbers)


def code_files(*modules: str) -> list[Path]:
    """The engine's source files of *modules* and of what they import, directly or through
    others (imports inside functions included)."""
    found: list[Path] = []
    pending = list(modules)
    while pending:
        name = pending.pop()
        path = _module_file(name)
        if path is None or path in found:
            continue
        found.append(path)
        pending.append(name.rpartition(".")[0])  # its package's __init__ runs first
        for match in _IMPORT.finditer(path.read_text(encoding="utf-8")):
            base = "handbook" + match.group(1)
            pending.append(base)
            names = match.group(2) or ""
            pending += [f"{base}.{name}" for name in re.findall(r"\w+", names)]
    return found


def _module_file(module: str) -> Path | None:
    relative = Path(*module.split(".")[1:])
    for path in (_ENGINE / relative / "__init__.py", (_ENGINE / relative).with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _code(*modules: str) -> Iterator[bytes]:
    """The source of *modules* and what they import, and of this module (it decides what is redone)."""
    for path in dict.fromkeys([_ENGINE / "pipeline.py", *code_files(*modules)]):
        yield path.relative_to(_ENGINE).as_posix().encode() + b"\0" + path.read_bytes()


def _versions(libraries: tuple[str, ...]) -> Iterator[bytes]:
    yield sys.version.encode()
    for name in libraries:
        try:
            yield f"{name}=={metadata.version(name)}".encode()
        except metadata.PackageNotFoundError:
            yield f"{name}: -".encode()


def _tree(folder: Path) -> Iterator[bytes | None]:
    """Every file of *folder*, by name; None for anything but a plain file (a pipe would block)."""
    if not folder.is_dir():
        yield None
        return
    for top, dirs, names in os.walk(folder):
        dirs.sort()
        # A linked folder is not walked into: where it leads is part of the digest.
        linked = [name for name in dirs if Path(top, name).is_symlink()]
        yield from _files(folder, [Path(top, name) for name in sorted([*names, *linked])])


def _files(root: Path, paths: list[Path]) -> Iterator[bytes | None]:
    for path in paths:
        path = root / path
        name = os.fsencode(path.relative_to(root) if path.is_relative_to(root) else path)
        if path.is_symlink():
            name += b" -> " + os.fsencode(os.readlink(path))
        if not path.exists():
            yield name + b"\0-"
        elif path.is_dir() and path.is_symlink():
            yield name
        elif not path.is_file():
            yield None
        else:
            try:
                yield name + b"\0" + path.read_bytes()
            except OSError:
                yield None  # the stage itself says what is wrong with it


def _custom_charts(settings: Settings) -> list[Path]:
    """The book's own chart modules named in the chart declarations (``plik``)."""
    try:
        declared = tomllib.loads(settings.charts_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return [settings.charts_file]  # unreadable: the stage reports it; hashed as it is
    files = [entry.get("plik") for entry in declared.values() if isinstance(entry, dict)]
    return [settings.root / f for f in files if isinstance(f, str)]


def _digest(*parts: Iterator[bytes | None]) -> str | None:
    digest = hashlib.sha256()
    for group in parts:
        for part in group:
            if part is None:
                return None
            digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _charts_present(settings: Settings) -> bool:
    """Whether the manifest and every chart file it names are there (a deleted SVG is drawn again)."""
    out = settings.charts_dir
    if not (out / MANIFEST).is_file():
        return False
    files = [f for entry in read_manifest(out).values() for f in (entry.file, narrow_file(entry.file))]
    return all((out / f).is_file() for f in files)


def _stored(settings: Settings) -> Digests:
    try:
        raw = json.loads((settings.build_dir / DIGESTS).read_text(encoding="utf-8"))
        return Digests(raw.get("dane"), raw.get("wykresy"), raw.get("liczby"))
    except (OSError, ValueError, AttributeError):
        return Digests(None, None, None)


def _store(settings: Settings, digests: Digests) -> None:
    settings.build_dir.mkdir(parents=True, exist_ok=True)
    path = settings.build_dir / DIGESTS
    text = json.dumps({"dane": digests.data, "wykresy": digests.charts, "liczby": digests.numbers}) + "\n"
    if digests == _stored(settings):
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
