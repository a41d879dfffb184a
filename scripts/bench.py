"""Benchmark of the user's commands (`make bench`): wall time and peak memory of whole processes.

- The book (`--katalog`, this repository's by default), a fresh copy each run: a clean `make`
  (data, charts, HTML and PDF), a no-op `make`, and `make` after editing one chapter.
- Synthetic books of 10, 50, 100 and 200 chapters (scripts/bench_book.py), each stage as its own
  process: `handbook wykresy`, `buduj --pdf`, `buduj --html`, and `buduj --html` after an edit.
- The PDF against Sphinx's LaTeX route (scripts/bench_latex.py), runs interleaved, with the ratio.

Peak memory is ru_maxrss from wait4: the largest single process of the command's tree (make,
handbook, Pagefind, lualatex…), not their sum. Every failure stops the bench with the command
and the end of its output; the LaTeX route's is reported and the bench exits with an error.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import bench_book
import bench_latex

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent.parent
HANDBOOK = VENV / "bin" / "handbook"
LATEX_TOOLS = ("lualatex", "latexmk", "xindy", "rsvg-convert", "make")
TEX_PACKAGES = (
    "texlive-luatex texlive-latex-recommended texlive-latex-extra texlive-lang-polish "
    "texlive-fonts-recommended latexmk xindy librsvg2-bin fonts-freefont-otf tex-gyre"
)
EDIT = "\nAkapit dopisany przez pomiar: jedna zmiana w jednym rozdziale.\n"


@dataclass(frozen=True)
class Sample:
    seconds: float
    rss_mb: float

    def __add__(self, other: Sample) -> Sample:
        return Sample(self.seconds + other.seconds, max(self.rss_mb, other.rss_mb))


@dataclass
class Row:
    name: str
    samples: list[Sample] = field(default_factory=list)

    def median(self) -> Sample:
        return Sample(
            statistics.median(s.seconds for s in self.samples),
            statistics.median(s.rss_mb for s in self.samples),
        )


class CommandFailed(Exception):
    def __init__(self, command: list[str], code: int, output: str) -> None:
        super().__init__(f"polecenie „{' '.join(command)}” zakończyło się kodem {code}")
        self.output = output


def run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Sample:
    """Run a command to its end; its wall time and the peak RSS of its largest process."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        if code:
            log.seek(0)
            tail = log.read().decode("utf-8", errors="replace").splitlines()[-25:]
            raise CommandFailed(command, code, "\n".join(tail))
    return Sample(seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def make(book: Path) -> list[str]:
    # The venv is the one running this bench: `-o` keeps a newer pyproject.toml from
    # reinstalling it in the middle of a measured build.
    stamp = VENV / ".installed"
    return ["make", "-C", str(ROOT), f"BOOK={book}", f"VENV={VENV}", "-o", str(stamp)]


def handbook(book: Path, *args: str) -> list[str]:
    return [str(HANDBOOK), "-q", "--katalog", str(book), *args]


def edit_chapter(book: Path, position: float = 0.5) -> None:
    """Append a paragraph to one chapter (the one at `position` of the numbered toctree)."""
    pages = book / "handbook"
    chapters = bench_book.chapters_of((pages / "index.md").read_text(encoding="utf-8"))
    chapter = pages / f"{chapters[int(position * (len(chapters) - 1))]}.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + EDIT, encoding="utf-8")


@contextmanager
def book_copy(source: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="pomiar-") as tmp:
        for part in ("conf", "data", "handbook"):
            shutil.copytree(source / part, Path(tmp) / part, ignore=shutil.ignore_patterns("_build"))
        yield Path(tmp)


@contextmanager
def synthetic_book(source: Path, chapters: int) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"pomiar-{chapters}-") as tmp:
        bench_book.generate(chapters, Path(tmp) / "ksiazka", source)
        yield Path(tmp) / "ksiazka"


def progress(text: str) -> None:
    print(f"… {text}", file=sys.stderr, flush=True)


Steps = Callable[[Path], dict[str, Sample]]


def measure(repeats: int, setup: Callable[[], AbstractContextManager[Path]], steps: Steps) -> dict[str, Row]:
    """`repeats` runs of `steps`, each on a fresh book from `setup`: a row per step."""
    rows: dict[str, Row] = {}
    for number in range(repeats):
        progress(f"przebieg {number + 1} z {repeats}")
        with setup() as book:
            for name, sample in steps(book).items():
                rows.setdefault(name, Row(name)).samples.append(sample)
    return rows


def make_steps(book: Path) -> dict[str, Sample]:
    times = {"make: czysty build (dane, wykresy, HTML, PDF)": run(make(book))}
    times["make: ponownie, bez zmian"] = run(make(book))
    edit_chapter(book)
    times["make: po zmianie jednego rozdziału"] = run(make(book))
    return times


def synthetic(source: Path, chapters: int, repeats: int) -> tuple[str, dict[str, Row]]:
    """Each stage of a synthetic book's build as its own process; the title names its PDF's pages."""
    label, pages = f"{chapters} rozdz.", []

    def steps(book: Path) -> dict[str, Sample]:
        times = {f"{label}: dane i wykresy": run(handbook(book, "wykresy"))}
        times[f"{label}: PDF (Sphinx + Typst)"] = run(handbook(book, "buduj", "--pdf"))
        times[f"{label}: HTML (Sphinx + Pagefind)"] = run(handbook(book, "buduj", "--html"))
        pages.append(pdf_pages(book))
        edit_chapter(book)
        times[f"{label}: HTML po zmianie rozdziału"] = run(handbook(book, "buduj", "--html"))
        return times

    progress(f"książka syntetyczna: {chapters} rozdziałów")
    rows = measure(repeats, lambda: synthetic_book(source, chapters), steps)
    return f"książka syntetyczna: {chapters} rozdziałów, {pages[-1]} stron PDF", rows


def pdf_pages(book: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(next((book / "_build" / "pdf").glob("*.pdf"))).pages)


def typst_route(book: Path) -> Sample:
    return run(handbook(book, "buduj", "--pdf"))


def latex_route(book: Path) -> Sample:
    """Sphinx's LaTeX builder and `make all-pdf` (latexmk, lualatex, xindy) on a book with charts."""
    conf = bench_latex.conf_for_latex(book / "_build" / "latex-conf")
    out = book / "_build" / "latex"
    env = {**os.environ, "HANDBOOK_ROOT": str(book)}
    sphinx = [str(VENV / "bin" / "sphinx-build"), "-q", "-W", "-b", "latex", "-c", str(conf)]
    build = run([*sphinx, str(book / "handbook"), str(out)], env=env)
    return build + run(["make", "-C", str(out), "all-pdf"])


def compare_latex(source: Path, repeats: int, rows: dict[str, Row]) -> str | None:
    """Typst and LaTeX runs interleaved (A B A B…); the problem in Polish, or None."""
    missing = [tool for tool in LATEX_TOOLS if not shutil.which(tool)]
    if missing:
        return (
            f"Wiersz LaTeX pominięto: brak programów {', '.join(missing)} "
            f"(Debian: apt install --no-install-recommends {TEX_PACKAGES})."
        )
    typst, latex = (
        Row("PDF: handbook buduj --pdf (Typst)"),
        Row("PDF: Sphinx + LuaLaTeX (B5, xindy, SVG→PDF)"),
    )
    for number in range(repeats):
        progress(f"Typst i LaTeX, przebieg {number + 1} z {repeats}")
        for row, route in ((typst, typst_route), (latex, latex_route)):
            with book_copy(source) as book:
                run(handbook(book, "wykresy"))
                try:
                    row.samples.append(route(book))
                except CommandFailed as failure:
                    return f"Droga LaTeX nie powiodła się: {failure}. Koniec wyjścia:\n{failure.output}"
    rows[typst.name], rows[latex.name] = typst, latex
    ratio = latex.median().seconds / typst.median().seconds
    return f"LaTeX / Typst (mediany, przebiegi na przemian): {ratio:.1f}×"


def print_section(title: str, rows: dict[str, Row]) -> None:
    """One part of the table, printed as soon as it is measured (the whole bench takes minutes)."""
    print(f"— {title}")
    for row in rows.values():
        median, fastest = row.median(), min(s.seconds for s in row.samples)
        print(
            f"{row.name:<58}{median.seconds:>12.2f}{fastest:>9.2f}{median.rss_mb:>10.0f}{len(row.samples):>3}"
        )
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description="Pomiar czasu i pamięci budowania podręcznika.")
    parser.add_argument("--katalog", type=Path, default=ROOT, help="podręcznik (domyślnie ten)")
    parser.add_argument("--rozdzialy", default="10,50,100,200", help="rozmiary książek syntetycznych")
    parser.add_argument("--powtorzenia", type=int, default=3, help="przebiegi małych przypadków")
    args = parser.parse_args()
    source = args.katalog.resolve()

    print(f"{'pomiar':<58}{'mediana [s]':>12}{'min [s]':>9}{'RSS [MB]':>10}{'n':>3}")
    progress("make na kopii podręcznika")
    rows = measure(args.powtorzenia, lambda: book_copy(source), make_steps)
    print_section("podręcznik, świeża kopia, środowisko Pythona gotowe", rows)
    for chapters in (int(n) for n in args.rozdzialy.split(",") if n):
        # The large books once each: a run of 200 chapters takes minutes.
        print_section(*synthetic(source, chapters, args.powtorzenia if chapters <= 50 else 1))
    rows = {}
    verdict = compare_latex(source, args.powtorzenia, rows)
    if rows:
        print_section("PDF: Typst i LaTeX na tych samych źródłach", rows)
    if verdict:
        print(verdict)
    return 1 if verdict and verdict.startswith("Droga LaTeX") else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CommandFailed as failure:
        print(f"Pomiar przerwany: {failure}. Koniec wyjścia:\n{failure.output}", file=sys.stderr)
        sys.exit(1)
