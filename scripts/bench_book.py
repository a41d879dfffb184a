"""A synthetic book of N chapters for `make bench`, made from this repository's book.

The numbered chapters of the book (headings, lists, tables, footnotes, charts, numbers,
cross-references, glossary terms) are repeated in order until there are N of them. The first
copy keeps its names; every further copy gets its own file names, title, table and equation
labels and chart declarations (a copy of the chart's section in conf/wykresy.toml), so every
label stays unique and every chart is drawn. A reference whose target the book does not hold
(a chapter of a copy cut short) becomes plain text, so the book builds without warnings.

    python scripts/bench_book.py 200 /tmp/ksiazka-200
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent

TOCTREE = re.compile(r"(```\{toctree\}\n(?::[^\n]*\n)*\n?)(.*?)(```)", re.S)
LABEL = re.compile(r"^(?::name:|:label:)\s*(\S+)|^\((\S+)\)=", re.M)
CHART = re.compile(r"^```\{wykres\}\s+(\w+)", re.M)
CHART_SECTION = re.compile(r"^\[\[?(\w+)[.\]]", re.M)
COPY_SUFFIX = re.compile(r"[-_]k\d{3}$")
REFERENCE = re.compile(r"\{(numref|ref|eq|doc)\}`(?:([^`<\n]*?)\s*<)?([^`<>\s]+)>?`")


def chapters_of(index: str) -> list[str]:
    """The documents of the numbered toctree of a book's index page."""
    for match in TOCTREE.finditer(index):
        if ":numbered:" in match.group(1):
            return match.group(2).split()
    raise SystemExit("Strona główna podręcznika nie ma numerowanego spisu rozdziałów.")


def rename(text: str, old: str, new: str) -> str:
    return re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, text)


def copy_chapter(text: str, copy: int, docs: list[str]) -> tuple[str, list[str]]:
    """A chapter of copy number `copy` (1, 2…) with its own labels; returns it and its charts."""
    suffix = f"-k{copy:03d}"
    charts = CHART.findall(text)
    for doc in docs:
        text = text.replace(f"{{doc}}`{doc}`", f"{{doc}}`{doc}{suffix}`")
    for label in {a or b for a, b in LABEL.findall(text)}:
        text = rename(text, label, label + suffix)
    for chart in charts:
        text = re.sub(rf"(\{{wykres\}}\s+|wykres-){chart}\b", rf"\g<1>{chart}_k{copy:03d}", text)
    text = re.sub(r"^(tytul: .*)$", rf"\1 (część {copy + 1})", text, count=1, flags=re.M)
    return text, charts


def chart_sections(declarations: str) -> dict[str, str]:
    """Each chart's sections of wykresy.toml (its table and its series), by chart name."""
    starts = list(CHART_SECTION.finditer(declarations))
    sections: dict[str, str] = {}
    for match, following in zip(starts, [*starts[1:], None], strict=True):
        end = following.start() if following else len(declarations)
        sections[match.group(1)] = sections.get(match.group(1), "") + declarations[match.start() : end]
    return sections


def drop_dangling(text: str, targets: set[str], chapters: set[str]) -> str:
    """References to a chapter's label or document the book lacks: to the first copy's, or plain text.

    `targets` are the labels and documents the book holds, `chapters` those of the source's
    chapters (a reference to anything else is left alone: it may be an example in a code span).
    """

    def resolve(match: re.Match[str]) -> str:
        _role, text, target = match.groups()
        first = COPY_SUFFIX.sub("", target)
        if target in targets or first not in chapters:
            return match.group(0)
        return match.group(0).replace(target, first) if first in targets else text or target

    return REFERENCE.sub(resolve, text)


def with_chapters(index: str, docs: list[str]) -> str:
    """The index page with `docs` as its numbered toctree."""

    def replace(match: re.Match[str]) -> str:
        numbered = ":numbered:" in match.group(1)
        return match.group(1) + "\n".join(docs) + "\n" + match.group(3) if numbered else match.group(0)

    return TOCTREE.sub(replace, index)


def targets_of(pages: dict[str, str]) -> set[str]:
    """The documents, labels and chart figures of pages (name → text)."""
    targets = set(pages)
    for text in pages.values():
        targets |= {a or b for a, b in LABEL.findall(text)} | {f"wykres-{c}" for c in CHART.findall(text)}
    return targets


def resolve_references(pages: Path, chapters: set[str]) -> None:
    """Every page's references to chapters' targets the generated book lacks, resolved."""
    texts = {page.stem: page.read_text(encoding="utf-8") for page in pages.glob("*.md")}
    targets = targets_of(texts)
    for name, text in texts.items():
        (pages / f"{name}.md").write_text(drop_dangling(text, targets, chapters), encoding="utf-8")


def generate(chapters: int, target: Path, source: Path = SOURCE) -> list[str]:
    """Write a book of `chapters` chapters into `target`; returns the chapters' documents."""
    shutil.copytree(source / "conf", target / "conf")
    shutil.copytree(source / "data", target / "data")
    shutil.copytree(source / "handbook", target / "handbook")
    pages = target / "handbook"
    index = (pages / "index.md").read_text(encoding="utf-8")
    templates = chapters_of(index)
    source_targets = targets_of({doc: (pages / f"{doc}.md").read_text(encoding="utf-8") for doc in templates})
    for doc in templates:
        (pages / f"{doc}.md").unlink()
    sections = chart_sections((source / "conf" / "wykresy.toml").read_text(encoding="utf-8"))
    extra_charts: list[str] = []
    docs: list[str] = []
    for number in range(chapters):
        copy, doc = divmod(number, len(templates))
        template = templates[doc]
        text = (source / "handbook" / f"{template}.md").read_text(encoding="utf-8")
        if copy:
            text, charts = copy_chapter(text, copy, templates)
            template = f"{template}-k{copy:03d}"
            extra_charts += [rename(sections[c], c, f"{c}_k{copy:03d}") for c in charts]
        (pages / f"{template}.md").write_text(text, encoding="utf-8")
        docs.append(template)
    with (target / "conf" / "wykresy.toml").open("a", encoding="utf-8") as declarations:
        declarations.write("\n" + "\n".join(extra_charts))
    (pages / "index.md").write_text(with_chapters(index, docs), encoding="utf-8")
    resolve_references(pages, source_targets)
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description="Syntetyczny podręcznik z N rozdziałów (do pomiarów).")
    parser.add_argument("rozdzialy", type=int, help="liczba rozdziałów")
    parser.add_argument("katalog", type=Path, help="nowy folder podręcznika")
    args = parser.parse_args()
    generate(args.rozdzialy, args.katalog)


if __name__ == "__main__":
    main()
