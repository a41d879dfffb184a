"""Polish typesetting rules applied to the text of every document, for HTML and PDF alike."""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

NBSP = "\u00a0"
# A one-letter word (a, i, o, u, w, z — any case) must not end a line: the space after it
# becomes a no-break space. "Word" means: not preceded by a letter, digit or hyphen.
SINGLE_LETTER = re.compile(r"(?<![\w\-])([aiouwzAIOUWZ]) +")

# Text inside these is code, a formula or a URL: it is never touched.
_VERBATIM = (
    nodes.literal,
    nodes.literal_block,
    nodes.raw,
    nodes.math,
    nodes.math_block,
    nodes.comment,
    nodes.doctest_block,
    nodes.target,
)


def polish_spacing(text: str) -> str:
    return SINGLE_LETTER.sub(rf"\1{NBSP}", text)


class PolishTypography(SphinxTransform):
    """No-break space after one-letter words, in every text node outside verbatim elements."""

    # After docutils' smart quotes (750), so the quotes are already typographic.
    default_priority = 760

    def apply(self, **kwargs: object) -> None:
        for node in list(self.document.findall(nodes.Text)):
            if _verbatim(node):
                continue
            text = str(node)
            fixed = polish_spacing(text)
            if fixed != text:
                node.parent.replace(node, nodes.Text(fixed))


def _verbatim(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _VERBATIM):
            return True
        parent = parent.parent
    return False


def setup_typography(app: Sphinx) -> None:
    app.add_transform(PolishTypography)
