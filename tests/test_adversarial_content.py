"""Chapters as an attacker writes them: files from outside the book, code, active content.

Each case puts one bad input into a built copy of the test book; the harness (adversarial.py)
checks the located Polish message, the exit code, that the last good site and PDF stay as they
were and that nothing of the payload reached them.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from adversarial import Case, check, edit
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


def with_bytes(name: str, content: bytes, payload: str) -> Callable[[Path], None]:
    """A binary file the author adds to the chapters' folder, and the payload that uses it."""

    def change(project: Path) -> None:
        (project / "handbook" / name).write_bytes(content)
        insert(payload)(project)

    return change


def picture(kind: str) -> bytes:
    """A small real image in Pillow's format *kind* ("PNG", "JPEG", "GIF")."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (29, 78, 137)).save(buffer, format=kind)
    return buffer.getvalue()


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
        "include-parser-imports-a-module",
        with_file("fragment.txt", "Akapit.\n", "```{include} fragment.txt\n:parser: this\n```"),
        (AT, "{include}: opcja :parser: jest niedozwolona"),
        HTML,
        absent=("Beautiful is better",),
    ),
    Case(
        "include-parser-in-a-yaml-block",
        with_file("fragment.txt", "Akapit.\n", "```{include} fragment.txt\n---\nparser: this\n---\n```"),
        (AT, "{include}: opcja :parser: jest niedozwolona"),
        HTML,
        absent=("Beautiful is better",),
    ),
    Case(
        "include-parser-malformed",
        with_file("fragment.txt", "Akapit.\n", "```{include} fragment.txt\n:parser: [this\n```"),
        (AT, "{include}: opcja :parser: jest niedozwolona"),
        HTML,
    ),
    Case(
        "include-parser-rst-skips-the-checks",
        with_file(
            "fragment.rst",
            ".. raw:: html\n\n   <script>alert(7)</script>\n",
            "```{include} fragment.rst\n:parser: rst\n```",
        ),
        (AT, "opcja :parser: jest niedozwolona"),
        HTML,
        absent=("alert(7)",),
    ),
    Case(
        "rst-include-parser-imports-a-module",
        with_file(
            "fragment.txt", "Akapit.\n", "```{eval-rst}\n.. include:: fragment.txt\n   :parser: this\n```"
        ),
        (f"{CHAPTER}:", "{include}: opcja :parser: jest niedozwolona"),
        HTML,
        absent=("Beautiful is better",),
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
        "svg-fill-url-external",
        svg(f"<rect width='10' height='10' fill='url(https://{ATTACKER}/p.svg#g)'/>"),
        (AT, "obraz SVG „rysunek.svg”", "dozwolone jest tylko url(#id)"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "svg-filter-url-external",
        svg(f"<rect width='10' height='10' filter='url(https://{ATTACKER}/f.svg#f)'/>"),
        (AT, "rysunek.svg", "url(#id)"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "svg-style-import-after-a-child-element",
        svg(f"<style><desc/>@import url(https://{ATTACKER}/x.css);</style><circle r='4'/>"),
        (AT, "rysunek.svg", "@import"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "svg-style-import-in-cdata",
        svg(f"<style><![CDATA[@import 'https://{ATTACKER}/x.css';]]></style><circle r='4'/>"),
        (AT, "rysunek.svg", "@import"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "svg-style-image-set",
        svg(
            f"<style>circle{{background-image:image-set('https://{ATTACKER}/x.png' 1x)}}</style>"
            "<circle r='4'/>"
        ),
        (AT, "rysunek.svg", "image-set"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "svg-style-css-escape",
        svg(f"<style>@\\69mport 'https://{ATTACKER}/x.css';</style><circle r='4'/>"),
        (AT, "rysunek.svg", "znaki ucieczki CSS"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "svg-style-attribute-escaped-url",
        svg(f"<circle r='4' style='fill:\\75rl(https://{ATTACKER}/p#g)'/>"),
        (AT, "rysunek.svg", "znaki ucieczki CSS"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "svg-set-style-url",
        svg(f"<circle r='4'><set attributeName='style' to='fill:url(https://{ATTACKER}/p#g)'/></circle>"),
        (AT, "rysunek.svg", "zmienia animacją (<set>) atrybut „style”"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "svg-animate-href",
        svg(
            "<a href='#k'><animate attributeName='href' "
            f"values='https://{ATTACKER}/' dur='1s'/><circle r='4'/></a>"
        ),
        (AT, "rysunek.svg", "atrybut „href”"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "svg-animate-fill-url",
        svg(
            f"<circle r='4'><animate attributeName='fill' from='url(#a)' to='url(https://{ATTACKER}/p#g)'/></circle>"
        ),
        (AT, "rysunek.svg", "url(…)"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "svg-xml-base",
        svg(f"<g xml:base='https://{ATTACKER}/'><use href='#k'/></g>"),
        (AT, "rysunek.svg", "xml:base"),
        HTML,
        absent=(ATTACKER,),
    ),
    Case(
        "image-that-is-not-a-png",
        with_file("foto.png", "to nie jest obraz PNG\n", "![Zdjęcie placu](foto.png)"),
        (AT, "plik foto.png nie jest obrazem PNG; zapisz go ponownie jako PNG"),
    ),
    Case(
        "jpeg-named-png",
        with_bytes("foto.png", picture("JPEG"), "![Zdjęcie placu](foto.png)"),
        (AT, "plik foto.png nie jest obrazem PNG"),
    ),
    Case(
        "truncated-png",
        with_bytes("foto.png", picture("PNG")[:60], "![Zdjęcie placu](foto.png)"),
        (AT, "plik foto.png jest uszkodzony lub niekompletny", "zapisz go ponownie jako PNG"),
    ),
    Case(
        "gif-that-is-text",
        with_file("ikona.gif", "GIF89a, a potem już tylko tekst\n", "![Ikona](ikona.gif)"),
        (AT, "plik ikona.gif jest uszkodzony lub niekompletny"),
        HTML,
    ),
    Case(
        "real-images-are-fine",
        lambda project: [
            with_bytes(f"foto.{ext}", picture(kind), f"![Zdjęcie {ext}](foto.{ext})")(project)
            for ext, kind in (("png", "PNG"), ("jpg", "JPEG"), ("gif", "GIF"))
        ],
        ("PDF gotowy", "Strona gotowa"),
        accepted=True,
    ),
    Case(
        "svg-local-references-are-fine",
        svg(
            "<defs><linearGradient id='g'><stop offset='0' stop-color='#1d4e89'/></linearGradient></defs>"
            "<style>rect { fill: url(#g) } /* wypełnienie */</style>"
            "<rect id='k' width='10' height='10' fill='url(#g)' style='stroke:url( \"#g\" )'/>"
            "<use xlink:href='#k'/><a href='#k'><set attributeName='fill' to='red'/></a>"
        ),
        ("PDF gotowy", "Strona gotowa"),
        accepted=True,
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
        "math-text-breaks-out-of-a-typst-string",
        insert("Wzór {math}`\\text{a\\\\}\\text{#lorem(3)}\\text{b\\\\}`."),
        (AT, "wzoru nie da się złożyć w PDF", "nowy wiersz (\\\\) wewnątrz \\text"),
        PDF,
        absent=("Lorem ipsum",),
    ),
    Case(
        "math-block-reads-a-file-into-the-pdf",
        insert("```{math}\n\\text{a\\\\}\\text{#read(`szablon.typ`.text).slice(0,40)}\\text{b\\\\}\n```"),
        (f"{CHAPTER}:", "wzoru nie da się złożyć w PDF"),
        PDF,
        absent=("Book design",),
    ),
    Case(
        "math-hash-is-typst-code",
        insert("Wzór {math}`x #y`."),
        (AT, "znak „#” ma w LaTeX-u specjalne znaczenie", "napisz \\#"),
        PDF,
    ),
    Case(
        "math-text-with-typst-code",
        insert("Wzór {math}`\\mathrm{#lorem(3)}`."),
        (AT, "napisz \\#"),
        PDF,
        absent=("Lorem ipsum",),
    ),
    Case(
        "math-comment-in-typst",
        insert('Wzór {math}`a // b`, {math}`\\operatorname{x"} #lorem(3) //}` i dalej.'),
        (AT, "napisz \\#"),
        PDF,
        absent=("Lorem ipsum",),
    ),
    Case(
        "math-nested-too-deep",
        insert("Wzór {math}`" + "{" * 1500 + "x" + "}" * 1500 + "`."),
        (AT, "wzór jest zagnieżdżony zbyt głęboko"),
    ),
    Case(
        "math-nested-too-deep-on-the-site",
        insert("Wzór {math}`" + "{" * 600 + "x" + "}" * 600 + "`."),
        (AT, "wzoru nie da się pokazać na stronie", "zagnieżdżony zbyt głęboko"),
        HTML,
    ),
    Case(
        "math-escaped-characters-are-text",
        insert(
            'Wzór {math}`\\#lorem(3) \\text{"cytat" C: x} + \\$ + \\% + \\& + \\_ + '
            "\\{a\\} + a // b /* c */ + \\operatorname{sgn} x + f(x, y: z) + `y` + @z`."
        ),
        ("PDF gotowy", "Strona gotowa"),
        accepted=True,
        absent=("Lorem ipsum",),
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
    # The PDF's math converter refuses these; `sprawdz` says so before a build.
    Case(
        "check-math-text-breaks-out-of-a-typst-string",
        insert(r"Wzór {math}`\text{a\\}\text{#lorem(3)}`."),
        (f"{AT} BŁĄD", "wzoru nie da się złożyć w PDF"),
        CHECK,
    ),
    Case(
        "check-math-hash-in-a-block",
        insert("```{math}\nx #y\n```"),
        (f"{CHAPTER}:{LINE + 1}: BŁĄD", "znak „#”"),
        CHECK,
    ),
]


PLAIN_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>'


def in_front_matter(old: str, new: str) -> Callable[[Path], None]:
    return lambda project: edit(project / CHAPTER, old, new)


# What a reader would get wrong without a refusal: an image nobody can hear, a second chapter
# hidden in a chapter, and a broken front matter's one real cause (no follow-on noise).
STRUCTURE = [
    Case(
        "image-without-alt-text",
        with_file("rysunek.svg", PLAIN_SVG, "![](rysunek.svg)"),
        (AT, "obraz „rysunek.svg” nie ma tekstu alternatywnego"),
        HTML,
    ),
    Case(
        "figure-without-alt-text",
        with_file("rysunek.svg", PLAIN_SVG, "```{figure} rysunek.svg\n\nPodpis rysunku.\n```"),
        (AT, "nie ma tekstu alternatywnego"),
        HTML,
    ),
    Case(
        "second-level-1-heading-in-a-chapter",
        insert("# Drugi tytuł\n\nTekst."),
        (AT, "nagłówek „# Drugi tytuł” jest na poziomie tytułu rozdziału"),
        HTML,
    ),
    Case(
        "front-matter-python-tag",
        in_front_matter("status: szkic", "status: !!python/object/apply:os.system ['true']"),
        (f"{CHAPTER}:7:", "znaczników YAML („!!python/object/apply:os.system”)"),
        HTML,
        not_said=("nagłówki zaczynają się", "metryczka nie jest poprawnym YAML-em [myst"),
    ),
    Case(
        "front-matter-unclosed-list",
        in_front_matter("status: szkic", "status: [szkic"),
        (f"{CHAPTER}:7:", "lista w nawiasach [ ] nie jest zamknięta"),
        HTML,
        not_said=("nagłówki zaczynają się",),
    ),
    Case(
        "front-matter-date-as-title",
        in_front_matter("status: szkic", "status: 2024-05-01"),
        (f"{CHAPTER}:7:", "(jest: „2024-05-01”)"),
        HTML,
    ),
]


def in_book_file(name: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda project: edit(project / name, old, new)


# Held out by a second red team: settings text in the theme's attributes, rST directives that
# docutils leaves unfinished, text that matplotlib would parse, invisible characters.
HELD_OUT = [
    Case(
        "title-breaks-out-of-the-logo-alt",
        in_settings(
            'tytul = "Wolontariat sąsiedzki w Powiecie Modrzewskim"',
            'tytul = "Wolontariat\\" onmouseover=\\"alert(51)\\" x=\\"y"',
        ),
        ("Strona gotowa",),
        HTML,
        accepted=True,
        absent=('onmouseover="alert(51)"',),
    ),
    Case(
        "project-name-as-markup-in-the-footer",
        in_settings(
            'nazwa = "Sąsiedzka Pracownia Wolontariatu"',
            'nazwa = "Sąsiedzka Pracownia\\"><img src=x onerror=alert(65)>"',
        ),
        ("Strona gotowa",),
        HTML,
        accepted=True,
        absent=("<img src=x onerror=alert(65)>",),
    ),
    Case(
        "rst-contents-in-eval-rst",
        insert("```{eval-rst}\n.. contents:: Spis\n   :local:\n```"),
        (f"{CHAPTER}:{LINE + 1}:", "dyrektywa rST contents", "```{contents}```"),
    ),
    Case(
        "rst-sectnum-in-eval-rst",
        insert("```{eval-rst}\n.. sectnum::\n```"),
        (f"{CHAPTER}:{LINE + 1}:", "dyrektywa rST sectnum"),
    ),
    Case(
        "rst-target-notes-in-eval-rst",
        insert("```{eval-rst}\nZob. `stronę <https://example.org/>`_.\n\n.. target-notes::\n```"),
        ("dyrektywa rST target-notes",),
    ),
    Case(
        "code-block-that-is-not-its-language",
        insert('```json\n{"a": 1,, nie-json}\n```'),
        (AT, "kod w bloku nie jest poprawnym „json”"),
        HTML,
    ),
    Case("equation-reference-to-nothing", insert("Zob. {eq}`nie-ma-wzoru`."), (AT, "nieistniejącego wzoru")),
    Case(
        "chart-label-as-a-broken-formula",
        in_book_file("conf/wykresy.toml", 'tytul = "liczba osób"', 'tytul = "koszt $\\\\undefinedmacro{x}$"'),
        ("Strona gotowa",),
        HTML,
        accepted=True,
    ),
    Case(
        "legend-label-as-a-broken-formula",
        in_book_file("conf/wykresy.toml", 'etykieta = "przed"', 'etykieta = "przed $x_$"'),
        ("Strona gotowa",),
        HTML,
        accepted=True,
    ),
    Case(
        "control-character-in-a-chart-label",
        in_book_file("conf/wykresy.toml", 'tytul = "liczba osób"', 'tytul = "liczba\\u0007 osób"'),
        ("conf/wykresy.toml:7:", "znak sterujący U+0007"),
        HTML,
    ),
    Case(
        "direction-override-in-the-settings",
        in_settings('podtytul = "Poradnik testowy"', 'podtytul = "Poradnik \\u202etsetowy"'),
        ("conf/handbook.toml:5:", "znak zmiany kierunku tekstu U+202E"),
        HTML,
    ),
    Case(
        "control-character-in-a-data-cell",
        in_book_file("data/gminy.csv", "Jarzębiny,9100,6.5", "Jarzębiny\x0b,9100,6.5"),
        ("data/gminy.csv:4", "znak sterujący U+000B"),
        HTML,
    ),
]

CASES = PATHS + SUBSTITUTIONS + ACTIVE + FILES + MATH + SETTINGS + CHECKS + STRUCTURE + HELD_OUT


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


def test_an_include_parser_never_imports_a_module(project: Path) -> None:
    sys.modules.pop("this", None)
    for payload in (
        "```{include} fragment.txt\n:parser: this\n```",
        "```{eval-rst}\n.. include:: fragment.txt\n   :parser: this\n```",
    ):
        case = Case(
            "include-parser-this",
            with_file("fragment.txt", "Akapit.\n", payload),
            (":parser: jest niedozwolona",),
            HTML,
        )
        result = check(case, project)
        assert "Beautiful is better" not in result.output
        assert "this" not in sys.modules
        edit(project / CHAPTER, payload, "")


def test_escaped_math_reaches_the_pdf_as_text(project: Path) -> None:
    formula = "Wzór {math}`\\text{\\#lorem(3) C:\\ x} + a // b`."
    check(Case("math-text", insert(formula), ("PDF gotowy",), PDF, accepted=True), project)
    pdf = " ".join(
        p.extract_text() for p in PdfReader(next((project / "_build" / "pdf").glob("*.pdf"))).pages
    )
    assert "#lorem(3) C: x" in pdf and "Lorem" not in pdf
