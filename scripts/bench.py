"""Benchmark of the pipeline (prints seconds; `make bench`). Works on throw-away copies.

- HTML: clean build, no-op rebuild, rebuild after editing one chapter.
- PDF: clean build (Sphinx + Typst), with the Typst stages separately.
- Where `lualatex` is installed: Sphinx's own LaTeX route on the same sources, and the ratio.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HANDBOOK = BIN / "handbook"


def copy_project(target: Path) -> Path:
    for part in ("conf", "data", "handbook"):
        shutil.copytree(ROOT / part, target / part, ignore=shutil.ignore_patterns("*.mo"))
    return target


def run(project: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(HANDBOOK), "-q", "--katalog", str(project), *args], check=True)
    return time.perf_counter() - start


def measure(repeats: int, step: Callable[[Path], dict[str, float]]) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            for name, seconds in step(copy_project(Path(tmp))).items():
                results.setdefault(name, []).append(seconds)
    return results


def html_steps(project: Path) -> dict[str, float]:
    times = {"HTML: czysty build (dane, wykresy, Sphinx)": run(project, "buduj", "--html")}
    times["HTML: ponowny build bez zmian"] = run(project, "buduj", "--html")
    chapter = project / "handbook" / "03-informacja-i-rekrutacja.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nDopisany akapit.\n", encoding="utf-8")
    times["HTML: po zmianie jednego rozdziału"] = run(project, "buduj", "--html")
    return times


def pdf_steps(project: Path) -> dict[str, float]:
    times = {"PDF: czysty build (dane, wykresy, Sphinx, Typst)": run(project, "buduj", "--pdf")}
    stages = json.loads((project / "_build" / "typst" / "czasy.json").read_text(encoding="utf-8"))
    times["PDF:   w tym generowanie źródła Typst"] = stages["typst_source"]
    times["PDF:   w tym kompilacja Typst (PDF/UA-1 + PDF/A-2a)"] = stages["typst_compile"]
    return times


def latex_steps(project: Path) -> dict[str, float]:
    run(project, "wykresy")
    out = project / "_build" / "latex"
    start = time.perf_counter()
    subprocess.run(
        [
            str(BIN / "sphinx-build"),
            "-q",
            "-b",
            "latex",
            "-c",
            str(project / "conf"),
            str(project / "handbook"),
            str(out),
        ],
        check=True,
    )
    tex = next(out.glob("*.tex"))
    for _ in range(2):  # table of contents and references need two passes
        subprocess.run(
            ["lualatex", "-interaction=nonstopmode", tex.name], cwd=out, capture_output=True, check=False
        )
    return {"LaTeX (Sphinx + 2× lualatex)": time.perf_counter() - start}


def report(results: dict[str, list[float]]) -> None:
    for name, values in results.items():
        print(f"{name:<56}{statistics.median(values):>10.2f}{min(values):>10.2f}")


def main(repeats: int = 3) -> None:
    print(f"{'etap':<56}{'mediana [s]':>10}{'min [s]':>10}")
    report(measure(repeats, html_steps))
    pdf = measure(repeats, pdf_steps)
    report(pdf)
    if shutil.which("lualatex"):
        latex = measure(1, latex_steps)
        report(latex)
        typst_total = statistics.median(next(iter(pdf.values())))
        ratio = statistics.median(next(iter(latex.values()))) / typst_total
        print(f"LaTeX / Typst: {ratio:.1f}×")
    else:
        print("lualatex nie jest zainstalowany: porównanie z drogą LaTeX pominięto.")


if __name__ == "__main__":
    main()
