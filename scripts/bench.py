"""Benchmark of the pipeline: clean build, no-op rebuild and a one-chapter edit (prints seconds).

Run with `make bench`. Works on a throw-away copy of the project, so `_build/` is untouched.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANDBOOK = Path(sys.executable).parent / "handbook"


def timed(project: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(HANDBOOK), "-q", "--katalog", str(project), *args], check=True)
    return time.perf_counter() - start


def main(repeats: int = 3) -> None:
    clean, noop, edit = [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp)
            for part in ("conf", "data", "handbook"):
                shutil.copytree(ROOT / part, project / part, ignore=shutil.ignore_patterns("*.mo"))
            clean.append(timed(project, "buduj"))
            noop.append(timed(project, "buduj"))
            chapter = project / "handbook" / "03-informacja-i-rekrutacja.md"
            chapter.write_text(chapter.read_text(encoding="utf-8") + "\nDopisany akapit.\n", encoding="utf-8")
            edit.append(timed(project, "buduj"))
    print(f"{'etap':<38}{'mediana [s]':>12}{'min [s]':>10}")
    for name, values in (
        ("czysty build (wykresy + HTML)", clean),
        ("ponowny build bez zmian", noop),
        ("build po zmianie jednego rozdziału", edit),
    ):
        print(f"{name:<38}{statistics.median(values):>12.2f}{min(values):>10.2f}")


if __name__ == "__main__":
    main()
