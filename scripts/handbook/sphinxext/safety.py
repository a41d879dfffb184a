"""No active content from chapters: raw HTML, link targets and <meta> judged while reading."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from handbook.sphinxext.boundary import located
from handbook.sphinxext.html_policy import (
    PLACEHOLDER,
    PLACEHOLDER_INDEX,
    inspect,
    is_comment,
    local_name,
    url_problem,
)

logger = logging.getLogger(__name__)


class inline_tag(nodes.Inline, nodes.TextElement):
    """One of the allowed HTML tags without a docutils equivalent (``tag``: br, small, mark, s, u)."""


def _tag(tag: str) -> Callable[[ET.Element], nodes.Element]:
    return lambda element: inline_tag("", tag=tag)


# Allowed tag → the node that means the same in every builder.
_NODES: dict[str, Callable[[ET.Element], nodes.Element]] = {
    "sub": lambda element: nodes.subscript(),
    "sup": lambda element: nodes.superscript(),
    "abbr": lambda element: nodes.abbreviation(explanation=element.get("title", "")),
    # What Sphinx's :kbd: role makes: <kbd> on the site, a code font in print.
    "kbd": lambda element: nodes.literal(classes=["kbd"]),
    **{tag: _tag(tag) for tag in ("br", "small", "mark", "s", "u")},
}


def _warn(node: nodes.Node, message: str) -> None:
    logger.warning(message + ".", location=located(node), type="handbook", subtype="html")


def _converted(element: ET.Element, others: list[nodes.Node]) -> list[nodes.Node]:
    """The content of a parsed, allowed fragment as docutils nodes."""
    result: list[nodes.Node] = [nodes.Text(element.text)] if element.text else []
    for child in element:
        if is_comment(child):
            pass  # an author's note: never published
        elif local_name(child) == PLACEHOLDER:
            result.append(others[int(child.get(PLACEHOLDER_INDEX, "0"))])
        else:
            node = _NODES[local_name(child)](child)
            node.extend(_converted(child, others))
            result.append(node)
        if child.tail:
            result.append(nodes.Text(child.tail))
    return result


def _is_html(node: nodes.raw) -> bool:
    return node.get("format", "").split() == ["html"]


# What MyST writes for a hard line break (a "\" or two spaces at a line end): the same break
# as raw HTML and then as raw LaTeX.
_HARD_BREAK = ("<br />\n", "\\\\\n")


def _hard_breaks(document: nodes.document) -> None:
    """MyST's hard line break becomes the engine's own line-break node, in every builder."""
    for raw in list(document.findall(nodes.raw)):
        parent = raw.parent
        if parent is None or not _is_html(raw) or raw.astext() != _HARD_BREAK[0]:
            continue
        following = parent[parent.index(raw) + 1 : parent.index(raw) + 2]
        latex = following[0] if following and isinstance(following[0], nodes.raw) else None
        if latex is not None and latex.get("format") == "latex" and latex.astext() == _HARD_BREAK[1]:
            parent.remove(latex)
            raw.replace_self(inline_tag("", tag="br"))


class RawContent(SphinxTransform):
    """Raw HTML becomes allowed inline nodes or is refused; raw content of other formats is refused.

    What the policy (html_policy.py) allows becomes ordinary nodes that both the site and the PDF
    render, and nothing an author wrote reaches a page as raw markup. Raw content for another
    format (Typst, LaTeX…) is refused in every build, so nothing reaches the PDF unchecked either.
    """

    # Before typography and smart quotes, which then treat the converted text like any other.
    default_priority = 200

    def apply(self, **kwargs: Any) -> None:
        _hard_breaks(self.document)
        parents: dict[int, nodes.Element] = {}
        for raw in list(self.document.findall(nodes.raw)):
            if not _is_html(raw):
                _warn(
                    raw,
                    f"wstawka w formacie „{raw.get('format', '')}” jest niedozwolona: trafiłaby do "
                    "strony lub PDF bez sprawdzenia; zastąp ją zwykłym tekstem Markdown",
                )
                raw.parent.remove(raw)
            elif isinstance(raw.parent, nodes.TextElement):
                parents.setdefault(id(raw.parent), raw.parent)
            else:
                self._block(raw)
        for parent in parents.values():
            self._inline(parent)

    def _inline(self, parent: nodes.Element) -> None:
        """Raw inline HTML is one tag per node: the paragraph's pieces are judged together."""
        children = list(parent.children)
        raws = [child for child in children if isinstance(child, nodes.raw)]
        pieces = [
            child.astext() if isinstance(child, nodes.raw) and _is_html(child) else None for child in children
        ]
        fragment = inspect(pieces)
        if fragment.problems:
            for problem in fragment.problems:
                _warn(raws[0], problem)
            for raw in raws:
                parent.remove(raw)
            return
        parent.children = []
        parent.extend(_converted(fragment.root, children))

    def _block(self, raw: nodes.raw) -> None:
        fragment = inspect([raw.astext()])
        for problem in fragment.problems:
            _warn(raw, problem)
        content = [] if fragment.problems else _converted(fragment.root, [])
        if any(not isinstance(n, nodes.Text) or n.strip() for n in content):
            paragraph = nodes.paragraph("", "", *content)
            paragraph.source, paragraph.line = raw.source, raw.line
            raw.replace_self(paragraph)
        else:
            raw.parent.remove(raw)


class SafeLinks(SphinxTransform):
    """Link targets that did not come through MyST's link syntax (rST, images' :target:, toctree)."""

    # After docutils resolves named references (640), before the "doctree-read" event (880).
    default_priority = 865

    def apply(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.reference)):
            problem = url_problem(node.get("refuri", ""))
            if problem:
                _warn(node, problem)
                node.replace_self(nodes.inline("", "", *node.children))
        for node in list(self.document.findall(nodes.target)):
            problem = url_problem(node.get("refuri", ""))
            if problem:
                _warn(node, problem)
                del node["refuri"]
        for toctree in self.document.findall(addnodes.toctree):
            kept = []
            for title, reference in toctree["entries"]:
                # Sphinx takes an entry with "//" for an external address, anything else for a page.
                problem = url_problem(reference) if "//" in reference else None
                if problem:
                    _warn(toctree, problem)
                else:
                    kept.append((title, reference))
            toctree["entries"] = kept
        for meta in list(self.document.findall(nodes.meta)):
            if "http-equiv" in meta.attributes or "charset" in meta.attributes:
                _warn(
                    meta,
                    "znacznik <meta http-equiv> jest zabroniony (np. „refresh” przekierowałby "
                    "czytelników na inną stronę)",
                )
                meta.parent.remove(meta)


class NoMeta(Directive):
    """``meta``: a page's <meta> tags are the engine's (a "refresh" would send readers away)."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        source, line = self.state_machine.get_source_and_line(self.lineno)
        logger.warning(
            "dyrektywa „meta” jest niedozwolona: znaczniki <meta> strony ustala podręcznik "
            "(np. „refresh” przekierowałby czytelników na inną stronę).",
            location=f"{source}:{line}",
            type="handbook",
            subtype="html",
        )
        return []


def visit_inline_tag_html(self: HTML5Translator, node: inline_tag) -> None:
    # The tag comes from the engine's allow-list, never from the author's text.
    self.body.append(self.starttag(node, node["tag"], "", empty=node["tag"] == "br"))


def depart_inline_tag_html(self: HTML5Translator, node: inline_tag) -> None:
    if node["tag"] != "br":
        self.body.append(f"</{node['tag']}>")


# rST directives whose work docutils leaves to a transform Sphinx does not run inside a MyST
# page, and what the author can write instead.
_UNFINISHED = {
    "Contents": "contents (spis treści strony): użyj ```{contents}``` poza blokiem {eval-rst}",
    "SectNum": "sectnum (numeracja sekcji): numery nadaje spis treści w index.md (:numbered:)",
    "TargetNotes": "target-notes (przypisy z adresami): wpisz adresy w tekście albo w przypisach",
}


class UnfinishedDirectives(SphinxTransform):
    """An rST directive in ```{eval-rst}``` that left a ``pending`` node: refused at its line.

    Any writer would stop on the node with an English traceback.
    """

    default_priority = 880

    def apply(self, **kwargs: Any) -> None:
        for pending in list(self.document.findall(nodes.pending)):
            name = getattr(pending.transform, "__name__", "")
            what = _UNFINISHED.get(name, f"{name or 'nieznana'}: usuń ją z bloku {{eval-rst}}")
            logger.warning(
                f"dyrektywa rST {what} — w rozdziałach Markdown nie jest obsługiwana",
                location=located(pending),
                type="handbook",
                subtype="rst",
            )
            pending.parent.remove(pending)


def setup_safety(app: Sphinx) -> None:
    app.add_node(inline_tag, html=(visit_inline_tag_html, depart_inline_tag_html))
    app.add_directive("meta", NoMeta, override=True)
    app.add_transform(RawContent)
    app.add_transform(SafeLinks)
    app.add_transform(UnfinishedDirectives)
