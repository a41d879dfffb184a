"""HTML-only reader features: the PDF download link, the Pagefind search page and the sitemap."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from sphinx.application import Sphinx

from handbook.site.indexing import prepare_body, reader_pages
from handbook.site.search import BUNDLE

# Where the site offers the PDF: <site>/pdf/<nazwa_pliku>.pdf
PDF_FOLDER = "pdf"
# Templates, translations and the identity stylesheet that every book's site uses.
THEME = Path(__file__).resolve().parent / "theme"
SITEMAP = "sitemap.xml"
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    # Empty when no PDF exists to copy into the site (make builds it first). A configuration
    # value, so Sphinx itself rewrites every page when the link appears or goes.
    context["handbook_pdf"] = app.config.handbook_pdf_link
    context["handbook_pagefind"] = BUNDLE
    page = app.config.handbook_accessibility_page
    context["handbook_accessibility_page"] = page if page in app.env.all_docs else ""
    # The layout puts the article into the search index (data-pagefind-body) only when true:
    # the book's pages, not the search page, the index of terms, 404 or the authors' guide, and
    # not the home page either: its contents list would answer every query with a list of links.
    indexed = pagename in reader_pages(app.env, page) and pagename != app.config.root_doc
    context["handbook_indexed"] = indexed
    # Ids on headings, what the index ignores, the „ł” words' spellings with „l” (indexing.py).
    if isinstance(context.get("body"), str) and context["body"]:
        context["body"] = prepare_body(context["body"], fold=indexed)


def without_sphinx_search(app: Sphinx) -> None:
    """No Sphinx search index: Pagefind is the search, run on the built site (site/search.py).

    Sphinx's indexer would tokenise every page (about a tenth of the build) into a
    ``searchindex.js`` that no page loads. The builder's own switch turns it off, together with
    the search page, which the engine writes itself: Pagefind's interface (theme/search.html).
    """
    if app.builder.format == "html":
        app.builder.search = False  # type: ignore[attr-defined]
        app.connect("html-collect-pages", _search_page)


def _search_page(app: Sphinx) -> list[tuple[str, dict[str, Any], str]]:
    return [("search", {}, "search.html")]


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """``sitemap.xml``: every page of the book, whichever pages this build happened to write.

    The pages a reader searches (``reader_pages``), the home page by the site's address itself.

    Not sphinx-sitemap: it lists only the pages written by the current build (a few after an
    incremental one) and starts a multiprocessing manager process in every build, the PDF's
    included, which a killed build leaves running.
    """
    if exception is not None or app.builder.format != "html" or not app.config.html_baseurl:
        return
    base = app.config.html_baseurl
    urlset = ElementTree.Element("urlset", xmlns=SITEMAP_NAMESPACE)
    root = app.config.root_doc
    pages = reader_pages(app.env, app.config.handbook_accessibility_page)
    for docname in sorted(pages, key=lambda d: (d != root, d)):  # the home page first
        url = ElementTree.SubElement(urlset, "url")
        address = "" if docname == root else app.builder.get_target_uri(docname)
        ElementTree.SubElement(url, "loc").text = base + address
    ElementTree.ElementTree(urlset).write(
        Path(app.outdir) / SITEMAP, xml_declaration=True, encoding="utf-8", method="xml"
    )


def setup_site(app: Sphinx) -> None:
    app.add_config_value("handbook_pdf_link", "", "html", types=[str])
    app.add_config_value("handbook_accessibility_page", "", "html", types=[str])
    app.connect("builder-inited", without_sphinx_search)
    app.connect("html-page-context", on_page_context)
    app.connect("build-finished", write_sitemap)
