"""HTML-only reader features: the PDF download link and the Pagefind search page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from handbook.build import PDF_FOLDER
from handbook.search import BUNDLE


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    pdf = Path(app.config.handbook_pdf_file) if app.config.handbook_pdf_file else None
    # The link appears only when a PDF exists to copy into the site (make builds it first).
    context["handbook_pdf"] = f"{PDF_FOLDER}/{pdf.name}" if pdf and pdf.exists() else ""
    context["handbook_pagefind"] = BUNDLE
    if pagename == "search":
        # Pagefind replaces Sphinx's own search, which treats Polish as English.
        context["script_files"] = [
            s
            for s in context.get("script_files", [])
            if "searchtools" not in str(s) and "language_data" not in str(s)
        ]


def setup_site(app: Sphinx) -> None:
    app.add_config_value("handbook_pdf_file", "", "html", types=[str])
    app.connect("html-page-context", on_page_context)
