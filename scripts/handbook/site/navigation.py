"""The chapter navigation (the sidebar and the menu that clones it), rendered once per build.

Sphinx's ``toctree()`` in a template resolves the whole global toctree for every page, deep
copying every chapter's table of contents and rendering the result through docutils: at 200
chapters that was about 40 % of the HTML build, and it grows with pages × chapters. What
differs between pages is only which entry is the current page (``current`` classes, ``href="#"``)
and the relative addresses. So the toctree is resolved and rendered once per build, with a token
in place of each link's address; each page then gets the addresses seen from it and its
``current`` marks by string replacement, in exactly the markup Sphinx writes
(``tests/test_site_build.py`` compares every page with Sphinx's own ``toctree()``).

The rendering is cached on the builder, which lives for one build: an incremental build (a
chapter added, removed or retitled) never sees a stale navigation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment.adapters.toctree import global_toctree_for_doc

# What the layout asked of Sphinx's toctree(): every chapter and appendix, titles only.
OPTIONS: dict[str, Any] = {"collapse": False, "includehidden": True, "titles_only": True, "maxdepth": 1}
# A link's address while the navigation waits for a page: its target document between two
# characters of Unicode's private use area, which no document name contains.
_OPEN, _CLOSE = "\ue000", "\ue001"
# A token and what follows it up to the end of the attribute (an anchor, if any).
_TOKEN = re.compile(f'{_OPEN}([^{_CLOSE}]*){_CLOSE}([^"]*)"')
# A top-level entry as Sphinx writes it when it is not the current page's.
_ITEM = '<li class="toctree-l1"><a class="reference internal" href="{}">'
_ENTRY = re.compile(re.escape(_ITEM).replace(r"\{\}", f"{_OPEN}([^{_CLOSE}]*){_CLOSE}"))
# A name no document has: the navigation resolved for it marks nothing as current.
_NOWHERE = _OPEN


class _TargetsBuilder:
    """Stands in for the builder while the toctree is resolved: a link's address names its target."""

    @staticmethod
    def get_relative_uri(from_: str, to: str, typ: str | None = None) -> str:
        return f"{_OPEN}{to}{_CLOSE}"


@dataclass(frozen=True)
class Navigation:
    """The rendered navigation with tokens for addresses, and the branch of every chapter."""

    html: str
    # Per document, the top-level entries whose branch holds it (itself or a document that a
    # toctree of the entry's document includes, at any depth).
    branches: dict[str, tuple[str, ...]]

    def for_page(self, builder: Any, pagename: str) -> str:
        """The navigation as Sphinx's ``toctree(**OPTIONS)`` renders it on *pagename*."""
        html = self.html
        for entry in self.branches.get(pagename, ()):
            html = _mark_current(html, entry, entry == pagename)

        def address(match: re.Match[str]) -> str:
            uri = builder.get_relative_uri(pagename, match[1]) + match[2]
            return (uri or "#") + '"'  # the HTML writer's address of a link to the page itself

        return _TOKEN.sub(address, html)


def _token(docname: str) -> str:
    return f"{_OPEN}{docname}{_CLOSE}"


def _mark_current(html: str, entry: str, is_page: bool) -> str:
    """The classes Sphinx gives the branch of the current page: its items, lists and links."""
    item = _ITEM.format(_token(entry))
    link = "current reference internal" if is_page else "reference internal"
    marked = f'<li class="toctree-l1 current"><a class="{link}" href="{_token(entry)}">'
    while (at := html.find(item)) >= 0:  # every entry of it, as Sphinx marks every one
        start = html.rfind("<ul", 0, at)
        end = html.index(">", start) + 1
        tag = html[start:end]
        tag = (
            '<ul class="current">'
            if tag == "<ul>"
            else re.sub(r'class="([^"]*)"', r'class="\1 current"', tag, count=1)
        )
        html = html[:start] + tag + html[end:at] + marked + html[at + len(item) :]
    return html


def build_navigation(app: Sphinx) -> Navigation:
    """Sphinx's own resolution of the global toctree, once, seen from no page."""
    env = app.env
    tree = global_toctree_for_doc(env, _NOWHERE, _TargetsBuilder(), tags=app.builder.tags, **OPTIONS)  # type: ignore[arg-type]
    html = str(app.builder.render_partial(tree)["fragment"]) if tree is not None else ""
    branches: dict[str, list[str]] = {}
    for entry in dict.fromkeys(_ENTRY.findall(html)):
        for docname in _branch(env.toctree_includes, entry):
            branches.setdefault(docname, []).append(entry)
    return Navigation(html, {docname: tuple(found) for docname, found in branches.items()})


def _branch(includes: dict[str, list[str]], top: str) -> set[str]:
    """*top* and every document its toctrees include, at any depth (a cycle ends the walk)."""
    found: set[str] = set()
    todo = [top]
    while todo:
        docname = todo.pop()
        if docname not in found:
            found.add(docname)
            todo.extend(includes.get(docname, ()))
    return found


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """The page's ``toctree()``: the navigation of this build, for the layout's one call.

    Other arguments go to Sphinx's own. Before other handlers (priority 300), so that one that
    replaces ``toctree()`` for its page (sphinx-notfound-page's absolute links on 404, at 400) still does.
    """
    sphinx_toctree = context.get("toctree")
    if app.builder.format != "html" or sphinx_toctree is None:
        return

    def toctree(**kwargs: Any) -> str:
        if kwargs != OPTIONS:
            return str(sphinx_toctree(**kwargs))
        return _navigation(app).for_page(app.builder, pagename)

    context["toctree"] = toctree


def _navigation(app: Sphinx) -> Navigation:
    """This build's navigation, made when the first page asks: every document is read by then."""
    navigation = getattr(app.builder, "handbook_navigation", None)
    if navigation is None:
        navigation = app.builder.handbook_navigation = build_navigation(app)  # type: ignore[attr-defined]
    return navigation


def setup_navigation(app: Sphinx) -> None:
    app.connect("html-page-context", on_page_context, priority=300)
