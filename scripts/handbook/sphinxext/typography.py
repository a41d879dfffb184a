"""Polish typesetting rules applied to the text of every document, for HTML and PDF alike.

Docutils' smart quotes (with the Polish pairs „…” and »…« from conf/docutils.conf) run first;
this transform then ties what must not be split at a line end and fixes dashes:

- one-letter words (a, i, o, u, w, z, any case) keep the next word on their line;
- a number stays with its unit or abbreviation (2017 r., 10 zł, 5 %, 3 godz.) and an
  abbreviation with its number (art. 19a, nr 96, s. 5);
- large numbers are grouped in thousands with no-break spaces (26 000, 1 234 567);
- a spaced hyphen is a spaced en dash, and a hyphen between two numbers an en dash (6–8);
- an abbreviation's dot ends the sentence too: „… 2017 r..” (a date from the data, then the
  author's full stop) is „… 2017 r.”.

Code, literals, formulas and anything that looks like an address (URL, e-mail) are untouched.
Images' alternative text gets the same rules; strings from the settings and the templates get
them through ``site/strings.py``.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

NBSP = "\u00a0"
EN_DASH = "\u2013"

SINGLE_LETTER = re.compile(r"(?<![\w\-])([aiouwzAIOUWZ]) +")
UNITS = r"r\.|zł|%|km|m|godz\.|min|tys\.|mln|mld|os\.|pkt|proc\.|dni|lat"
NUMBER_UNIT = re.compile(rf"(?<=\d) +(?=(?:{UNITS})(?!\w))")
ABBREVIATION_NUMBER = re.compile(r"(?<!\w)(nr|art\.|ust\.|poz\.|pkt|s\.|str\.|rozdz\.|§) +(?=\d)")
GROUPED = re.compile(r"(?<![\d.,/\-])\d{1,3}(?:[ \u00a0]\d{3})+(?![\d\-/])")
UNGROUPED = re.compile(r"(?<![\d.,/\-:])\d{5,}(?![\d.,/\-])")
SPACED_HYPHEN = re.compile(r"(?<=\S) - (?=\S)")
NUMBER_RANGE = re.compile(r"(?<![\d\-])(\d{1,4})-(\d{1,4})(?![\d\-])")
ADDRESS = re.compile(r"(\S*(?:://|www\.|@)\S*)")
ABBREVIATIONS = r"r|godz|tys|mln|mld|os|proc|pkt|ok|ul|np|tj|wg|itd|itp|str|zob"
DOUBLE_DOT = re.compile(rf"(?<![\w.])((?:{ABBREVIATIONS})\.)\.(?!\.)")
ENDS_WITH_ABBREVIATION = re.compile(rf"(?<![\w.])(?:{ABBREVIATIONS})\.$")

# Text inside these is code, a formula or a URL: it is never touched ({kbd}, {samp}, {file}
# are literals; {command}, {program} literal_strong; {mimetype} literal_emphasis).
_VERBATIM = (
    nodes.literal,
    addnodes.literal_strong,
    addnodes.literal_emphasis,
    nodes.option_string,
    nodes.option_argument,
    nodes.literal_block,
    nodes.raw,
    nodes.math,
    nodes.math_block,
    nodes.comment,
    nodes.doctest_block,
    nodes.target,
)


def _group(match: re.Match[str]) -> str:
    digits = re.sub(r"[ \u00a0]", "", match.group())
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return NBSP.join(groups)


def _fix(text: str) -> str:
    text = SPACED_HYPHEN.sub(f" {EN_DASH} ", text)
    text = NUMBER_RANGE.sub(rf"\1{EN_DASH}\2", text)
    text = GROUPED.sub(_group, text)
    text = UNGROUPED.sub(_group, text)
    text = NUMBER_UNIT.sub(NBSP, text)
    text = ABBREVIATION_NUMBER.sub(rf"\1{NBSP}", text)
    text = DOUBLE_DOT.sub(r"\1", text)
    return SINGLE_LETTER.sub(rf"\1{NBSP}", text)


def polish_spacing(text: str) -> str:
    """Apply the rules to plain text, leaving addresses (URLs, e-mails) as they are."""
    parts = ADDRESS.split(text)
    return "".join(part if index % 2 else _fix(part) for index, part in enumerate(parts))


class PolishTypography(SphinxTransform):
    """Runs the rules over every text node outside verbatim elements."""

    # After docutils' smart quotes (750), so the quotes are already typographic.
    default_priority = 760

    def apply(self, **kwargs: object) -> None:
        for node in list(self.document.findall(nodes.Text)):
            if _verbatim(node):
                continue
            text = str(node)
            fixed = polish_spacing(text)
            if fixed.startswith(".") and not fixed.startswith("..") and _after_abbreviation(node):
                fixed = fixed[1:]
            if fixed != text:
                node.parent.replace(node, nodes.Text(fixed))
        # Alternative text is what a screen reader says and what shows when an image fails.
        for image in self.document.findall(nodes.image):
            if image.get("alt"):
                image["alt"] = polish_spacing(image["alt"])


def _after_abbreviation(node: nodes.Text) -> bool:
    """Whether the inline element just before *node* (a number, a date) ends with „r.” or alike."""
    parent = node.parent
    index = parent.index(node)
    if index == 0:
        return False
    previous = parent[index - 1]
    return isinstance(previous, nodes.Inline) and bool(ENDS_WITH_ABBREVIATION.search(previous.astext()))


def _verbatim(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _VERBATIM):
            return True
        if isinstance(parent, nodes.reference) and parent.astext() == parent.get("refuri"):
            return True  # an address shown as itself
        parent = parent.parent
    return False


def setup_typography(app: Sphinx) -> None:
    app.add_transform(PolishTypography)
