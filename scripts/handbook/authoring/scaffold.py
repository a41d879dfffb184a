"""``handbook nowy-rozdzial``: the next numbered chapter from a template, added to the contents."""

from __future__ import annotations

import re
import unicodedata
from importlib.resources import files
from pathlib import Path

from handbook.errors import HandbookError
from handbook.settings import Settings

TEMPLATE = "szablon_rozdzialu.md"
_NUMBERED = re.compile(r"^(\d{2})-[a-z0-9-]+$")


def slug(title: str) -> str:
    """„Współpraca z samorządem” → ``wspolpraca-z-samorzadem``."""
    text = title.lower().replace("ł", "l")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:50].strip("-")


def new_chapter(settings: Settings, title: str) -> Path:
    title = " ".join(title.split())
    if not title or not slug(title):
        raise HandbookError('Podaj tytuł rozdziału, np. handbook nowy-rozdzial "Wolontariat".')
    source = settings.source_dir
    numbers = [int(m.group(1)) for p in source.glob("*.md") if (m := _NUMBERED.match(p.stem))]
    docname = f"{max(numbers, default=0) + 1:02d}-{slug(title)}"
    path = source / f"{docname}.md"
    template = (files("handbook.authoring") / TEMPLATE).read_text(encoding="utf-8")
    quoted = title.replace('"', "'")
    index = source / "index.md"
    contents = _add_to_contents(index.read_text(encoding="utf-8"), docname)
    path.write_text(template.replace("{tytul}", f'"{quoted}"'), encoding="utf-8")
    index.write_text(contents, encoding="utf-8")
    return path


def _add_to_contents(index: str, docname: str) -> str:
    """Insert *docname* after the last numbered chapter of the numbered toctree."""
    lines = index.split("\n")
    last = max((i for i, line in enumerate(lines) if _NUMBERED.match(line.strip())), default=None)
    if last is None:
        raise HandbookError(
            "Nie znaleziono spisu treści z numerowanymi rozdziałami w handbook/index.md; "
            f"dopisz „{docname}” ręcznie do bloku ```{{toctree}}```."
        )
    lines.insert(last + 1, docname)
    return "\n".join(lines)
