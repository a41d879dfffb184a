"""The handbook command: Polish help, exit codes 0/1/2, no traceback for a user mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import copy_project


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "handbook.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_help_is_polish():
    result = run("--help")
    assert result.returncode == 0
    assert "Użycie:" in result.stdout
    for command in ("wykresy", "buduj", "podglad"):
        assert command in result.stdout
    sub = run("buduj", "--help")
    assert sub.returncode == 0 and "pokaż tę pomoc" in sub.stdout


def test_usage_error_exits_2():
    result = run("nieznane")
    assert result.returncode == 2
    assert "błąd" in result.stderr


def test_bad_data_exits_1_without_traceback(tmp_path):
    project = copy_project(tmp_path / "p")
    csv = project / "data" / "gminy.csv"
    csv.write_text(
        csv.read_text(encoding="utf-8").replace("Modrzew,18400", "Modrzew,osiemnaście"), encoding="utf-8"
    )
    result = run("--katalog", str(project), "wykresy")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "gminy.csv:2: kolumna „ludnosc”: wartość „osiemnaście” powinna być liczbą" in result.stderr
    assert not (project / "_build" / "charts").exists()


def test_build_reports_stage_times_and_output(tmp_path):
    project = copy_project(tmp_path / "p")
    result = run("--katalog", str(project), "buduj")
    assert result.returncode == 0, result.stderr
    assert "dane, wykresy i liczby do tekstu:" in result.stdout
    assert "strona HTML (Sphinx):" in result.stdout and "kompilacja Typst" in result.stdout
    assert (project / "_build" / "html" / "rozdzial.html").exists()


def _digest(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_corrupted_data_leaves_the_last_good_build_byte_identical(tmp_path):
    project = copy_project(tmp_path / "p")
    assert run("--katalog", str(project), "buduj").returncode == 0
    build = project / "_build"
    before = _digest(build)
    assert any(name.endswith(".pdf") for name in before) and "html/index.html" in before
    csv = project / "data" / "wolontariusze.csv"
    csv.write_text(
        csv.read_text(encoding="utf-8").replace("W04,Jarzębiny", "W04,Jarzebiny"), encoding="utf-8"
    )
    result = run("--katalog", str(project), "buduj")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "wolontariusze.csv:5: kolumna „gmina”: wartość „Jarzebiny” nie występuje w pliku gminy.csv"
        in result.stderr
    )
    after = _digest(build)
    assert after.keys() - {".lock"} == before.keys() - {".lock"}
    assert all(after[k] == before[k] for k in before if k != ".lock")


def test_a_declaration_mistake_stops_the_build_with_its_line_and_keeps_the_last_build(tmp_path):
    project = copy_project(tmp_path / "p")
    assert run("--katalog", str(project), "buduj").returncode == 0
    build = project / "_build"
    before = _digest(build)
    charts = project / "conf" / "wykresy.toml"
    charts.write_text(
        charts.read_text(encoding="utf-8").replace('kolumna = "obecni"', 'kolumna = "obecny"', 1),
        encoding="utf-8",
    )
    numbers = project / "conf" / "liczby.toml"
    numbers.write_text(
        numbers.read_text(encoding="utf-8").replace('agregacja = "średnia"', 'agregacja = "mediana"', 1),
        encoding="utf-8",
    )
    result = run("--katalog", str(project), "buduj")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = next(
        n for n, text in enumerate(charts.read_text(encoding="utf-8").splitlines(), 1) if "obecny" in text
    )
    assert (
        f"conf/wykresy.toml:{line}: pole „wolontariusze_gminy.serie.2.kolumna”: nie ma kolumny „obecny”"
        in result.stderr
    )
    assert "conf/liczby.toml:" in result.stderr and "(jest: „mediana”)" in result.stderr
    after = _digest(build)
    assert all(after[k] == before[k] for k in before if k != ".lock")
