"""Math on the site as MathML written at build time: no script and no request to a third party."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import html5lib
from docutils import nodes
from html5lib import treebuilders
from latex2mathml.converter import convert
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number
from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)

RENDERER = "mathml"
# Presentation MathML (MathML Core and what latex2mathml writes): layout only. Anything else in
# the converter's output — an HTML element inside <mtext>, an \href, a style — is refused.
ELEMENTS = frozenset(
    {
        "math", "mi", "mn", "mo", "ms", "mspace", "mtext", "mrow", "mfrac", "msqrt", "mroot",
        "mstyle", "merror", "mpadded", "mphantom", "menclose", "msub", "msup", "msubsup",
        "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none", "mtable",
        "mtr", "mtd", "mlabeledtr", "mfenced",
    }
)  # fmt: skip
ATTRIBUTES = frozenset(
    {
        "display", "displaystyle", "scriptlevel", "mathvariant", "mathsize", "mathcolor",
        "mathbackground", "dir", "form", "fence", "separator", "separators", "stretchy",
        "symmetric", "largeop", "movablelimits", "accent", "accentunder", "lspace", "rspace",
        "minsize", "maxsize", "width", "height", "depth", "voffset", "linebreak",
        "linethickness", "numalign", "denomalign", "bevelled", "notation", "open", "close",
        "columnalign", "rowalign", "columnlines", "rowlines", "columnspacing", "rowspacing",
        "columnspan", "rowspan", "frame", "framespacing", "equalrows", "equalcolumns", "align",
    }
)  # fmt: skip


# Levels of {…} in a formula, as the PDF's converter (pdf/mathconv.py) allows, and of elements
# in the MathML written from it: deeper formulas are refused before any library recurses into them.
MAX_BRACES = 40
MAX_ELEMENTS = 150
TOO_DEEP = (
    f"wzór jest zagnieżdżony zbyt głęboko (najwyżej {MAX_BRACES} poziomów nawiasów {{…}}, "
    "ułamków i pierwiastków)"
)


# How many children an element of fixed arity has in valid MathML.
_CHILDREN = {
    "mfrac": 2, "mroot": 2, "msub": 2, "msup": 2, "msubsup": 3, "munder": 2, "mover": 2,
    "munderover": 3,
}  # fmt: skip


class Unconvertible(Exception):
    """A formula the site cannot show as MathML; the message is for the author."""


def mathml(latex: str, block: bool, alt: str | None = None) -> str:
    """*latex* as one ``<math>`` element, its source (or *alt*) as the alternative text."""
    if _brace_depth(latex) > MAX_BRACES:
        raise Unconvertible(TOO_DEEP)
    if re.search(r"\\tag(?![A-Za-z])", latex):  # the PDF's numbers come from :label: only
        raise Unconvertible("numer wzoru nadaje opcja :label: bloku ```{math}```, nie \\tag")
    try:
        converted = convert(latex, display="block" if block else "inline")
    except RecursionError as error:
        raise Unconvertible(TOO_DEEP) from error
    except Exception as error:  # latex2mathml has no common base for its errors
        raise Unconvertible(
            "zapis LaTeX-a jest niepełny lub błędny (sprawdź nawiasy {…}, \\left…\\right i \\begin…\\end)"
        ) from error
    # Read back as a browser will read it inside the page, then written anew from what was
    # checked: the page gets exactly the tree the checks saw.
    parser = html5lib.HTMLParser(tree=treebuilders.getTreeBuilder("etree"), namespaceHTMLElements=False)
    try:
        fragment = parser.parseFragment(converted, container="div")
        if parser.errors or len(fragment) != 1:
            raise Unconvertible("zapisu nie da się przekształcić w poprawny MathML")
        clean = _checked(fragment[0])
        clean.set("alttext", (alt or latex).strip())
        return ET.tostring(clean, encoding="unicode", short_empty_elements=True)
    except RecursionError as error:
        raise Unconvertible(TOO_DEEP) from error


# latex2mathml shows the "&" of \begin{aligned} as a character and \begin{gather} on one line;
# its \begin{split} and \begin{array} are laid out as tables, as LaTeX does.
_ENVIRONMENT = re.compile(r"\\(begin|end)\{(aligned|gathered|gather\*?)\}")
_ROW = re.compile(r"\\begin\{|\\end\{|\\\\|\\.|&", re.DOTALL)


def display_lines(latex: str) -> str:
    """A display formula with its lines laid out: ``\\\\`` and ``&`` outside any environment
    break and align them, as in Sphinx's LaTeX output, which wraps a display formula in split."""
    latex = _ENVIRONMENT.sub(_laid_out, latex)
    depth = 0
    for token in _ROW.findall(latex):
        if token == "\\begin{":
            depth += 1
        elif token == "\\end{":
            depth -= 1
        elif depth == 0 and token in ("&", "\\\\"):
            return f"\\begin{{split}}{latex}\\end{{split}}"
    return latex


def _laid_out(match: re.Match[str]) -> str:
    if match[2] == "aligned":
        return f"\\{match[1]}{{split}}"
    return "\\begin{array}{c}" if match[1] == "begin" else "\\end{array}"


def _brace_depth(latex: str) -> int:
    """The deepest level of unescaped {…} in *latex*."""
    depth = deepest = 0
    escaped = False
    for char in latex:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "}":
            depth -= 1
    return deepest


def _checked(element: ET.Element, level: int = 0) -> ET.Element:
    if level > MAX_ELEMENTS:
        raise Unconvertible(TOO_DEEP)
    name = str(element.tag).rpartition("}")[2]
    if name not in ELEMENTS:
        raise Unconvertible(f"wzór dałby na stronie element <{name}>, który jest niedozwolony")
    if len(element) != _CHILDREN.get(name, len(element)):  # latex2mathml writes \frac{a} as it is
        raise Unconvertible("zapisowi LaTeX-a brakuje argumentu (np. \\frac{…}{…} ma dwa)")
    text = element.text or ""
    if text.startswith("\\") and len(text) > 1:
        raise Unconvertible(f"nieobsługiwane polecenie LaTeX-a {text}")
    clean = ET.Element(name)
    for key, value in element.attrib.items():
        attribute = str(key).rpartition("}")[2]
        if attribute == "xmlns":
            continue
        if attribute not in ATTRIBUTES:
            raise Unconvertible(f"wzór dałby na stronie atrybut „{attribute}”, który jest niedozwolony")
        clean.set(attribute, value)
    clean.text = element.text
    clean.tail = element.tail
    clean.extend([_checked(child, level + 1) for child in element])
    return clean


def _markup(node: nodes.Element, latex: str, block: bool, alt: str | None = None) -> str:
    try:
        return mathml(latex, block, alt)
    except Unconvertible as problem:
        logger.warning(
            f"wzoru nie da się pokazać na stronie: {problem}.", location=node, type="handbook", subtype="math"
        )
        return ""


def visit_math_html(self: HTML5Translator, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(_markup(node, node.astext(), block=False) + "</span>")
    raise nodes.SkipNode


def visit_displaymath_html(self: HTML5Translator, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    # Equations separated by a blank line are shown one under another, as Sphinx does.
    for part in (p for p in node.astext().split("\n\n") if p.strip()):
        self.body.append(_markup(node, display_lines(part), block=True, alt=part))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup_math(app: Sphinx) -> None:
    app.add_html_math_renderer(RENDERER, (visit_math_html, None), (visit_displaymath_html, None))
