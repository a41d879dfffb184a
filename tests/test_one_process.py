"""One build process: the data stage is skipped, or only its validation, by content hash."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import handbook.pipeline as pipeline
from conftest import copy_project
from handbook.data import load
from handbook.errors import HandbookError
from handbook.pipeline import code_files, digests, prepare_data, update_data
from handbook.settings import Settings, load_settings

ENGINE = Path(pipeline.__file__).parent
HEAVY = ("pandas", "matplotlib", "frictionless")


def products(settings: Settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(settings.charts_dir.iterdir())}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test book with its data stage run once."""
    root = copy_project(tmp_path_factory.mktemp("dane") / "book")
    prepare_data(load_settings(root))
    return root


@pytest.fixture
def book(built: Path, tmp_path: Path) -> Settings:
    """A copy of the book whose data stage is up to date, for one case to change."""
    return load_settings(shutil.copytree(built, tmp_path / "book", symlinks=True))


@pytest.fixture
def no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(load, "_validate_package", refused)


def imported(book: Settings) -> set[str]:
    """The top-level modules a `handbook wykresy` process imports (it must succeed)."""
    command = [sys.executable, "-X", "importtime", "-m", "handbook.cli", "--katalog", str(book.root)]
    result = subprocess.run([*command, "wykresy"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in result.stderr.splitlines()}


def test_a_second_run_with_nothing_changed_imports_no_data_library(book: Settings) -> None:
    before = products(book)
    assert imported(book).isdisjoint(HEAVY)
    assert products(book) == before


def test_new_numbers_are_computed_without_drawing_or_validating(book: Settings) -> None:
    book.numbers_file.write_text(book.numbers_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert imported(book).isdisjoint({"matplotlib", "frictionless"})
    assert update_data(book) is None


def test_a_second_run_with_nothing_changed_validates_nothing(book: Settings, no_validation: None) -> None:
    assert update_data(book) is None


def test_a_changed_declaration_redraws_without_validating_the_data(
    book: Settings, no_validation: None
) -> None:
    book.charts_file.write_text(
        book.charts_file.read_text(encoding="utf-8").replace('podpis = "', 'podpis = "Nowy: ', 1),
        encoding="utf-8",
    )
    done = update_data(book)
    assert done is not None and done[1].rendered
    assert update_data(book) is None


def test_a_changed_csv_is_validated_and_a_bad_one_keeps_the_outputs(book: Settings) -> None:
    before = products(book)
    data = book.data_dir / "gminy.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("18400", "dużo"), encoding="utf-8")
    with pytest.raises(HandbookError) as refused:
        update_data(book)
    assert "gminy.csv" in str(refused.value) and "„dużo”" in str(refused.value.problems)
    assert products(book) == before
    # Still refused the next time: a failed run never vouches for its inputs.
    with pytest.raises(HandbookError):
        update_data(book)


def test_a_deleted_chart_file_is_drawn_again(book: Settings) -> None:
    svg = next(book.charts_dir.glob("*.narrow.svg"))
    content = svg.read_bytes()
    svg.unlink()
    assert update_data(book) is not None
    assert svg.read_bytes() == content


def test_a_run_that_failed_half_way_is_not_trusted_after_a_revert(
    book: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handbook.numbers import compute

    def broken(*args: object) -> None:
        raise HandbookError("Liczby: błąd.", [])

    files = {path: path.read_text(encoding="utf-8") for path in (book.charts_file, book.numbers_file)}
    for path, text in files.items():
        path.write_text(text.replace('podpis = "', 'podpis = "Nowy: ', 1) + "\n", encoding="utf-8")
    with monkeypatch.context() as patched:
        patched.setattr(compute, "compute_all", broken)
        with pytest.raises(HandbookError):
            update_data(book)  # the charts are drawn anew, then the numbers fail
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    done = update_data(book)  # what the failed run left is not vouched for: drawn again
    assert done is not None and done[1].rendered
    assert update_data(book) is None


def test_a_refused_declaration_leaves_the_build_folder_as_it_was(book: Settings) -> None:
    before = {p: p.read_bytes() for p in sorted(book.build_dir.rglob("*")) if p.is_file()}
    good = book.charts_file.read_text(encoding="utf-8")
    book.charts_file.write_text(good + '\n[zepsuty]\npodpis = "x"\ntabela = "nie-ma"\n', encoding="utf-8")
    with pytest.raises(HandbookError):
        update_data(book)
    assert {p: p.read_bytes() for p in sorted(book.build_dir.rglob("*")) if p.is_file()} == before
    book.charts_file.write_text(good, encoding="utf-8")
    assert update_data(book) is None


def test_the_digests_cover_the_code_that_reads_the_data(
    make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = make_project()
    engine = tmp_path / "handbook"
    shutil.copytree(ENGINE, engine, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(pipeline, "_ENGINE", engine)
    first = digests(book)

    def edited(relative: str) -> pipeline.Digests:
        with (engine / relative).open("a", encoding="utf-8") as file:
            file.write("\n# changed\n")
        return digests(book)

    assert None not in (first.data, first.charts, first.numbers)
    after_rules = edited("data/rules.py")
    assert after_rules.data != first.data and after_rules.charts != first.charts
    after_draw = edited("charts/draw.py")
    assert (after_draw.data, after_draw.numbers) == (after_rules.data, after_rules.numbers)
    assert after_draw.charts != after_rules.charts
    after_numbers = edited("numbers/compute.py")
    assert after_numbers.charts == after_draw.charts and after_numbers.numbers != after_draw.numbers
    assert edited("sphinxext/parser.py") == after_numbers  # the site's code: not the data stage's


def test_the_digests_cover_the_settings_and_the_declarations(make_project) -> None:
    book = make_project()
    first = digests(book)
    settings_file = book.root / "conf" / "handbook.toml"
    settings_file.write_text(settings_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = digests(book)
    assert second.data != first.data
    book.numbers_file.write_text(book.numbers_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    third = digests(book)
    assert (third.data, third.charts) == (second.data, second.charts) and third.numbers != second.numbers


def test_every_module_of_the_data_stage_is_in_its_code() -> None:
    modules = (
        "handbook.pipeline",
        "handbook.charts.runner",
        "handbook.numbers.compute",
        "handbook.numbers.spec",
    )
    stage = {path.relative_to(ENGINE).as_posix() for path in code_files(*modules)}
    for package in ("data", "charts", "numbers"):
        for path in (ENGINE / package).glob("*.py"):
            assert path.relative_to(ENGINE).as_posix() in stage
    validation = {path.relative_to(ENGINE).as_posix() for path in code_files("handbook.data.load")}
    assert {"data/rules.py", "data/privacy.py", "settings.py", "declared.py"} <= validation
    assert not any(name.startswith("charts/") for name in validation)
