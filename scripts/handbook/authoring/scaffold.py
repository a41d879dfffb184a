"""``handbook nowy-rozdzial``: the next numbered chapter from a template, added to the contents."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from importlib.resources import files
from pathlib import Path

from handbook.declared import read_text
from handbook.errors import HandbookError
from handbook.settings import Settings

TEMPLATE = "szablon_rozdzialu.md"
_NUMBERED = re.compile(r"^(\d{2})-[a-z0-9-]+$")
_GLOSSARY = re.compile(r"^(`{3,}|:{3,})\{glossary\}[^\n]*\n(.*?)^\1", re.MULTILINE | re.DOTALL)


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
    numbered = sorted(p.stem for p in source.glob("*.md") if _NUMBERED.match(p.stem))
    numbers = [int(name[:2]) for name in numbered]
    docname = f"{max(numbers, default=0) + 1:02d}-{slug(title)}"
    path = source / f"{docname}.md"
    template = (files("handbook.authoring") / TEMPLATE).read_text(encoding="utf-8")
    index = source / "index.md"
    contents = _add_to_contents(read_text(index, "spis treści podręcznika"), docname)
    examples = _examples(settings, numbered[0] if numbered else docname)
    # @name@ marks what the template takes from this book (braces are MyST's own syntax).
    text = template.replace("@tytul@", _yaml_string(title))
    for key, value in examples.items():
        text = text.replace(f"@{key}@", value)
    path.write_text(text, encoding="utf-8")
    index.write_text(contents, encoding="utf-8")
    return path


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _examples(settings: Settings, chapter: str) -> dict[str, str]:
    """Names from this book for the template's hints, so every hint works as written."""
    return {
        "organizacja": _yaml_string(settings.organisations[0].name),
        "wykres": next(iter(_sections(settings.charts_file)), "nazwa_wykresu"),
        "liczba": next(iter(_sections(settings.numbers_file)), "nazwa_liczby"),
        "rozdzial": chapter,
        "termin": next(iter(_glossary_terms(settings.source_dir)), "termin"),
    }


def _sections(path: Path) -> list[str]:
    try:
        return list(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return []


def _glossary_terms(source: Path) -> list[str]:
    terms = []
    for page in sorted(source.glob("*.md")):
        for _, body in _GLOSSARY.findall(page.read_text(encoding="utf-8", errors="replace")):
            terms += [line.strip() for line in body.splitlines() if line.strip() and not line[0].isspace()]
    return [t for t in terms if not t.startswith(":")]


def _add_to_contents(index: str, docname: str) -> str:
    """Insert *docname* after the last numbered chapter, or at the end of the first toctree."""
    lines = index.split("\n")
    last = max((i for i, line in enumerate(lines) if _NUMBERED.match(line.strip())), default=None)
    if last is None:
        last = _end_of_first_toctree(lines)
    if last is None:
        raise HandbookError(
            "Nie znaleziono spisu treści (bloku ```{toctree}```) w handbook/index.md; "
            f"dopisz „{docname}” ręcznie do spisu treści."
        )
    lines.insert(last + 1, docname)
    return "\n".join(lines)


def _end_of_first_toctree(lines: list[str]) -> int | None:
    """The last entry (or option) line of the first ```{toctree}``` block."""
    for start, line in enumerate(lines):
        fence = re.match(r"^(`{3,}|:{3,})\{toctree\}", line.strip())
        if not fence:
            continue
        for end in range(start + 1, len(lines)):
            if lines[end].strip() == fence.group(1):
                body = [i for i in range(start + 1, end) if lines[i].strip()]
                return body[-1] if body else start
        return None
    return None
