"""Images a book publishes: is the file the image its name says, and is an SVG free of active content.

Chapters' images (sphinxext/boundary.py) and the book's logo (settings.py) go through the same
checks. Pure Python (defusedxml, Pillow when installed), no Sphinx, so settings can use it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from handbook.sphinxext.html_policy import url_scheme

# What Sphinx and Typst both render as an image.
IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg"})
# SVG elements that run code or embed a document of another kind.
_SVG_ACTIVE = frozenset({"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"})

# What a raster image of each type begins with, and the name its format has.
_RASTER = {
    ".png": ("PNG", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("JPEG", (b"\xff\xd8\xff",)),
    ".jpeg": ("JPEG", (b"\xff\xd8\xff",)),
    ".gif": ("GIF", (b"GIF87a", b"GIF89a")),
}


def image_problems(path: Path, charts: Path) -> list[str]:
    suffix = path.suffix.lower()
    if suffix not in IMAGE_TYPES:
        allowed = ", ".join(sorted(IMAGE_TYPES))
        return [f"obraz musi być plikiem graficznym ({allowed}), a nie „{path.suffix or path.name}”"]
    if suffix in _RASTER:
        problem = raster_problem(path)
        return [problem] if problem else []
    # The engine draws the charts itself; an SVG from anywhere else is checked.
    if not path.is_relative_to(charts):
        return svg_problems(path)
    return []


def raster_problem(path: Path) -> str | None:
    """Why *path* is not the image its name says: another format, or a file cut short.

    Otherwise Typst stops the PDF with a library's English message and no line.
    """
    kind, signatures = _RASTER[path.suffix.lower()]
    again = f"zapisz go ponownie jako {kind}"
    try:
        with path.open("rb") as file:
            head = file.read(16)
    except OSError:
        return f"pliku {path.name} nie da się odczytać"
    if not head.startswith(signatures):
        return f"plik {path.name} nie jest obrazem {kind}; {again}"
    try:
        from PIL import Image
    except ImportError:  # the signature is all that can be checked
        return None
    try:
        with Image.open(path) as image:
            format_ = image.format
            image.verify()
        with Image.open(path) as image:
            image.load()  # every pixel decoded: a truncated file fails here
    except Exception:  # Pillow reports a broken file with many exception types
        return f"plik {path.name} jest uszkodzony lub niekompletny i nie da się go odczytać; {again}"
    if format_ != kind:
        return f"plik {path.name} nie jest obrazem {kind}; {again}"
    return None


# SVG elements that set another element's attribute.
_SVG_ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform", "animatecolor"})
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_CSS_URL = re.compile(r"url\s*\(", re.IGNORECASE)
# A reference inside the file: "#id", nothing that names another document.
_LOCAL_FRAGMENT = re.compile(r"#[^\s'\"()\\]*")
# CSS functions that load an image without url(…).
_CSS_FETCHING = re.compile(r"\b(?:image-set|image|cross-fade|element|src)\s*\(", re.IGNORECASE)
_CSS_SCHEME = re.compile(r"\b(?:https?|ftp|file|data|javascript|vbscript|blob|about)\s*:", re.IGNORECASE)


def svg_problems(path: Path) -> list[str]:
    """What makes an SVG active: scripts, foreign content, handlers, references outside it.

    The site serves the file from the county's address, where a browser opened on it would
    run its scripts; the PDF's renderer would follow its external references. References are
    allowed, not refused by pattern: every href and url(…) must point inside the file (#id).
    """
    shown = f"obraz SVG „{path.name}”"
    target = ET.TreeBuilder(insert_pis=True)
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    try:
        parser.feed(path.read_bytes())
        root = parser.close()
    except (DTDForbidden, EntitiesForbidden):
        return [
            f"{shown} zawiera deklarację <!DOCTYPE> lub <!ENTITY>; zapisz go ponownie jako "
            "„zwykły SVG” (np. w Inkscape) albo jako PNG"
        ]
    except (DefusedXmlException, ET.ParseError):
        return [f"{shown} nie jest poprawnym plikiem XML; zapisz go ponownie albo użyj PNG"]
    problems: list[str] = []
    for element in root.iter():
        problems.extend(_svg_element_problems(element))
    return [f"{shown} " + "; ".join(dict.fromkeys(problems))] if problems else []


def _svg_element_problems(element: ET.Element) -> list[str]:
    if element.tag is ET.ProcessingInstruction:  # type: ignore[comparison-overlap]
        text = (element.text or "").strip()
        if text.startswith("xml-stylesheet"):
            return ["wczytuje zewnętrzny arkusz stylów (<?xml-stylesheet?>)"]
        return []
    if not isinstance(element.tag, str):
        return []
    name = element.tag.rpartition("}")[2].lower()
    problems = []
    if name in _SVG_ACTIVE:
        problems.append(f"zawiera element <{name}>, który może uruchomić kod")
    if name == "style":
        # The whole text: CSS after a child element is that child's tail, CDATA is text too.
        problems.extend(_css_problems("".join(element.itertext()), sheet=True))
    for key, value in element.attrib.items():
        namespaced = key.startswith("{")
        attribute = key.rpartition("}")[2].lower()
        if attribute.startswith("on"):
            problems.append(f"ma atrybut zdarzenia „{attribute}”, który uruchamia kod")
        elif attribute == "href" and not _LOCAL_FRAGMENT.fullmatch(value.strip()):
            problems.append(
                f"odwołuje się do zewnętrznego zasobu „{value.strip()[:60]}”; "
                "dozwolone są tylko odwołania wewnątrz pliku (#…)"
            )
        elif attribute == "base":
            problems.append("ma atrybut xml:base, który zmienia adres odwołań")
        elif url_scheme(value) in ("javascript", "vbscript"):
            problems.append("zawiera adres „javascript:”")
        elif attribute == "style":
            problems.extend(_css_problems(value, sheet=True))
        elif not namespaced:
            # Presentation attributes (fill, filter, mask, clip-path, …) are CSS values.
            problems.extend(_css_problems(value, sheet=False))
        elif _CSS_URL.search(value):
            problems.extend(_url_problems(value))
    if name in _SVG_ANIMATIONS:
        problems.extend(_animation_problems(element))
    return problems


def _animation_problems(element: ET.Element) -> list[str]:
    """<set> and <animate…> may not change a link, a style or an event, nor set any url(…)."""
    attributes = {key.rpartition("}")[2].lower(): value for key, value in element.attrib.items()}
    animated = attributes.get("attributename", "").strip().lower().rpartition(":")[2]
    if animated in ("href", "style", "base") or animated.startswith("on"):
        return [f"zmienia animacją (<{element.tag.rpartition('}')[2]}>) atrybut „{animated}”"]
    values = " ".join(attributes.get(key, "") for key in ("to", "from", "by", "values"))
    if _CSS_URL.search(values) or "//" in values or _CSS_SCHEME.search(values):
        return [f"ustawia animacją (<{element.tag.rpartition('}')[2]}>) odwołanie url(…) lub adres"]
    return []


def _css_problems(css: str, sheet: bool) -> list[str]:
    """CSS in <style>, a style attribute (*sheet*) or a presentation attribute, as an allow-list."""
    if "\\" in css:
        return ["ma w stylach znaki ucieczki CSS („\\…”), które mogą ukryć adres; usuń je"]
    text = _CSS_COMMENT.sub(" ", css)
    problems = _url_problems(text)
    if _CSS_FETCHING.search(text):
        problems.append("ma style, które wczytują obraz (image-set(…), image(…) i podobne)")
    if sheet:
        lowered = text.lower()
        if "@import" in lowered:
            problems.append("ma style, które wczytują obcy arkusz (@import)")
        if "//" in text or _CSS_SCHEME.search(text):
            problems.append("ma w stylach adres („//”, „https:”, „data:” i podobne)")
    return problems


def _url_problems(text: str) -> list[str]:
    """Every url(…) in *text* must be ``url(#id)``: a reference inside the file."""
    for match in _CSS_URL.finditer(text):
        inside, closed, _ = text[match.end() :].partition(")")
        reference = inside.strip().strip("'\"").strip()
        if not closed or not _LOCAL_FRAGMENT.fullmatch(reference):
            shown = "".join(c if c.isprintable() else " " for c in reference)[:60]
            return [
                f"wczytuje obcą treść przez url({shown}); dozwolone jest tylko url(#id) — "
                "odwołanie wewnątrz pliku"
            ]
    return []


def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height in CSS pixels (an SVG's viewBox, a raster's pixels); None if unknown.

    A page that knows an image's size keeps its place while it loads: no layout shift.
    """
    if path.suffix.lower() == ".svg":
        try:
            root = ET.fromstring(path.read_bytes(), parser=DefusedXMLParser(forbid_dtd=True))
        except (DefusedXmlException, ET.ParseError):
            return None
        box = (root.get("viewBox") or "").replace(",", " ").split()
        if len(box) == 4:
            try:
                width, height = float(box[2]), float(box[3])
            except ValueError:
                return None
            return (round(width), round(height)) if width > 0 and height > 0 else None
        sizes = [
            re.fullmatch(r"\s*([0-9.]+)\s*(px)?\s*", root.get(name) or "") for name in ("width", "height")
        ]
        if all(sizes):
            return round(float(sizes[0][1])), round(float(sizes[1][1]))  # type: ignore[index]
        return None
    try:
        from PIL import Image
    except ImportError:
        return None
    try:
        with Image.open(path) as image:
            return image.size
    except OSError:
        return None
