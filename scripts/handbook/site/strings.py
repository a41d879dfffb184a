"""Every reader-visible string of the site's templates, from the settings, with Polish spacing."""

from __future__ import annotations

import re

from markupsafe import Markup

from handbook.settings import SHORT_NOTICE_MAX, Settings
from handbook.sphinxext.typography import polish_spacing

# „Powiat Nowodworski” → „Powiatu Nowodworskiego”: the usual county name, an adjective in -ski,
# -cki or -dzki (also hyphenated, „Kędzierzyńsko-Kozielski”); any other name is not inflected.
_COUNTY = re.compile(r"(?P<noun>[Pp]owiat) (?P<adjective>[\w-]+(?:sk|ck|dzk)i)")
NBSP = "\u00a0"
# Tags of an HTML fragment: the rules apply only to the text between them.
_TAG = re.compile(r"(<[^>]*>)")
# Where the first part of a long notice ends: a colon, a semicolon, a dash or a full stop.
_CLAUSE_END = re.compile(r"\s*(?:[:;.]|\s[–—-])\s")


def typo(text: str) -> str:
    """Polish spacing for a template (a Jinja filter): plain text, or the text of markup.

    Plain text comes back as plain text for the template to escape. Markup (already escaped or
    built by the template) keeps its tags as they are: „<a href” must not become „<a\u00a0href”.
    """
    if isinstance(text, Markup):
        parts = _TAG.split(str(text))
        return Markup(
            "".join(part if index % 2 else polish_spacing(part) for index, part in enumerate(parts))
        )
    return polish_spacing(str(text))


def plain_text(html: str) -> str:
    """Text of an HTML fragment (a page's title) with its no-break spaces: a Jinja filter.

    Jinja's ``striptags``, which Sphinx's templates use for <title> and the links to the next
    and previous page, collapses U+00A0 into an ordinary space with the rest of the whitespace.
    """
    return Markup(str(html).replace(NBSP, "&#160;")).striptags()


def site_strings(settings: Settings) -> dict[str, str]:
    """What the templates print, keyed by role; every value already has the Polish spacing.

    Values are plain text, never HTML-escaped: a template escapes them (``{{ s.title|e }}``).
    An address that the settings leave empty is "", and so is the notice of real data.
    """
    pub, project, county, data = settings.publication, settings.project, settings.county, settings.data
    partnership = f"partnerstwo projektu {_quoted(project.name)}"
    notice = data.notice if data.illustrative else ""
    strings = {
        # Identity.
        "title": pub.title,
        "subtitle": pub.subtitle,
        "short_title": project.name,
        "county": county.name,
        "county_url": county.website,
        "bip_url": county.bip,
        "project": project.name,
        "funding": project.funding_notice,
        "publisher": pub.publisher,
        "licence": pub.licence,
        "licence_url": pub.licence_url,
        # „Treść udostępniona na licencji <a>CC BY-SA 4.0</a>.”: the link is the licence's name.
        "licence_prefix": "Treść udostępniona na licencji",
        "notice": notice,
        "notice_short": _short_notice(data.short_notice, notice),
        # The footer: who prepared the book, in place of the theme's „Przez …” („By …”).
        "credit": f"Opracowanie: {partnership}",
        "copyright": f"© {pub.year} {partnership}",
        # Footer links.
        "pdf_link": "Pobierz podręcznik w PDF",
        "data_link": "Dane projektu do pobrania (CSV) i ich opis",
        "accessibility_link": "Deklaracja dostępności",
        "county_link": _county_link(county.name, county.name_genitive),
        "bip_link": "Biuletyn Informacji Publicznej",
        # Navigation and controls.
        "menu": "Spis treści",
        "chapters": "Rozdziały",
        "home": "Strona główna",
        "prev_next": "Poprzedni i następny rozdział",
        "notice_more": "Więcej o danych",
        "close": "Zamknij",
        "search": "Szukaj",
        "search_heading": "Szukaj w podręczniku",
        "search_noscript": "Aby korzystać z wyszukiwarki, włącz obsługę JavaScriptu.",
        "on_this_page": "Na tej stronie",
        "previous": "Wstecz",
        "next": "Dalej",
        "draft": "Wersja robocza",
        "theme_light": "Jasny motyw",
        "theme_dark": "Ciemny motyw",
        "skip": "Przejdź do treści",
        "last_updated": "Ostatnia aktualizacja:",
        # The 404 page: „Przejdź do <a>strony głównej podręcznika</a> albo skorzystaj z wyszukiwarki.”
        "not_found_title": "Nie znaleziono strony",
        "not_found_text": (
            "Pod tym adresem nie ma strony podręcznika. Mogła zostać przeniesiona albo adres "
            "zawiera literówkę."
        ),
        "not_found_home_before": "Przejdź do",
        "not_found_home": "strony głównej podręcznika",
        "not_found_home_after": "albo skorzystaj z wyszukiwarki.",
    }
    return {key: polish_spacing(value) for key, value in strings.items()}


def _quoted(name: str) -> str:
    """A name in Polish quotes; quotes inside it become the inner pair »…«."""
    return "„" + name.replace("„", "»").replace("”", "«") + "”"


def _county_link(name: str, genitive: str) -> str:
    """„Strona Powiatu Nowodworskiego”, or „Powiat X — strona internetowa” when not inflected."""
    if genitive.strip():
        return f"Strona {genitive.strip()}"
    match = _COUNTY.fullmatch(name.strip())
    if match:
        noun = match["noun"] + "u"
        return f"Strona {noun} {match['adjective']}ego"
    return f"{name.strip()} — strona internetowa"


def _short_notice(short: str, notice: str) -> str:
    """One line for the top of every page: the settings' own, the notice itself, or its first clause."""
    if not notice:
        return ""
    if short.strip():
        return short.strip()
    if len(notice) <= SHORT_NOTICE_MAX:
        return notice
    end = _CLAUSE_END.search(notice)
    if end and 20 <= end.start() < SHORT_NOTICE_MAX:
        return notice[: end.start()] + "."
    return "Dane liczbowe w tym wydaniu są ilustracyjne."
