"""HTML-only reader features: the PDF download link and the Pagefind search page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from handbook.site.search import BUNDLE

# Where the site offers the PDF: <site>/pdf/<nazwa_pliku>.pdf
PDF_FOLDER = "pdf"
# Templates, translations and the identity stylesheet that every book's site uses.
THEME = Path(__file__).resolve().parent / "theme"


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    pdf = Path(app.config.handbook_pdf_file) if app.config.handbook_pdf_file else None
    # The link appears only when a PDF exists to copy into the site (make builds it first).
    context["handbook_pdf"] = f"{PDF_FOLDER}/{pdf.name}" if pdf and pdf.exists() else ""
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


def setup_site(app: Sphinx) -> None:
    app.add_config_value("handbook_pdf_file", "", "html", types=[str])
    app.add_config_value("handbook_accessibility_page", "", "html", types=[str])
    app.connect("html-page-context", on_page_context)
