"""Sphinx numbers figures, tables and listings from each document's outline, not its doctree.

On every build, however small the change, Sphinx's TocTreeCollector walks the doctree of every
document to number the captioned objects: at 200 chapters, unpickling 200 doctrees took half of
an HTML build after a one-paragraph edit. The walk looks only at sections, toctrees and the
numbered objects with their captions. So when a document is read, its outline is kept in the
environment: those nodes alone, in document order, each numbered object with its caption (and,
for a listing, its code block without the code). While the collector numbers, the environment
hands it the outlines; every other reader of a doctree gets the doctree itself.

The walk gives the same numbers on an outline as on the doctree, because everything it skips
(paragraphs, lists, admonitions…) only passes its children on with the same section number;
``tests/test_outlines.py`` compares the numbers of a book with and without outlines.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

# Not "handbook_…": the site's digest of what pages show of each other (site/incremental.py)
# does not take outlines in; the numbers they give are in it.
_OUTLINES = "_handbook_outlines"


def _outlines(env: BuildEnvironment) -> dict[str, nodes.Element]:
    if not hasattr(env, _OUTLINES):
        setattr(env, _OUTLINES, {})
    return getattr(env, _OUTLINES)  # type: ignore[no-any-return]


def outline(env: BuildEnvironment, doctree: nodes.Element) -> nodes.Element:
    """The sections, toctrees and numbered objects of *doctree*, as the numbering walks them."""
    domains = list(env.domains.sorted())
    standard = env.domains.standard_domain

    def numbered(node: nodes.Element) -> bool:
        return any(domain.get_enumerable_node_type(node) for domain in domains)

    def walk(parent: nodes.Element) -> list[nodes.Node]:
        kept: list[nodes.Node] = []
        for child in parent.children:
            if isinstance(child, nodes.section):
                shell = child.copy()
                shell.extend(walk(child))
                kept.append(shell)
            elif isinstance(child, addnodes.toctree):
                kept.append(child.copy())  # its entries are attributes
            elif isinstance(child, nodes.Element):
                inner = walk(child)
                if not numbered(child):
                    kept.extend(inner)  # the walk passes through it with the same number
                    continue
                if standard.enumerable_nodes.get(child.__class__, (None, None))[1] is not None:
                    kept.append(copy.deepcopy(child))  # a title getter may look anywhere
                    continue
                shell = child.copy()
                for part in child.children:
                    if isinstance(part, (nodes.caption, nodes.title)):
                        shell.append(part.deepcopy())
                    elif isinstance(part, nodes.literal_block):
                        shell.append(part.copy())
                shell.extend(inner)
                kept.append(shell)
        return kept

    root = nodes.Element()
    root.extend(walk(doctree))
    for node in root.findall():
        # A copy keeps a link to the whole document, and an element its source text: pickled
        # with the environment, the outlines would weigh what the doctrees do.
        node._document = None
        if isinstance(node, nodes.Element):
            node.rawsource = ""
    return root


def keep_outline(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: the outline of the document just read."""
    env = app.env
    _outlines(env)[env.docname] = outline(env, doctree)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _outlines(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = _outlines(other)
    _outlines(env).update({name: theirs[name] for name in docnames if name in theirs})


class _OutlinesFirst:
    """Stands in for ``env.get_doctree`` while the collector numbers: an outline when there is one."""

    def __init__(self, env: BuildEnvironment, get_doctree: Callable[[str], Any]) -> None:
        self.outlines = _outlines(env)
        self.get_doctree = get_doctree

    def __call__(self, docname: str) -> Any:
        found = self.outlines.get(docname)
        return found if found is not None else self.get_doctree(docname)


def _lend(app: Sphinx, env: BuildEnvironment) -> list[str]:
    env.get_doctree = _OutlinesFirst(env, env.get_doctree)  # type: ignore[method-assign]
    return []


def _take_back(app: Sphinx, env: BuildEnvironment) -> list[str]:
    if isinstance(vars(env).get("get_doctree"), _OutlinesFirst):
        del env.get_doctree  # the method again; the environment is pickled without the stand-in
    return []


def setup_outlines(app: Sphinx) -> None:
    app.connect("doctree-read", keep_outline, priority=900)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    # Around Sphinx's TocTreeCollector, which numbers at the default priority (500).
    app.connect("env-get-updated", _lend, priority=450)
    app.connect("env-get-updated", _take_back, priority=550)
