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
    """``{dane}`liczba_wolontariuszy``` → ``20``; ``{dane}`wolontariusze_w_gminie:Dębowo``` → ``4``."""

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
                location=self.get_location(),
                type="handbook",
                subtype="number",
            )
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        node = nodes.inline(entry["tekst"], entry["tekst"], classes=["handbook-number"])
        node["title"] = entry["opis"]
        return [node], []


def setup_numbers(app: Sphinx) -> None:
    app.add_role("dane", NumberRole())
