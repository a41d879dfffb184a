"""Run Sphinx into a staging folder and publish the result only if it is free of warnings."""

from __future__ import annotations

import fcntl
import io
import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from handbook.build.messages import translate
from handbook.settings import Settings
from handbook.site.html import PDF_FOLDER

# conf.py and docutils.conf (Polish quotation marks) are the engine's, the same for every book.
ENGINE_CONF_DIR = Path(__file__).resolve().parent
# How the engine's conf.py learns which book it configures.
ROOT_VARIABLE = "HANDBOOK_ROOT"


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    warnings: tuple[str, ...]
    outdir: Path
    timings: dict[str, float] = field(default_factory=dict)


class _Warnings(io.StringIO):
    """Collect Sphinx's warnings in Polish and show each as it happens."""

    def __init__(self, echo: TextIO | None, root: Path) -> None:
        super().__init__()
        self._echo = echo
        self._root = f"{root}/"

    def write(self, text: str) -> int:
        # Paths relative to the project root: "handbook/03-....md:12: ..." is what authors open.
        lines = [translate(line).replace(self._root, "", 1) for line in text.splitlines() if line.strip()]
        polish = "".join(line + "\n" for line in lines)
        if self._echo is not None:
            self._echo.write(polish)
        return super().write(polish)


@contextmanager
def _exclusive(settings: Settings) -> Iterator[None]:
    """One build at a time per project: a second one (another terminal, the preview) waits."""
    settings.build_dir.mkdir(parents=True, exist_ok=True)
    with (settings.build_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_site(settings: Settings, builder: str = "html", echo: bool = True) -> BuildResult:
    with _exclusive(settings):
        return _build_site(settings, builder, echo)


def _build_site(settings: Settings, builder: str, echo: bool) -> BuildResult:
    """Build with *builder*; on any warning keep the previous output and doctrees untouched.

    Sphinx does not repeat a warning for a document it does not re-read, so a failed build's
    environment must never be reused: both the output and the doctrees are built in staging
    copies and swapped in together only after a clean build.
    """
    from sphinx.errors import SphinxError  # heavy import, only when building

    final_out = settings.build_dir / builder
    final_doctrees = settings.doctrees_dir
    staging = settings.build_dir / ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    out, doctrees = staging / builder, staging / "doctrees"
    for source, target in ((final_out, out), (final_doctrees, doctrees)):
        if source.exists():
            shutil.copytree(source, target, copy_function=shutil.copy2)
    warnings = _Warnings(sys.stderr if echo else None, settings.root)
    try:
        statuscode = run_sphinx(settings, builder, out, doctrees, warnings)
    except SphinxError as error:
        # A broken template or configuration: reported like any other problem, in Polish,
        # and the previous output stays.
        warnings.write(f"(konfiguracja): Sphinx przerwał budowanie: {error}\n")
        return BuildResult(False, (f"Sphinx przerwał budowanie: {error}",), final_out)
    if builder == "html" and statuscode == 0 and not warnings.getvalue().strip():
        _finish_site(settings, out, warnings)
    lines = tuple(line for line in warnings.getvalue().splitlines() if line.strip())
    ok = statuscode == 0 and not lines
    if ok:
        _swap(out, final_out)
        _swap(doctrees, final_doctrees)
        shutil.rmtree(staging, ignore_errors=True)
    # On failure the staging copy stays for inspection; the next build starts by removing it.
    return BuildResult(ok, lines, final_out)


def run_sphinx(settings: Settings, builder: str, outdir: Path, doctrees: Path, warning: TextIO) -> int:
    """One incremental Sphinx build of the project; returns Sphinx's status code."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    # As sphinx-build does: docutils' global registries are restored afterwards, so several
    # builds can run in one process (the tests, a preview server).
    os.environ[ROOT_VARIABLE] = str(settings.root)
    with patch_docutils(str(ENGINE_CONF_DIR)), docutils_namespace():
        app = Sphinx(
            srcdir=settings.source_dir,
            confdir=ENGINE_CONF_DIR,
            outdir=outdir,
            doctreedir=doctrees,
            buildername=builder,
            status=None,
            warning=warning,
            freshenv=False,
        )
        app.build()
        return int(app.statuscode)


def _finish_site(settings: Settings, out: Path, warnings: io.StringIO) -> None:
    """What the site needs beyond Sphinx: the search index and the printed book to download."""
    from handbook.site.search import index_site

    if settings.pdf_file.exists():
        target = out / PDF_FOLDER
        target.mkdir(exist_ok=True)
        shutil.copyfile(settings.pdf_file, target / settings.pdf_file.name)
    problem = index_site(out)
    if problem:
        warnings.write(f"(wyszukiwarka): Pagefind nie zbudował indeksu: {problem}\n")


def _swap(new: Path, final: Path) -> None:
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def build_pdf(settings: Settings, echo: bool = True) -> BuildResult:
    """Build the Typst book and publish ``_build/pdf/<name>.pdf`` only if it compiled cleanly."""
    from handbook.pdf.builder import TIMINGS

    result = build_site(settings, "typst", echo=echo)
    if not result.ok:
        return BuildResult(False, result.warnings, settings.pdf_file)
    compiled = result.outdir / settings.pdf_file.name
    settings.pdf_dir.mkdir(parents=True, exist_ok=True)
    for stale in settings.pdf_dir.glob("*.pdf"):  # exactly one PDF, even after a rename
        if stale.name != settings.pdf_file.name:
            stale.unlink()
    tmp = settings.pdf_file.with_suffix(".pdf.tmp")
    shutil.copyfile(compiled, tmp)
    os.replace(tmp, settings.pdf_file)
    timings = json.loads((result.outdir / TIMINGS).read_text(encoding="utf-8"))
    return BuildResult(True, result.warnings, settings.pdf_file, timings)
