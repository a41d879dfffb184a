"""The ``dane`` role: a number from the project data, computed before Sphinx runs."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from handbook.products import NUMBERS_JSON, read_numbers

logger = logging.getLogger(__name__)


class NumberRole(SphinxRole):
    """``{dane}`liczba_wolontariuszy``` → ``20``; ``{dane}`wolontariusze_w_gminie:Wola``` → ``4``."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        folder = Path(self.config.handbook_charts_dir)
        self.env.note_dependency(str(folder / NUMBERS_JSON))
        numbers = read_numbers(folder)
        name = self.text.strip()
        entry = numbers.get(name)
        if entry is None:
            family = name.split(":", 1)[0]
            similar = sorted(k for k in numbers if k.split(":", 1)[0] == family)
            hint = (
                f" Dostępne w tej rodzinie: {', '.join(similar)}."
                if similar
                else " Wszystkie nazwy pokazuje polecenie `handbook liczby` (deklaracje: conf/liczby.toml)."
            )
            logger.warning(
                f"nieznana liczba z danych „{name}”.{hint}",
                location=(self.env.docname, self._line()),
                type="handbook",
                subtype="number",
            )
            # Shown as written; the warning alone stops the build (a `problematic` node would
            # be reported again by every writer).
            return [nodes.literal(self.rawtext, self.rawtext)], []
        node = nodes.inline(entry["tekst"], entry["tekst"], classes=["handbook-number"])
        node["title"] = entry["opis"]
        return [node], []

    def _line(self) -> int:
        """The role's own line: MyST reports every role at its paragraph's first line."""
        try:
            lines = Path(self.env.doc2path(self.env.docname)).read_text(encoding="utf-8").splitlines()
        except OSError:
            return self.lineno
        needle = f"`{self.text}`"
        for number in range(max(self.lineno, 1), len(lines) + 1):
            if needle in lines[number - 1]:
                return number
        return self.lineno


def setup_numbers(app: Sphinx) -> None:
    app.add_role("dane", NumberRole())
