"""The Sphinx extension of the engine: ``setup`` reads like a table of contents."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from handbook import __version__
from handbook.pdf.builder import setup_pdf
from handbook.site.assets import setup_assets
from handbook.site.html import setup_site
from handbook.site.incremental import setup_incremental
from handbook.site.math import setup_math
from handbook.site.navigation import setup_navigation
from handbook.sphinxext.boundary import setup_boundary
from handbook.sphinxext.charts import setup_charts
from handbook.sphinxext.frontmatter import setup_frontmatter
from handbook.sphinxext.numbering import setup_numbering
from handbook.sphinxext.numbers import setup_numbers
from handbook.sphinxext.opendata import setup_opendata
from handbook.sphinxext.outlines import setup_outlines
from handbook.sphinxext.parser import setup_parser
from handbook.sphinxext.personal import setup_personal
from handbook.sphinxext.readtime import setup_readtime
from handbook.sphinxext.safety import setup_safety
from handbook.sphinxext.tables import setup_tables
from handbook.sphinxext.typography import setup_typography


def setup(app: Sphinx) -> dict[str, Any]:
    # Configuration
    app.add_config_value("handbook_code_digest", "", "env", types=[str])
    # Builders
    setup_pdf(app)  # -b typst: the print PDF
    setup_math(app)  # HTML: formulas as MathML written at build time
    setup_tables(app)  # HTML: every table scrolls sideways in its own box under a fixed caption
    # Parser
    setup_parser(app)  # MyST with the book's config: {{ name }} as plain values, links checked
    # Directives
    setup_charts(app)  # ```{wykres} name```
    setup_opendata(app)  # ```{dane-projektu}```: the data appendix from the schema
    setup_boundary(app)  # include, literalinclude, csv-table, raw, images, downloads: book files only
    # Roles
    setup_numbers(app)  # {dane}`name`: a number from the data
    # Transforms
    setup_safety(app)  # raw HTML on an allow-list, no javascript: links, no <meta> refresh
    setup_typography(app)  # no-break space after one-letter words
    setup_personal(app)  # no e-mail, phone or PESEL in a page but the book's public contact
    # Events
    setup_frontmatter(app)  # chapter metadata → heading and byline
    setup_outlines(app)  # figures numbered from each document's outline, no doctree unpickled
    setup_readtime(app)  # a chapter saved during a build is read again by the next one
    setup_numbering(app)  # appendices numbered A.1, B.1…; references „tab. 3.1”, „rys. 3.2”
    setup_site(app)  # HTML: PDF download link, Pagefind search page
    setup_assets(app)  # HTML: the page frame's stylesheet, script and strings
    setup_navigation(app)  # HTML: the chapter navigation, rendered once per build
    setup_incremental(app)  # HTML: only the pages a change touches are written again
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
