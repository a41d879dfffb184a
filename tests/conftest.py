"""Shared fixtures: the real project, and tiny projects built from tests/roots/<case>."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from handbook.data.load import Tables, load_tables
from handbook.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(REPO)


@pytest.fixture(scope="session")
def tables(settings: Settings) -> Tables:
    return load_tables(settings)


def copy_project(target: Path, case: str | None = None) -> Path:
    """A project in *target*: the case's own files over the real conf/, data/ and handbook/.

    A case folder holds only what differs, so each test root stays a few lines long.
    """
    for part in ("conf", "data"):
        shutil.copytree(REPO / part, target / part, ignore=shutil.ignore_patterns("*.mo"))
    if case is None:
        shutil.copytree(REPO / "handbook", target / "handbook")
    else:
        shutil.copytree(ROOTS / case, target, dirs_exist_ok=True)
    return target


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[str | None], Settings]:
    def make(case: str | None = None) -> Settings:
        return load_settings(copy_project(tmp_path / "project", case))

    return make
