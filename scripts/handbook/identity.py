"""The book's logo, dark-background logo and icon: the book's own files, or drawn from its settings.

A book that names no logo file gets one drawn from its settings: one segment per gmina of
the county around a centre, in the book's two colours, beside the project's and the county's
names. The files land in ``_build/tozsamosc/`` under fixed names, which the site and the PDF
cover both use.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from handbook.settings import Settings

FOLDER = "tozsamosc"
# Dark mode: text and the primary colour lightened for a dark page.
DARK_PAGE = "#1e2125"


@dataclass(frozen=True)
class Identity:
    logo: Path
    logo_dark: Path
    icon: Path
    description: str


def identity(settings: Settings) -> Identity:
    """Write the logo files the site and the PDF use; each is rewritten only when it changed."""
    folder = settings.build_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    logo = settings.logo
    light = _place(folder, "logo", settings, logo.file, lambda: logo_svg(settings, dark=False))
    dark = _place(
        folder, "logo-ciemne", settings, logo.dark_file or logo.file, lambda: logo_svg(settings, dark=True)
    )
    icon = _place(folder, "ikona", settings, logo.icon, lambda: icon_svg(settings))
    description = logo.description or f"Logo projektu „{settings.project.name}” — {settings.county.name}"
    return Identity(light, dark, icon, description)


def _place(folder: Path, stem: str, settings: Settings, source: str, draw: Callable[[], str]) -> Path:
    if source:
        path = settings.book_file(source)
        content = path.read_bytes()
        suffix = path.suffix.lower()
    else:
        content = draw().encode("utf-8")
        suffix = ".svg"
    target = folder / f"{stem}{suffix}"
    for other in folder.glob(f"{stem}.*"):
        if other != target:
            other.unlink()
    if not target.exists() or target.read_bytes() != content:
        tmp = target.with_suffix(suffix + ".tmp")
        tmp.write_bytes(content)
        tmp.replace(target)
    return target


def _lighten(colour: str, amount: float) -> str:
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in channels)


def _mark(settings: Settings, dark: bool) -> str:
    """One segment per gmina around a centre, alternating the primary and accent colours."""
    count = min(max(len(settings.county.gminas), 3), 16)
    primary = _lighten(settings.colours.primary, 0.45) if dark else settings.colours.primary
    colours = (primary, settings.colours.accent)
    radius, parts = 40.0, []
    for index in range(count):
        start = 2 * math.pi * index / count - math.pi / 2
        end = 2 * math.pi * (index + 1) / count - math.pi / 2
        x1, y1 = radius * math.cos(start), radius * math.sin(start)
        x2, y2 = radius * math.cos(end), radius * math.sin(end)
        opacity = "" if index < count / 2 else ' opacity="0.8"'
        parts.append(
            f'<path d="M0 0 L{x1:.1f} {y1:.1f} A40 40 0 0 1 {x2:.1f} {y2:.1f} Z" '
            f'fill="{colours[index % 2]}"{opacity}/>'
        )
    centre = DARK_PAGE if dark else "#ffffff"
    parts.append(f'<circle r="14" fill="{centre}"/><circle r="8" fill="{primary}"/>')
    return "".join(parts)


def logo_svg(settings: Settings, dark: bool) -> str:
    """The mark beside the project's name (in at most two lines) and the county's name."""
    lines = textwrap.wrap(settings.project.name, width=26, break_long_words=False)[:3] or [""]
    # DejaVu Sans Bold is about 0.62 em wide per character at these sizes.
    width = 100 + max(max(len(line) for line in lines) * 17 * 0.62, len(settings.county.name) * 13 * 0.58) + 8
    height = max(96, 36 + 22 * len(lines) + 14)
    text_colour, county_colour = ("#f2f2f2", "#d0d0d0") if dark else ("#1b1b1b", "#3d3d3d")
    title = escape(f"{settings.project.name} — {settings.county.name}")
    texts = "".join(
        f'<text x="100" y="{36 + 22 * i}" font-size="17" font-weight="bold">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    county = (
        f'<text x="100" y="{36 + 22 * len(lines)}" font-size="13" fill="{county_colour}">'
        f"{escape(settings.county.name)}</text>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height}" width="{width:.0f}" '
        f'height="{height}" role="img" aria-labelledby="t"><title id="t">{title}</title>'
        f'<g transform="translate(48 {height / 2:.0f})">{_mark(settings, dark)}</g>'
        f'<g font-family="DejaVu Sans, Verdana, sans-serif" fill="{text_colour}">{texts}{county}</g></svg>\n'
    )


def icon_svg(settings: Settings) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-48 -48 96 96" width="32" height="32">'
        f"{_mark(settings, dark=False)}</svg>\n"
    )
