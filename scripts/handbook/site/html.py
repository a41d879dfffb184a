"""HTML-only reader features: the PDF download link, the Pagefind search page and the sitemap."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from docutils import nodes
from sphinx.application import Sphinx

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
    context["handbook_search_variants"] = _l_variants(doctree)
    if pagename == "search":
        # Pagefind replaces Sphinx's own search, which treats Polish as English.
        context["script_files"] = [
            s
            for s in context.get("script_files", [])
            if "searchtools" not in str(s) and "language_data" not in str(s)
        ]


def _l_variants(doctree: object) -> str:
    """Words with „ł” spelled with „l”, for the search index only.

    Pagefind folds diacritics by Unicode decomposition, which turns „ą” into „a” but leaves
    „ł” alone (it has no decomposition), so „slowniczek” would not find „słowniczek”. The
    page carries these spellings in a hidden element that only the index reads.
    """
    if not isinstance(doctree, nodes.document):
        return ""
    words = {
        word.lower().replace("ł", "l")
        for text in doctree.findall(nodes.Text)
        for word in re.findall(r"\w*[łŁ]\w*", str(text))
    }
    return " ".join(sorted(words))


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """``sitemap.xml``: every page of the book, whichever pages this build happened to write.

    Not sphinx-sitemap: it lists only the pages written by the current build (a few after an
    incremental one) and starts a multiprocessing manager process in every build, the PDF's
    included, which a killed build leaves running.
    """
    if exception is not None or app.builder.format != "html" or not app.config.html_baseurl:
        return
    base = app.config.html_baseurl
    urlset = ElementTree.Element("urlset", xmlns=SITEMAP_NAMESPACE)
    for docname in sorted(app.env.found_docs):
        url = ElementTree.SubElement(urlset, "url")
        ElementTree.SubElement(url, "loc").text = base + app.builder.get_target_uri(docname)
    ElementTree.ElementTree(urlset).write(
        Path(app.outdir) / SITEMAP, xml_declaration=True, encoding="utf-8", method="xml"
    )


def setup_site(app: Sphinx) -> None:
    app.add_config_value("handbook_pdf_link", "", "html", types=[str])
    app.add_config_value("handbook_accessibility_page", "", "html", types=[str])
    app.connect("html-page-context", on_page_context)
    app.connect("build-finished", write_sitemap)
