"""The handbook command: Polish help, exit codes 0/1/2, no traceback for a user mistake."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adversarial import ENGLISH, append, built_book, digest
from adversarial import run as adversarial_run
from conftest import REPO, copy_project
from handbook.build.messages import translate


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


# --- the output folder is a file ------------------------------------------------------------


def test_a_file_where_the_output_folder_belongs_is_named(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "_build").write_text("nie folder", encoding="utf-8")
    result = run("--katalog", str(project), "buduj")
    assert result.returncode == 1, result.stderr
    assert "_build: to plik, a nie folder" in result.stderr and "mv _build _build.bak" in result.stderr
    assert "tylko do odczytu" not in result.stderr and "Traceback" not in result.stderr
    assert (project / "_build").read_text(encoding="utf-8") == "nie folder"


# --- make checks BOOK before it tries anything -----------------------------------------------

MAKE = ("make", "-s", "-C", str(REPO), "-o", ".venv/.installed")


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")}
    return subprocess.run([*MAKE, *args], capture_output=True, text=True, timeout=60, env=env)


def test_make_with_a_book_folder_that_has_a_space(tmp_path):
    spaced = tmp_path / "mój podręcznik"
    spaced.mkdir()
    result = _make(f"BOOK={spaced}")
    assert result.returncode == 2
    assert "ma w nazwie spację" in result.stderr and "dowiązanie bez spacji" in result.stderr, result.stderr
    assert "No rule" not in result.stderr and not (spaced / "_build").exists()


def test_make_with_a_missing_book(tmp_path):
    result = _make(f"BOOK={tmp_path / 'nie-ma'}")
    assert result.returncode == 2
    assert f"W folderze „{tmp_path / 'nie-ma'}” nie ma podręcznika" in result.stderr, result.stderr
    assert "handbook nowy-podrecznik" in result.stderr and "No rule" not in result.stderr
    # What needs no book still works.
    assert _make("help", f"BOOK={tmp_path / 'nie-ma'}").returncode == 0
    assert _make("clean", f"BOOK={tmp_path / 'nie-ma'}").returncode == 0


# --- Ctrl+C at any moment, during the imports too -------------------------------------------


def _interpreter_start() -> float:
    """Seconds from starting Python to its running the first line of a program (the slowest of
    three): `python -m` also compiles the module first, as the command does."""
    times = []
    for _ in range(3):
        begin = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import os, sys, contextlib"], check=True)
        times.append(time.perf_counter() - begin)
    return max(times) + 0.005


@pytest.mark.parametrize(
    "command",
    [[sys.executable, "-m", "handbook.cli"], [str(Path(sys.executable).parent / "handbook")]],
    ids=["python-m", "handbook"],
)
def test_an_early_interrupt_ends_in_polish(tmp_path, command):
    if not Path(command[0]).exists():
        pytest.skip("no `handbook` console script next to this Python")
    project = copy_project(tmp_path / "p")
    env = {k: v for k, v in os.environ.items() if k != "HANDBOOK_ROOT"}
    # From the first line of handbook/cli.py on; before it the interpreter is still starting
    # (about 20 ms here), where no program can catch a signal. Measured on this machine, now.
    start = _interpreter_start()
    for delay, signum in [
        (0.005, signal.SIGINT),
        (0.03, signal.SIGINT),
        (0.08, signal.SIGINT),
        (0.18, signal.SIGINT),
        (0.33, signal.SIGINT),
        (0.48, signal.SIGINT),
        (0.08, signal.SIGTERM),
        (0.28, signal.SIGTERM),
    ]:
        delay = round(start + delay, 3)
        process = subprocess.Popen(
            [*command, "--katalog", str(project), "buduj"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        time.sleep(delay)
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
        at = f"{signum.name} after {delay} s"
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, f"{at}:\n{err}"
        if signum == signal.SIGINT:
            assert process.returncode == 130, f"{at}: {process.returncode}\n{err}"
            assert "Przerwano" in err, f"{at}:\n{err}"
        else:  # before main() Python's default ends the process by the signal itself
            assert process.returncode in (143, -signal.SIGTERM), f"{at}: {process.returncode}\n{err}"


# --- Sphinx's messages in Polish --------------------------------------------------------------


def test_an_unused_footnote_is_named_by_its_label(tmp_path):
    project = built_book(tmp_path)
    before = digest(project)
    append(project / "handbook" / "rozdzial.md", "\nTekst.\n\n[^nieuzyty]: Przypis bez odwołania.\n")
    result = adversarial_run(project, "buduj")
    assert result.code == 1 and "Traceback" not in result.output
    line = (
        (project / "handbook" / "rozdzial.md")
        .read_text(encoding="utf-8")
        .splitlines()
        .index("[^nieuzyty]: Przypis bez odwołania.")
    )
    assert f"handbook/rozdzial.md:{line + 1}: przypis [^nieuzyty] jest zdefiniowany" in result.output
    assert "[^#]" not in result.output
    assert [m.group() for m in ENGLISH.finditer(result.output)] == [], result.output
    assert digest(project) == before


def test_footnote_without_a_readable_source_line_says_przypis_only():
    text = translate("handbook/nie-ma.md:3: WARNING: Footnote [#] is not referenced. [ref.footnote]")
    assert text.startswith("handbook/nie-ma.md:3: przypis zdefiniowany w tym wierszu nie jest nigdzie użyty")
    assert "[^#]" not in text


@pytest.mark.parametrize(
    ("english", "polish"),
    [
        ('Undefined substitution referenced: "rok".', "nieznane podstawienie „rok”"),
        ('Duplicate substitution definition name: "rok".', "podstawienie „rok” jest zdefiniowane dwa razy"),
        (
            "Citation [Kowalski] is not referenced.",
            "pozycja bibliografii [Kowalski] nie jest nigdzie cytowana",
        ),
        ('Duplicate implicit target name: "wstęp".', "tę samą nazwę „wstęp”"),
        ('Duplicate ID: "wstep".', "identyfikator „wstep” powtarza się"),
        (
            "image file handbook/a.png not readable: handbook/a.png",
            "nie można odczytać obrazu handbook/a.png",
        ),
        (
            "Failed to create a cross reference. A title or caption not found: 'tab'",
            "nie ma tytułu ani podpisu",
        ),
        (
            "toctree contains reference to document 'pusty' that doesn't have a title: "
            "no link will be generated",
            "rozdział „pusty” w spisie treści nie ma tytułu",
        ),
        ("duplicate citation Kowalski, other instance in handbook/a.md", "zdefiniowana dwa razy"),
        ("duplicate label of equation e1, other instance in handbook/a", "etykieta wzoru „e1” powtarza się"),
    ],
)
def test_likely_sphinx_messages_are_polish(english, polish):
    text = translate(f"/k/handbook/a.md:7: WARNING: {english} [docutils]")
    assert text.startswith("/k/handbook/a.md:7: ") and polish in text, text
    assert [m.group() for m in ENGLISH.finditer(text)] == [], text


def test_an_unknown_sphinx_message_keeps_its_words_behind_a_polish_prefix():
    text = translate("/k/handbook/a.md:7: WARNING: some brand new problem nobody translated [misc.new]")
    assert text == (
        "/k/handbook/a.md:7: Sphinx zgłosił problem (komunikat oryginalny, po angielsku): "
        "some brand new problem nobody translated [misc.new]"
    )
    # The engine's own messages are Polish already: no prefix.
    own = "/k/handbook/a.md:7: WARNING: obraz: nie ma pliku „x.png” [handbook.boundary]"
    assert translate(own) == "/k/handbook/a.md:7: obraz: nie ma pliku „x.png” [handbook.boundary]"


@pytest.mark.parametrize(
    ("line", "cause"),
    [
        (
            "WARNING: error writing file /k/_build/.staging/html/a.html: [Errno 28] No space left on device",
            28,
        ),
        ("WARNING: cannot copy static file OSError(28, 'No space left on device')", 28),
        ("WARNING: Typst nie złożył PDF: failed to write PDF file (os error 122)", 122),
        ("WARNING: error writing file /k/a.html: [Errno 30] Read-only file system: '/k/a.html'", 30),
        ("WARNING: error writing file /k/a.html: [Errno 13] Permission denied: '/k/a.html'", 13),
    ],
)
def test_a_failed_write_is_said_in_polish_once(line, cause):
    from handbook.build.messages import DISK_PROBLEMS
    from handbook.build.staging import Warnings

    warnings = Warnings(None, Path("/k"))
    warnings.write(f"{line}\n{line.replace('a.html', 'b.html')}\n")
    said = warnings.getvalue().splitlines()
    assert said == [
        f"(zapis wyników budowania): nie można zapisać plików podręcznika: {DISK_PROBLEMS[cause]}"
    ]
    assert warnings.disk_problem
    # Reading a file without rights is the book's problem, not the disk's.
    assert translate("[Errno 13] Permission denied: '/k/handbook/a.csv'").startswith(
        "  brak uprawnień do odczytu"
    )


def test_an_interrupt_a_library_turns_into_another_error_ends_as_stopped(capsys):
    # Ctrl+C while matplotlib's _image initialises reaches the command as
    # "ImportError: initialization failed", caused by the interrupt: said as a stop.
    import argparse

    from handbook import cli
    from handbook.processes import Stopped

    def failing_import(settings: object, args: object) -> int:
        try:
            raise Stopped(signal.SIGINT)
        except Stopped as stop:
            raise ImportError("initialization failed") from stop

    args = argparse.Namespace(func=failing_import, needs_settings=False, katalog=Path("."))
    assert cli._run(args) == 128 + signal.SIGINT
    assert "Przerwano (Ctrl+C)" in capsys.readouterr().err

    def finally_reads_an_unset_name(settings: object, args: object) -> int:
        # Sphinx's patch_docutils: the interrupt comes before its variable is set, and its
        # `finally` fails reading it.
        try:
            raise Stopped(signal.SIGHUP)
        finally:
            raise UnboundLocalError("cannot access local variable 'docutils_config'")

    args = argparse.Namespace(func=finally_reads_an_unset_name, needs_settings=False, katalog=Path("."))
    assert cli._run(args) == 128 + signal.SIGHUP
    assert "Przerwano" in capsys.readouterr().err

    def broken(settings: object, args: object) -> int:
        raise ImportError("no module named x")

    with pytest.raises(ImportError):
        cli._run(argparse.Namespace(func=broken, needs_settings=False, katalog=Path(".")))
