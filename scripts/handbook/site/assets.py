"""The site's page frame: one stylesheet, one script, the strings and context the layout reads.

sphinx-book-theme (on pydata-sphinx-theme) supplies the page context; the markup, the stylesheet
and the script are the engine's own (site/theme/templates/layout.html, theme/css/, theme/static/
handbook.js). The theme's own assets weigh 2.4 MB per page (a 1.5 MB icon font script for ten
icons, Bootstrap, a 377 KB stylesheet nine-tenths unused, Sphinx's search index loaded on
every page although search is Pagefind's) and its navigation toggles did not work on phones.

The stylesheet is every file in theme/css/ joined in name order, with the book's colours in
place of the placeholders, written as ``_static/handbook.css``. The theme's and Sphinx's static
files that no page loads are removed from the output (Sphinx's search index is not even made:
site/html.py).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from pygments.formatters import HtmlFormatter
from sphinx.application import Sphinx
from sphinx.environment.adapters.toctree import document_toc

from handbook.site.html import THEME

CSS_PARTS = THEME / "css"
SCRIPT = THEME / "static" / "handbook.js"
STYLESHEET = "handbook.css"
# Code highlighting with contrast of at least 7:1 in both modes.
PYGMENTS = {"light": "a11y-high-contrast-light", "dark": "a11y-high-contrast-dark"}
# In _static, what Sphinx and the theme copy there and no page of this site loads.
UNUSED_STATIC = (
    "scripts",
    "styles",
    "vendor",
    "locales",
    "images",
    "webpack-macros.html",
    "basic.css",
    "pygments.css",
    "doctools.js",
    "documentation_options.js",
    "sphinx_highlight.js",
    "searchtools.js",
    "language_data.js",
    "translations.js",
    "base-stemmer.js",
    "english-stemmer.js",
    "file.png",
    "minus.png",
    "plus.png",
    "tozsamosc.css",
    "sbt-webpack-macros.html",
)


def stylesheet(primary: str, accent: str) -> str:
    """The whole stylesheet of the site: the parts in name order, then code highlighting."""
    parts = [path.read_text(encoding="utf-8") for path in sorted(CSS_PARTS.glob("*.css"))]
    for mode, style in PYGMENTS.items():
        rules = HtmlFormatter(style=style).get_style_defs(f'html[data-theme="{mode}"] .highlight')
        # The block's background is the theme's; the token colours are the style's.
        parts.append(
            "\n".join(line for line in rules.splitlines() if "{ background:" not in line or " .hll " in line)
        )
    css = "\n".join(parts)
    return css.replace("@KOLOR_PODSTAWOWY@", primary).replace("@KOLOR_AKCENT@", accent)


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:12]


def on_builder_inited(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    from handbook.site.strings import plain_text, typo

    # Titles keep their no-break spaces (Jinja's striptags would turn them into spaces).
    app.builder.templates.environment.filters["plain_text"] = plain_text  # type: ignore[attr-defined]
    app.builder.templates.environment.filters["typo"] = typo  # type: ignore[attr-defined]
    colours = app.config.html_context
    css = stylesheet(colours["kolor_podstawowy"], colours["kolor_akcent"])
    script = SCRIPT.read_bytes()
    app.handbook_assets = {  # type: ignore[attr-defined]
        "css": css,
        "names": {
            "css": f"{STYLESHEET}?v={_digest(css.encode('utf-8'))}",
            "js": f"{SCRIPT.name}?v={_digest(script)}",
        },
    }


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    assets = getattr(app, "handbook_assets", None)
    if assets is None:
        return
    context["handbook_assets"] = assets["names"]
    if "body" in context:
        # A code block that scrolls sideways is reachable by keyboard (WCAG 2.1.1). Markup
        # only: text in the body is escaped, so "<pre>" there is always the element.
        context["body"] = str(context["body"]).replace("<pre>", '<pre tabindex="0">')
    context["handbook_page_toc"] = _page_toc(app, pagename) if isinstance(doctree, nodes.document) else ""
    context["handbook_description"] = _description(app, pagename)
    base = app.config.html_baseurl
    context["handbook_page_url"] = (
        base + ("" if pagename == app.config.root_doc else app.builder.get_target_uri(pagename))
        if base
        else ""
    )
    context["handbook_logo"] = app.config.handbook_logo if pagename == app.config.root_doc else None
    mark = app.config.html_favicon
    context["handbook_mark"] = Path(mark).name if mark else ""


def _page_toc(app: Sphinx, pagename: str) -> str:
    """The page's sections as a nested list, without the page title itself; "" if none."""
    toc = document_toc(app.env, pagename, app.tags)
    top = next(iter(toc.findall(nodes.list_item)), None)
    inner = next((c for c in top.children if isinstance(c, nodes.bullet_list)), None) if top else None
    if inner is None or not inner.children:
        return ""
    return str(app.builder.render_partial(inner)["fragment"])


def _description(app: Sphinx, pagename: str) -> str:
    """The chapter's summary from its front matter: the page's meta description."""
    from handbook.site.strings import typo
    from handbook.sphinxext.frontmatter import stored_front_matter

    front = stored_front_matter(app.env).get(pagename)
    if front is not None:
        return typo(" ".join(front.streszczenie.split()))
    if pagename == app.config.root_doc:
        return typo(str(app.config.handbook_book_description))
    return ""


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    assets = getattr(app, "handbook_assets", None)
    if exception is not None or assets is None:
        return
    static = Path(app.outdir) / "_static"
    for name in UNUSED_STATIC:
        _remove(static / name)
    (static / STYLESHEET).write_text(assets["css"], encoding="utf-8")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def setup_assets(app: Sphinx) -> None:
    app.add_config_value("handbook_book_description", "", "html", types=[str])
    app.add_config_value("handbook_logo", {}, "html", types=[dict])
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", on_page_context)
    # Last: pydata-sphinx-theme writes its pygments.css at build-finished too.
    app.connect("build-finished", on_build_finished, priority=900)
