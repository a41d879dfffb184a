"""Chapters as an attacker writes them: files from outside the book, code, active content.

Each case puts one bad input into a built copy of the test book; the harness (adversarial.py)
checks the located Polish message, the exit code, that the last good site and PDF stay as they
were and that nothing of the payload reached them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from adversarial import Case, built_book, check, edit, fresh_copy
from conftest import ROOTS

CHAPTER = "handbook/rozdzial.md"
# Payloads go in before this heading of the test chapter, so their first line is known.
ANCHOR = "## Liczby"
LINE = (ROOTS / "base" / CHAPTER).read_text(encoding="utf-8").splitlines().index(ANCHOR) + 1
AT = f"{CHAPTER}:{LINE}:"
HTML = ("buduj", "--html")
PDF = ("buduj", "--pdf")
CHECK = ("sprawdz",)

PASSWD = "root:x:0:0"  # the first line of /etc/passwd
SECRET = "TAJNE-SPOZA-PODRECZNIKA"  # a file next to the book, never part of it
ATTACKER = "attacker.example"


def insert(payload: str) -> Callable[[Path], None]:
    """Put *payload* into the test chapter at LINE."""

    def change(project: Path) -> None:
        edit(project / CHAPTER, ANCHOR, f"{payload}\n\n{ANCHOR}")

    return change


def secret(project: Path) -> Path:
    """A private file beside the project folder: what `../` escapes would publish."""
    path = project.parent / "sekret.txt"
    path.write_text(f"{SECRET}\n", encoding="utf-8")
    return path


def with_file(name: str, content: str, payload: str) -> Callable[[Path], None]:
    """A file the author adds to the chapters' folder, and the payload that uses it."""

    def change(project: Path) -> None:
        (project / "handbook" / name).write_text(content, encoding="utf-8")
        insert(payload)(project)

    return change


def with_secret(payload: str) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        secret(project)
        insert(payload)(project)

    return change


def with_symlink(name: str, payload: str) -> Callable[[Path], None]:
    """A link inside the chapters' folder that leads to the private file outside the book."""

    def change(project: Path) -> None:
        (project / "handbook" / name).symlink_to(secret(project))
        insert(payload)(project)

    return change


def _replace_with_symlink(path: Path, target: Path) -> None:
    target.write_text(path.read_text(encoding="utf-8") + f"\n{SECRET}\n", encoding="utf-8")
    path.unlink()
    path.symlink_to(target)


def in_statement(old: str, new: str) -> Callable[[Path], None]:
    return lambda project: edit(project / "handbook" / "deklaracja.md", old, new)


def in_settings(old: str, new: str) -> Callable[[Path], None]:
    return lambda project: edit(project / "conf" / "handbook.toml", old, new)


def svg(body: str, prolog: str = "") -> Callable[[Path], None]:
    namespaces = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    document = f'{prolog}<svg {namespaces} viewBox="0 0 10 10">{body}</svg>'
    return with_file("rysunek.svg", document, "![Rysunek z kołem](rysunek.svg)")


OUTSIDE = "poza podręcznikiem"
BAD_LINK = "jest zabroniony: adres"

PATHS = [
    Case(
        "include-etc-passwd", insert("```{include} /etc/passwd\n```"), (AT, OUTSIDE), HTML, absent=(PASSWD,)
    ),
    Case(
        "literalinclude-etc-passwd",
        insert("```{literalinclude} /etc/passwd\n```"),
        (AT, OUTSIDE),
        HTML,
        absent=(PASSWD,),
    ),
    Case(
        "literalinclude-diff-escape",
        insert("```{literalinclude} /../data/gminy.csv\n:diff: ../../../../../../../../etc/passwd\n```"),
        (AT, OUTSIDE),
        HTML,
        absent=(PASSWD,),
    ),
    Case(
        "csv-table-file-etc-passwd",
        insert('```{csv-table} Tabela\n:file: /etc/passwd\n:delim: ":"\n```'),
        (AT, OUTSIDE),
        HTML,
        absent=(PASSWD,),
    ),
    Case(
        "csv-table-url",
        insert(f"```{{csv-table}} Tabela\n:url: https://{ATTACKER}/dane.csv\n```"),
        (AT, "opcja :url: jest niedozwolona"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "image-etc-passwd",
        insert("```{image} /etc/passwd\n:alt: Hasła\n```"),
        (AT, OUTSIDE),
        HTML,
        absent=(PASSWD,),
    ),
    Case(
        "figure-dotdot-escape",
        with_secret("```{figure} ../../sekret.txt\n:alt: Sekret\n\nPodpis.\n```"),
        (AT, OUTSIDE),
        HTML,
        absent=(SECRET,),
    ),
    Case(
        "markdown-image-etc-passwd",
        insert("![Hasła](../../../../../../../../../etc/passwd)"),
        (AT, OUTSIDE),
        HTML,
        absent=(PASSWD,),
    ),
    Case(
        "download-etc-passwd",
        insert("Pobierz {download}`hasła </etc/passwd>`."),
        (AT, OUTSIDE),
        HTML,
        absent=(PASSWD,),
    ),
    Case(
        "markdown-link-to-a-file-outside",
        with_secret("Pobierz [sekret](../../sekret.txt)."),
        (AT, OUTSIDE),
        HTML,
        absent=(SECRET,),
    ),
    Case(
        "include-dotdot-escape",
        with_secret("```{include} ../../sekret.txt\n```"),
        (AT, OUTSIDE),
        HTML,
        absent=(SECRET,),
    ),
    Case(
        "include-symlink-outside",
        with_symlink("fragment.md", "```{include} fragment.md\n```"),
        (AT, "dowiązanie (symlink)"),
        HTML,
        absent=(SECRET,),
    ),
    Case(
        "csv-table-symlink-outside",
        with_symlink("tabela.csv", "```{csv-table} Tabela\n:file: tabela.csv\n```"),
        (AT, "dowiązanie (symlink)"),
        HTML,
        absent=(SECRET,),
    ),
    Case(
        "chapter-is-a-symlink-outside",
        lambda project: _replace_with_symlink(project / "handbook" / "slowniczek.md", secret(project)),
        ("handbook/slowniczek.md:1:", "dowiązanie (symlink)"),
        HTML,
        absent=(SECRET,),
    ),
    Case(
        "raw-file",
        insert("```{raw} html\n:file: /etc/passwd\n```"),
        (AT, "opcja :file: jest niedozwolona"),
        HTML,
        absent=(PASSWD,),
    ),
    Case(
        "include-itself",
        insert("```{include} rozdzial.md\n```"),
        (AT, "dołączałby sam siebie"),
        HTML,
    ),
    Case(
        "rst-include-etc-passwd",
        insert("```{eval-rst}\n.. include:: /etc/passwd\n```"),
        (f"{CHAPTER}:", OUTSIDE),
        HTML,
        absent=(PASSWD,),
    ),
    Case(
        "remote-image",
        insert(f"![Licznik odwiedzin](https://{ATTACKER}/licznik.png)"),
        (AT, "to adres, a nie plik podręcznika"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "files-of-the-book-are-fine",
        insert(
            "```{literalinclude} /../data/gminy.csv\n```\n\n"
            "```{csv-table} Gminy\n:file: /../data/gminy.csv\n:header-rows: 1\n```\n\n"
            "Dane: {download}`gminy.csv </../data/gminy.csv>`."
        ),
        ("Strona gotowa",),
        HTML,
        accepted=True,
    ),
]

SUBSTITUTIONS = [
    Case(
        "jinja-attribute-access",
        insert("Klasa: {{ ''.__class__.__mro__ }}."),
        (AT, "wolno podać tylko nazwę pola"),
        HTML,
        absent=("<class",),
    ),
    Case(
        "jinja-globals",
        insert("{{ cycler.__init__.__globals__.os.popen('id').read() }}"),
        (AT, "wyrażenia, atrybuty, filtry i wywołania są niedozwolone"),
        HTML,
        absent=("uid=",),
    ),
    Case("jinja-filter", insert("{{ podmiot | upper }}"), (AT, "wolno podać tylko nazwę pola"), HTML),
    Case(
        "unknown-field",
        insert("Kontakt: {{ numer_konta }}."),
        (AT, "nieznane pole „{{ numer_konta }}”", "dostępne: adres"),
        HTML,
    ),
    Case(
        "page-reenables-myst-substitution",
        in_statement("orphan: true\n", "orphan: true\nmyst:\n  enable_extensions: [substitution]\n"),
        ("handbook/deklaracja.md:3:", "pole „myst” w metryczce jest niedozwolone"),
        HTML,
    ),
    Case(
        "page-adds-html-meta",
        in_statement(
            "orphan: true\n",
            f'orphan: true\nhtml_meta:\n  "http-equiv=refresh": "0; url=https://{ATTACKER}/"\n',
        ),
        ("handbook/deklaracja.md:3:", "pole „html_meta” w metryczce jest niedozwolone"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "page-metadata-becomes-a-meta-tag",
        in_statement(
            "orphan: true\n",
            f'orphan: true\n\'og:x" http-equiv="refresh" content="0;url=https://{ATTACKER}/\': t\n',
        ),
        ("handbook/deklaracja.md:3:", "w metryczce jest niedozwolone", "dozwolone są tylko: orphan"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "a-field-is-plain-text",
        insert("Podmiot: {{ podmiot }}, adres {{adres}}."),
        ("Strona gotowa",),
        HTML,
        accepted=True,
    ),
]

ACTIVE = [
    Case(
        "raw-script",
        insert("<script>alert(1)</script>"),
        (AT, "znacznik <script>"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "comment-opens-and-closes",
        insert("Tekst <!--><script>alert(1)</script> dalej."),
        (AT, "niepoprawny komentarz HTML", "znacznik <script>"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "comment-closed-by-bang",
        insert("<!-- notatka --!><img src=x onerror=alert(1)>"),
        (AT, "niepoprawny komentarz HTML", "atrybuty zdarzeń"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "conditional-comment",
        insert("<!--[if IE]><script>alert(1)</script><![endif]-->"),
        (AT, "komentarze warunkowe"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "meta-refresh",
        insert(f'<meta http-equiv="refresh" content="0; url=https://{ATTACKER}/">'),
        (AT, "<meta http-equiv>"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "meta-directive-refresh",
        insert(f"```{{eval-rst}}\n.. meta::\n   :http-equiv=refresh: 0; url=https://{ATTACKER}/\n```"),
        (f"{CHAPTER}:", "dyrektywa „meta” jest niedozwolona"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "myst-meta-directive",
        insert(f"```{{meta}}\n:http-equiv=refresh: 0; url=https://{ATTACKER}/\n```"),
        (AT, "dyrektywa „meta” jest niedozwolona"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "event-attribute",
        insert('Tekst <span onmouseover="alert(1)">najedź</span>.'),
        (AT, "atrybuty zdarzeń", "onmouseover"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "event-attribute-on-an-allowed-tag",
        insert('H<sub onclick="alert(1)">2</sub>O.'),
        (AT, "atrybuty zdarzeń"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "style-url",
        insert(f'<u style="background:url(https://{ATTACKER}/piksel.png)">tekst</u>'),
        (AT, "atrybut style z url(…)"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "unclosed-tag",
        insert("Wzór H<sub>2 bez końca."),
        (AT, "nie jest poprawnie otwarty i zamknięty"),
        HTML,
    ),
    Case(
        "javascript-link",
        insert("[Kliknij](javascript:alert(1))"),
        (AT, BAD_LINK, "javascript:"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "javascript-link-hidden-by-an-entity",
        insert("[Kliknij](java&#x09;script:alert(1))"),
        (AT, BAD_LINK, "javascript:"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "javascript-autolink",
        insert("<javascript:alert(1)>"),
        (AT, BAD_LINK),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "data-link",
        insert("[Otwórz](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
        (AT, BAD_LINK, "data:"),
        HTML,
        absent=("data:text/html",),
    ),
    Case(
        "rst-javascript-link",
        insert("```{eval-rst}\n`Kliknij <javascript:alert(1)>`_\n```"),
        (f"{CHAPTER}:", BAD_LINK),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "rst-named-reference-javascript",
        insert("```{eval-rst}\nZob. `strona`_.\n\n.. _strona: javascript:alert(1)\n```"),
        (f"{CHAPTER}:", BAD_LINK),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "image-target-javascript",
        insert("```{image} /../_build/charts/samoocena.svg\n:alt: Wykres\n:target: javascript:alert(1)\n```"),
        (f"{CHAPTER}:", BAD_LINK),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "toctree-javascript-entry",
        insert("```{toctree}\n:hidden:\n\nKliknij <javascript://%0aalert(1)>\n```"),
        (f"{CHAPTER}:", BAD_LINK),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "attrs-inline-event",
        insert('[Strona](https://example.org){onclick="alert(1)"}'),
        (AT, "atrybuty zdarzeń", "onclick"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "attrs-inline-style",
        insert(f'[tekst]{{style="background:url(https://{ATTACKER}/x.png)"}}'),
        (AT, "atrybut style z url(…)"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "a-note-in-a-comment-is-not-published",
        insert("<!-- notatka redakcji: TAJNA-UWAGA -->\n\nAkapit."),
        ("Strona gotowa",),
        HTML,
        accepted=True,
        absent=("TAJNA-UWAGA",),
    ),
]

FILES = [
    Case(
        "svg-script",
        svg("<script>alert(1)</script><circle r='4'/>"),
        (AT, "element <script>"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "svg-foreign-object",
        svg("<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>x</div></foreignObject>"),
        (AT, "element <foreignobject>"),
        HTML,
    ),
    Case(
        "svg-event",
        svg("<circle r='4' onload='alert(1)'/>"),
        (AT, "atrybut zdarzenia „onload”"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "svg-external-reference",
        svg(f"<image xlink:href='https://{ATTACKER}/x.png' width='10' height='10'/>"),
        (AT, "zewnętrznego zasobu"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "svg-entity",
        svg("<text>&x;</text>", prolog='<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        (AT, "<!DOCTYPE> lub <!ENTITY>"),
        HTML,
        absent=(PASSWD,),
    ),
    Case(
        "svg-javascript-link",
        svg("<a href='javascript:alert(1)'><circle r='4'/></a>"),
        (AT, "zewnętrznego zasobu"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "download-html",
        with_file("strona.html", "<script>alert(1)</script>", "Pobierz {download}`stronę <strona.html>`."),
        (AT, "niedozwolony typ „.html”"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "markdown-link-to-an-svg",
        with_file("ikona.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>", "Zobacz [ikonę](ikona.svg)."),
        (AT, "niedozwolony typ „.svg”"),
        HTML,
    ),
    Case(
        "image-that-is-a-page",
        with_file("obraz.html", "<script>alert(1)</script>", "![Obraz](obraz.html)"),
        (AT, "obraz musi być plikiem graficznym"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "raw-typst",
        insert('```{raw} typst\n#read("/etc/passwd")\n```'),
        (AT, "wstawka w formacie „typst” jest niedozwolona"),
        PDF,
        absent=(PASSWD,),
    ),
    Case(
        "raw-latex",
        insert("```{raw} latex\n\\input{/etc/passwd}\n```"),
        (AT, "wstawka w formacie „latex” jest niedozwolona"),
        HTML,
        absent=(PASSWD,),
    ),
    Case(
        "rst-raw-role-typst",
        insert('```{eval-rst}\n.. role:: t(raw)\n   :format: typst\n\n:t:`#read("/etc/passwd")`\n```'),
        (f"{CHAPTER}:", "wstawka w formacie „typst” jest niedozwolona"),
        PDF,
        absent=(PASSWD,),
    ),
    Case(
        "svg-of-the-book-is-fine",
        svg("<circle r='4' fill='#1d4e89'/><use xlink:href='#k'/>"),
        ("PDF gotowy", "Strona gotowa"),
        accepted=True,
    ),
]

MATH = [
    Case(
        "math-that-cannot-be-converted",
        insert("Wzór {math}`\\left( x`."),
        (AT, "wzoru nie da się pokazać na stronie"),
        HTML,
    ),
    Case(
        "math-with-an-unknown-command",
        insert("Wzór {math}`\\zlecenie{x}`."),
        (AT, "nieobsługiwane polecenie LaTeX-a \\zlecenie"),
        HTML,
    ),
    Case(
        "math-href",
        insert("Wzór {math}`\\href{javascript:alert(1)}{x}`."),
        (AT, "atrybut „href”"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "math-text-with-html",
        insert("Wzór {math}`\\text{<script>alert(1)</script>}`."),
        (AT, "element <script>"),
        HTML,
        absent=("alert(1)",),
    ),
]

SETTINGS = [
    Case(
        "licence-url-javascript",
        in_settings(
            'licencja_url = "https://creativecommons.org/licenses/by/4.0/deed.pl"',
            'licencja_url = "javascript:alert(1)"',
        ),
        ("conf/handbook.toml:", "licencja_url"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "licence-url-http",
        in_settings(
            'licencja_url = "https://creativecommons.org/licenses/by/4.0/deed.pl"',
            f'licencja_url = "http://{ATTACKER}/licencja"',
        ),
        ("conf/handbook.toml:", "licencja_url"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "site-address-javascript",
        in_settings('adres = "https://example.org/wolontariat/"', 'adres = "javascript:alert(1)//"'),
        ("conf/handbook.toml:", "adres"),
        HTML,
        absent=("alert(1)",),
    ),
    Case(
        "site-address-http",
        in_settings('adres = "https://example.org/wolontariat/"', f'adres = "http://{ATTACKER}/"'),
        ("conf/handbook.toml:", "adres"),
        HTML,
        absent=(ATTACKER,),
    ),
]

# A quote in `adres` would end the href of the 404 page and the footer.
ADDRESS_QUOTE = Case(
    "site-address-breaks-out-of-an-attribute",
    in_settings(
        'adres = "https://example.org/wolontariat/"',
        'adres = "https://example.org/\\"onmouseover=\\"alert(1)\\"/"',
    ),
    ("conf/handbook.toml:", "adres"),
    HTML,
    absent=("alert(1)",),
)

CHECKS = [
    Case("check-raw-typst", insert('```{raw} typst\n#read("x")\n```'), (f"{AT} BŁĄD", "„typst”"), CHECK),
    Case("check-substitution", insert("{{ cycler.__init__ }}"), (f"{AT} BŁĄD", "tylko nazwę pola"), CHECK),
    Case("check-comment-trick", insert("<!--><script>alert(1)</script>"), (f"{AT} BŁĄD", "komentarz"), CHECK),
    Case(
        "check-attrs-inline",
        insert('[a](https://example.org){onclick="x()"}'),
        (f"{AT} BŁĄD", "onclick"),
        CHECK,
    ),
    Case("check-data-link", insert("[a](data:text/html,x)"), (f"{AT} BŁĄD", "data:"), CHECK),
]

CASES = PATHS + SUBSTITUTIONS + ACTIVE + FILES + MATH + SETTINGS + CHECKS


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_book(tmp_path_factory.mktemp("tresc"))


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    return fresh_copy(built, tmp_path)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_content_is_refused_or_harmless(case: Case, project: Path) -> None:
    check(case, project)


def test_the_site_address_cannot_break_out_of_an_attribute(project: Path) -> None:
    check(ADDRESS_QUOTE, project)


def test_a_substitution_never_runs_code(project: Path) -> None:
    marker = project.parent / "wykonano"
    payload = f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}"
    check(Case("jinja-shell", insert(payload), (AT, "tylko nazwę pola"), HTML), project)
    assert not marker.exists()


def _page(project: Path, name: str = "rozdzial.html") -> BeautifulSoup:
    return BeautifulSoup((project / "_build" / "html" / name).read_text(encoding="utf-8"), "html.parser")


def test_allowed_inline_tags_reach_the_site_and_the_pdf(project: Path) -> None:
    text = (
        'H<sub>2</sub>O, m<sup>2</sup>, <abbr title="organizacja pozarządowa">NGO</abbr>, '
        "<kbd>Ctrl</kbd>, <small>drobny druk</small>, <mark>ważne</mark>, <s>stare</s>, "
        "<u>podkreślone</u>,<br>nowy wiersz."
    )
    check(Case("allowed-tags", insert(text), ("PDF gotowy", "Strona gotowa"), accepted=True), project)
    page = _page(project)
    paragraph = page.find("sub").parent
    assert [tag.name for tag in paragraph.find_all(True)] == [
        "sub", "sup", "abbr", "kbd", "small", "mark", "s", "u", "br",
    ]  # fmt: skip
    assert paragraph.find("abbr")["title"] == "organizacja pozarządowa"
    pdf = " ".join(
        p.extract_text() for p in PdfReader(next((project / "_build" / "pdf").glob("*.pdf"))).pages
    )
    for text in ("NGO", "Ctrl", "drobny druk", "ważne", "stare", "podkreślone", "nowy wiersz"):
        assert text in pdf


def test_math_is_mathml_written_at_build_time(project: Path) -> None:
    formulas = "Wzór {math}`\\frac{a}{b} + x^2` i w bloku:\n\n```{math}\n\\sum_{i=1}^{n} x_i\n```"
    check(Case("math", insert(formulas), ("Strona gotowa",), HTML, accepted=True), project)
    page = _page(project)
    inline, block = page.find_all("math")
    assert inline["display"] == "inline" and inline["alttext"] == "\\frac{a}{b} + x^2"
    assert block["display"] == "block" and block.find("munderover")
    for path in (project / "_build" / "html").rglob("*.html"):
        html = path.read_text(encoding="utf-8").lower()
        assert "mathjax" not in html and "cdn.jsdelivr" not in html, path


def test_fields_of_the_statement_are_filled_in(project: Path) -> None:
    page = " ".join(_page(project, "deklaracja.html").get_text(" ").split())
    assert "Powiat Modrzewski – Starostwo Powiatowe w Modrzewiu zobowiązuje się" in page
    assert "{{" not in page


def test_a_refused_image_leaves_no_file_in_the_site(project: Path) -> None:
    check(
        Case("svg-script-file", svg("<script>alert(1)</script>"), (AT, "element <script>"), HTML),
        project,
    )
    # Not in the site, nor in the staging copy a failed build leaves for inspection.
    assert not list((project / "_build").rglob("rysunek.svg"))
