"""Raw HTML and link targets in chapters are checked while reading: unsafe ones never reach
the site (the build stops with file and line, and the previous site stays)."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from handbook.sphinxext.html_policy import html_problems, unsafe_url

logger = logging.getLogger(__name__)


class RawHtmlGuard(SphinxTransform):
    default_priority = 200

    def apply(self, **kwargs: object) -> None:
        for node in list(self.document.findall(nodes.raw)):
            if "html" not in node.get("format", "").split():
                continue
            problems = html_problems(node.astext())
            for problem in problems:
                logger.warning(problem + ".", location=node, type="handbook", subtype="html")
            if problems:
                node.parent.remove(node)
        for node in list(self.document.findall(nodes.reference)):
            if unsafe_url(node.get("refuri", "")):
                logger.warning(
                    f"odnośnik „{node['refuri'][:40]}” jest zabroniony (skrypt w adresie).",
                    location=node,
                    type="handbook",
                    subtype="html",
                )
                node.replace_self(nodes.Text(node.astext()))


def setup_safety(app: Sphinx) -> None:
    app.add_transform(RawHtmlGuard)
