"""A chapter saved while Sphinx is reading it is read again by the next build (sphinxext/readtime)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from handbook.sphinxext.readtime import setup_readtime

FIRST = "Wersja pierwsza\n===============\n\nTekst zapisany przed budowaniem.\n"
SECOND = "Wersja druga\n============\n\nTekst zapisany w trakcie czytania.\n"


def _build(src: Path, out: Path, *, save_during_read: bool, with_fix: bool) -> str:
    """One incremental text build; optionally the chapter is saved right after Sphinx read it."""
    with docutils_namespace():
        app = Sphinx(
            src, None, out / "text", out / "doctrees", "text", status=None, warning=None, freshenv=False
        )
        if with_fix:
            setup_readtime(app)
        if save_during_read:

            def save(app: Sphinx, docname: str, source: list[str]) -> None:
                # Sphinx has the old text in hand; the author saves the new one now.
                (src / "index.rst").write_text(SECOND, encoding="utf-8")

            app.connect("source-read", save)
        app.build()
    return (out / "text" / "index.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("with_fix", [True, False], ids=["readtime", "plain-sphinx"])
def test_a_save_during_the_read_is_not_lost(tmp_path: Path, with_fix: bool) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("", encoding="utf-8")
    (src / "index.rst").write_text(FIRST, encoding="utf-8")
    out = tmp_path / "out"
    # The first build read the old text while the new one was being saved.
    assert "Tekst zapisany przed budowaniem." in _build(src, out, save_during_read=True, with_fix=with_fix)
    again = _build(src, out, save_during_read=False, with_fix=with_fix)
    if with_fix:
        assert "Tekst zapisany w trakcie czytania." in again
    else:
        # Sphinx alone keeps the stale page: the reason the engine has the fix.
        assert "Tekst zapisany przed budowaniem." in again
