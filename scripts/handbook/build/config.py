"""Sphinx configuration derived from a book's settings; the engine's build/conf.py only calls this."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import sys
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from handbook import fmt
from handbook.identity import Identity, identity
from handbook.images import image_size
from handbook.settings import Settings
from handbook.site.html import PDF_FOLDER, THEME
from handbook.site.math import RENDERER as MATH_RENDERER
from handbook.site.strings import site_strings
from handbook.sphinxext.typography import polish_spacing

# MyST syntax a chapter may use; `handbook sprawdz` parses with the same. No "substitution"
# (its Jinja2 runs code) and no "html_image"/"html_admonition" (raw HTML the policy would miss).
MYST_EXTENSIONS = ("colon_fence", "deflist", "fieldlist", "attrs_inline")


def sphinx_config(settings: Settings) -> dict[str, Any]:
    pub, project = settings.publication, settings.project
    ident = identity(settings)
    partnership = f"Partnerstwo projektu „{project.name}”"
    return {
        "project": pub.title,
        "author": partnership,
        "copyright": f"{pub.year}, {partnership}",
        "release": str(pub.year),
        "version": str(pub.year),
        "language": "pl",
        "extensions": [
            "myst_parser",
            "notfound.extension",
            "handbook.extension",
        ],
        "source_suffix": {".md": "markdown"},
        "root_doc": "index",
        "exclude_patterns": ["_build", "**/.ipynb_checkpoints", "README.md"],
        "templates_path": [str(THEME / "templates")],
        "locale_dirs": [str(THEME / "locale")],
        "nitpicky": True,
        # MyST: the chapter title comes from the front matter key `tytul`.
        "myst_title_to_header": True,
        "myst_heading_anchors": 3,
        "myst_enable_extensions": list(MYST_EXTENSIONS),
        # {{ name }} in a page: plain values from the settings (the accessibility statement),
        # filled in by the engine's parser (sphinxext/parser.py), never evaluated as Jinja.
        "handbook_substitutions": substitutions(settings),
        # Formulas as MathML written at build time (site/math.py): no MathJax from a CDN.
        "html_math_renderer": MATH_RENDERER,
        "myst_footnote_transition": False,
        # Figure and table numbers per chapter, the Polish way: „Rys. 3.1”, „Tabela 3.1”. These
        # are the captions; a reference in a sentence reads „rys. 3.1”, „tab. 3.1”, and an
        # appendix numbers its own A.1, B.1… (sphinxext/numbering.py).
        "numfig": True,
        "numfig_secnum_depth": 1,
        "numfig_format": {
            "figure": "Rys. %s",
            "table": "Tabela %s",
            "code-block": "Listing %s",
            "section": "rozdział %s",
        },
        "smartquotes": True,
        "html_theme": "sphinx_book_theme",
        "html_title": pub.title,
        "html_short_title": project.name,
        "html_logo": str(ident.logo),
        "html_favicon": str(ident.icon),
        # The book's logo above the home page's title, in the variant for the reader's theme.
        "handbook_logo": {
            "light": ident.logo.name,
            "dark": ident.logo_dark.name,
            "alt": ident.description,
            "size": image_size(ident.logo),
        },
        # The logo files (identity.py); the stylesheet and the script come from site/assets.py.
        "html_static_path": [str(THEME / "static"), str(ident.logo.parent)],
        "html_context": {
            "kolor_podstawowy": settings.colours.primary,
            "kolor_akcent": settings.colours.accent,
            "handbook_site": site_strings(settings),
        },
        "handbook_book_description": " ".join(pub.subtitle.split()),
        "html_copy_source": False,
        "html_show_sourcelink": False,
        # Build date, from SOURCE_DATE_EPOCH when set (reproducible builds).
        "html_last_updated_fmt": "%d.%m.%Y",
        # Also the address of every page in sitemap.xml (site/html.py).
        "html_baseurl": settings.site.base_url,
        "notfound_urls_prefix": urlparse(settings.site.base_url).path,
        "notfound_context": not_found_page(settings),
        # Whether the site offers the PDF: set from the PDF that exists when the site is built.
        "handbook_pdf_link": f"{PDF_FOLDER}/{settings.pdf_file.name}" if settings.pdf_file.exists() else "",
        # The page frame is the engine's (site/theme/templates/layout.html); of the theme's
        # options only these still matter.
        "html_theme_options": {"home_page_in_toc": True, "toc_title": "Na tej stronie", **UNUSED_THEME_PARTS},
        # No sidebar templates: the layout has its own navigation (site/navigation.py), and the
        # theme renders every listed one on every page (its whole toctree, again) to see if empty.
        "html_sidebars": {"**": []},
        "handbook_frontmatter_exempt": list(settings.pages_without_front_matter),
        "handbook_accessibility_page": settings.accessibility.page,
        "handbook_charts_dir": str(settings.charts_dir),
        "handbook_data_dir": str(settings.data_dir),
        "handbook_data_notice": settings.data.notice if settings.data.illustrative else "",
        "handbook_code_digest": code_digest(),
        "handbook_pdf": pdf_config(settings, ident),
    }


# The theme's page parts the engine's layout never shows; listed, the theme would render each on
# every page to see whether it is empty.
UNUSED_THEME_PARTS = {
    "article_header_start": [],
    "article_header_end": [],
    "footer_content_items": [],
    "secondary_sidebar_items": [],
}


def not_found_page(settings: Settings) -> dict[str, str]:
    """The 404 page, in the strings every page uses (site/strings.py)."""
    s = {key: escape(value) for key, value in site_strings(settings).items()}
    return {
        "title": s["not_found_title"],
        "body": (
            f"<h1>{s['not_found_title']}</h1><p>{s['not_found_text']}</p><p>{s['not_found_home_before']} "
            f'<a href="{escape(settings.site.base_url)}">{s["not_found_home"]}</a> '
            f"{s['not_found_home_after']}</p>"
        ),
    }


def pdf_config(settings: Settings, ident: Identity) -> dict[str, Any]:
    """What the Typst builder prints on the cover, in the colophon and in the metadata."""
    pub, project = settings.publication, settings.project
    # Printed text gets the Polish spacing the chapters get („w Powiecie” never breaks after
    # „w”); the document's metadata keeps the settings' text as it is.
    typeset = polish_spacing
    return {
        "metadane": {"tytul": pub.title, "opis": pub.subtitle, "autor": pub.publisher},
        "tytul": typeset(pub.title),
        "podtytul": typeset(pub.subtitle),
        "powiat": typeset(settings.county.name),
        "rok": pub.year,
        "miejsce_wydania": typeset(pub.place),
        "wydawca": typeset(pub.publisher),
        "projekt": typeset(project.name),
        # Partners in the order of the roles declared by the book.
        "partnerzy": [
            {"nazwa": typeset(o.name), "rola": typeset(o.role), "gmina": typeset(o.gmina)}
            for o in sorted(settings.organisations, key=lambda o: settings.partnership.roles.index(o.role))
        ],
        "samorzad": typeset(settings.county.government_partner),
        "finansowanie": typeset(project.funding_notice),
        "licencja": pub.licence,
        "isbn": pub.isbn,
        "uwaga": typeset(settings.data.notice) if settings.data.illustrative else "",
        "format": {"B5": "iso-b5", "A4": "a4"}[settings.print.paper],
        "rozdzialy_od_prawej": settings.print.chapters_on_right,
        "kolor": settings.colours.primary,
        "nazwa_pliku": pub.basename,
        "data_wydania": pub.release_date or project.end,
        "logo": str(ident.logo),
        "logo_alt": ident.description,
        # Funders' logos: the colophon and the print edition's back cover.
        "logotypy": [
            {"plik": str(settings.book_file(f.file)), "opis": f.description} for f in project.funder_logos
        ],
    }


# What the accessibility statement shows for a field the settings leave empty.
STATEMENT_MISSING = "[do uzupełnienia przez podmiot publiczny]"


def substitutions(settings: Settings) -> dict[str, str]:
    a11y = settings.accessibility
    missing = STATEMENT_MISSING

    def day(value: Any) -> str:
        return fmt.date(value)

    return {
        "tytul": settings.publication.title,
        "adres": settings.site.base_url,
        "podmiot": a11y.entity,
        "status": a11y.status,
        "data_publikacji": day(a11y.published),
        "data_aktualizacji": day(a11y.updated),
        "data_sporzadzenia": day(a11y.prepared),
        "osoba_kontaktowa": a11y.contact_person or missing,
        "email": a11y.email or missing,
        "telefon": a11y.phone or missing,
        "dostepnosc_architektoniczna": a11y.architecture or missing,
    }


@functools.cache
def code_digest() -> str:
    """Digest of the code that reads a chapter: Sphinx re-reads every chapter when it changes.

    Once per process (the PDF and the site of one `buduj` share it): the code a process runs
    does not change while it runs.

    Sphinx tracks sources and configuration, not extension code or the versions of the
    libraries that parse a chapter (MyST-Parser, docutils, markdown-it); without this a changed
    extension or an upgraded library would leave stale doctrees behind in an incremental build.
    Pages, the PDF and the search index are made anew from the doctrees in every build.
    """
    digest = hashlib.sha256()
    installed = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update("\n".join([sys.version, *installed]).encode())
    package = Path(__file__).resolve().parent.parent
    # Code, templates, translations, the Typst design, the new-book skeleton: every file of
    # the engine but what Python and Sphinx compile from it (.pyc, .mo).
    sources = (p for p in package.rglob("*") if p.is_file() and p.suffix not in (".pyc", ".mo"))
    for path in sorted(sources):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
