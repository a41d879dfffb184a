"""What HTML, links and inline attributes a chapter may contain, judged on an HTML5 parse tree."""

from __future__ import annotations

import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import html5lib
from html5lib import treebuilders

# Chapters come from many outside authors and are published on a county website: raw HTML is
# refused except for these inline tags, which change nothing but the look of a few words and
# which both the site and the PDF can render.
ALLOWED_TAGS = frozenset({"br", "sub", "sup", "abbr", "kbd", "small", "mark", "s", "u"})
# The only attribute any of them may carry: the expansion of an abbreviation.
ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = {"abbr": frozenset({"title"})}
# Where a link may lead: the web, an e-mail, a phone number, or (no scheme) within the book.
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Attributes whose value a browser loads or follows as an address.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "srcset",
        "action",
        "formaction",
        "xlink:href",
        "data",
        "poster",
        "background",
        "cite",
        "longdesc",
        "ping",
        "manifest",
        "codebase",
    }
)
# MyST's `{…}` after a link, image, code or [span]: what an author may set there.
INLINE_ATTRIBUTES = frozenset({"id", "class"})
IMAGE_ATTRIBUTES = frozenset({"width", "height", "align", "w", "h", "a"})
# What the Markdown syntax itself puts on these tokens (not the author's `{…}`).
_INTRINSIC = {"link": frozenset({"href", "title"}), "image": frozenset({"src", "alt", "title"})}

# Other content between raw HTML pieces (text, roles, emphasis…) stands in the parsed fragment
# as this element; the random part keeps an author from forging one.
PLACEHOLDER = f"handbook-{secrets.token_hex(8)}"
PLACEHOLDER_INDEX = "data-i"

# Browsers drop these before reading a scheme, so "java\tscript:" is "javascript:".
_URL_NOISE = re.compile(r"[\t\n\r]")
_URL_EDGES = "".join(chr(c) for c in range(0x21))
_CSS_FETCH = re.compile(r"url\s*\(|expression\s*\(|@import|behavior\s*:|-moz-binding", re.IGNORECASE)

_COMMENT_ERRORS = ("comment", "dashes-or-doctype", "bogus")


@dataclass(frozen=True)
class Fragment:
    """Raw HTML parsed as a browser would, with what the policy found wrong in it."""

    root: ET.Element
    problems: tuple[str, ...]


def inspect(pieces: Sequence[str | None]) -> Fragment:
    """Parse raw HTML *pieces* as one fragment; ``None`` marks other content between them.

    Markdown splits ``H<sub>2</sub>O`` into raw ``<sub>``, text and raw ``</sub>``: only the
    whole shows which tags are closed and what they enclose.
    """
    parts = []
    for index, piece in enumerate(pieces):
        if piece is None:
            parts.append(f'<{PLACEHOLDER} {PLACEHOLDER_INDEX}="{index}"></{PLACEHOLDER}>')
        else:
            parts.append(piece)
    parser = html5lib.HTMLParser(tree=treebuilders.getTreeBuilder("etree"), namespaceHTMLElements=False)
    root = parser.parseFragment("".join(parts), container="div")
    problems = [_parse_error(code, data) for _, code, data in parser.errors]
    for element in root.iter():
        if element is not root:
            problems.extend(_element_problems(element))
    return Fragment(root, tuple(dict.fromkeys(problems)))


def html_problems(html: str) -> list[str]:
    """Polish descriptions of what is not allowed in *html* (empty when it is harmless)."""
    return list(inspect([html]).problems)


def is_comment(element: ET.Element) -> bool:
    return element.tag is ET.Comment  # type: ignore[comparison-overlap]


def local_name(element: ET.Element) -> str:
    """The tag without html5lib's namespace (SVG and MathML keep theirs in the tree)."""
    return str(element.tag).rpartition("}")[2].lower()


def _parse_error(code: str, data: Mapping[str, object] | None) -> str:
    if any(part in code for part in _COMMENT_ERRORS):
        return (
            "niepoprawny komentarz HTML (np. „<!-->” albo „--!>”), który przeglądarka odczyta "
            "inaczej, niż wygląda; notatki dla redakcji pisz w wierszu zaczynającym się od „%”"
        )
    name = (data or {}).get("name")
    if name:
        return f"znacznik <{name}> nie jest poprawnie otwarty i zamknięty; sprawdź parę <{name}>…</{name}>"
    if "eof" in code or "tag" in code:
        return "znacznik HTML nie jest poprawnie otwarty i zamknięty; sprawdź pary <…>…</…>"
    return "niepoprawny zapis HTML (np. znak „<” lub „&” w złym miejscu); użyj składni Markdown"


def _element_problems(element: ET.Element) -> list[str]:
    if is_comment(element):
        text = element.text or ""
        if text.lstrip().startswith("[if") or "<![endif]" in text:
            return ["komentarze warunkowe HTML (<!--[if …]>) są zabronione"]
        return []  # an author's note: never published (see safety.py)
    name = local_name(element)
    if name == PLACEHOLDER:
        return []
    attributes = {str(key).rpartition("}")[2].lower(): str(value) for key, value in element.attrib.items()}
    problems = []
    if name == "script":
        problems.append("znacznik <script> jest zabroniony (skrypty na stronie powiatu są niedozwolone)")
    elif name == "meta" and "http-equiv" in attributes:
        problems.append(
            "znacznik <meta http-equiv> jest zabroniony (np. „refresh” przekierowałby czytelników "
            "na inną stronę)"
        )
    problems.extend(attribute_problems(attributes))
    if name not in ALLOWED_TAGS and name != "script":
        problems.append(
            f"znacznik HTML <{name}> jest niedozwolony; użyj składni Markdown "
            f"(dozwolone tylko: {', '.join(sorted(ALLOWED_TAGS))})"
        )
    elif name in ALLOWED_TAGS:
        allowed = ALLOWED_ATTRIBUTES.get(name, frozenset())
        for attribute in sorted(set(attributes) - allowed):
            if not _dangerous_attribute(attribute):
                problems.append(f"znacznik <{name}> nie może mieć atrybutu „{attribute}”")
    return problems


def _dangerous_attribute(name: str) -> bool:
    return name.startswith("on") or name == "style" or name in URL_ATTRIBUTES


def attribute_problems(attributes: Mapping[str, str]) -> list[str]:
    """What makes these attributes active: event handlers, CSS that loads or runs, bad links."""
    problems = []
    for name, value in attributes.items():
        if name.startswith("on"):
            problems.append(f"atrybuty zdarzeń (np. onclick=) są zabronione: „{name}”")
        elif name == "style":
            if _CSS_FETCH.search(value):
                problems.append(
                    "atrybut style z url(…) lub expression(…) jest zabroniony "
                    "(wczytałby obcą treść albo uruchomił kod)"
                )
            else:
                problems.append("atrybut style jest zabroniony (wygląd tekstu ustala szablon podręcznika)")
        elif name in URL_ATTRIBUTES:
            problem = url_problem(value)
            if problem:
                problems.append(problem)
    return problems


def url_scheme(url: str) -> str:
    """The scheme a browser would see in *url* (lower case; empty for a relative address)."""
    cleaned = _URL_NOISE.sub("", url).strip(_URL_EDGES)
    try:
        return urlsplit(cleaned).scheme.lower()
    except ValueError:
        return "?"


def url_problem(url: str) -> str | None:
    """Why *url* may not be a link target (``None`` when it may)."""
    scheme = url_scheme(url)
    if not scheme or scheme in ALLOWED_SCHEMES:
        return None
    shown = "".join(c if c.isprintable() else " " for c in url).strip()[:40]
    return (
        f"odnośnik „{shown}” jest zabroniony: adres „{scheme}:” może uruchomić kod lub otworzyć "
        "cudzy plik; dozwolone są adresy https://, http://, mailto:, tel: i odnośniki wewnątrz podręcznika"
    )


def unsafe_url(url: str) -> bool:
    return url_problem(url) is not None


def inline_attribute_problems(kind: str, attributes: Mapping[str, object]) -> list[str]:
    """What an author may not set with MyST's ``{…}`` after a link, image, code or span.

    *kind* is the token type without ``_open`` (``link``, ``image``, ``code_inline``, ``span``).
    MyST copies only a few keys to the page, but an attribute it drops silently would still be
    the author's mistake, so every other key is reported.
    """
    allowed = INLINE_ATTRIBUTES | _INTRINSIC.get(kind, frozenset())
    if kind == "image":
        allowed |= IMAGE_ATTRIBUTES
    problems = []
    for name, value in attributes.items():
        key = str(name).lower()
        if key in ("href", "src") and key in allowed:
            problem = url_problem(str(value)) if key == "href" else None
            if problem:
                problems.append(problem)
        elif key not in allowed:
            if _dangerous_attribute(key):
                problems.extend(attribute_problems({key: str(value)}))
            else:
                problems.append(
                    f"atrybut „{key}” w nawiasach {{…}} jest niedozwolony; wolno podać tylko "
                    "#identyfikator i .klasę (obrazom także width, height, align)"
                )
    return problems
