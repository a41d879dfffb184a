"""The authors' workflow: new chapter, checks with file and line, safety, drafts, preview."""

from __future__ import annotations

import http.client
import io
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import BOOK, copy_book, copy_project, reader_text
from handbook.authoring.checks import check_book
from handbook.authoring.scaffold import _add_to_contents, slug
from handbook.build.preview import PreviewPdf
from handbook.build.staging import build_pdf, build_site
from handbook.pipeline import prepare_data
from handbook.settings import load_settings

GOOD = """---
tytul: Rozdział testowy
autorzy:
  - rola: ekspertka
    organizacja: Stowarzyszenie Przyjaciół Modrzewia
status: szkic
streszczenie: Test.
slowa_kluczowe: [test]
---

## Sekcja

Akapit.
"""


def run(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "handbook.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "p")


def _findings(project: Path, text: str) -> list[str]:
    (project / "handbook" / "test.md").write_text(text, encoding="utf-8")
    settings = load_settings(project)
    return [f.format(settings.root) for f in check_book(settings) if f.path.name == "test.md"]


# One faulty chapter per check: (what to change in GOOD, expected "plik:wiersz: POZIOM: …").
FAULTS = [
    (
        "status: szkic",
        "status: prawie",
        "handbook/test.md:6: BŁĄD: pole „status” w metryczce: niedozwolona wartość",
    ),
    (
        "streszczenie: Test.\n",
        "",
        "handbook/test.md:1: BŁĄD: pole „streszczenie” w metryczce: brak wymaganego pola",
    ),
    ("## Sekcja", "# Sekcja", "handbook/test.md:11: BŁĄD: nagłówek „# ” w treści"),
    ("## Sekcja", "#### Sekcja", "handbook/test.md:11: BŁĄD: pominięty poziom nagłówka: po H1 jest H4"),
    ("Akapit.", "![](mapa.png)", "handbook/test.md:13: BŁĄD: obraz nie ma tekstu alternatywnego"),
    (
        "Akapit.",
        "```{figure} mapa.png\n```",
        "handbook/test.md:13: BŁĄD: rysunek nie ma tekstu alternatywnego",
    ),
    ("Akapit.", "```{wykres} nie_ma\n```", "handbook/test.md:13: BŁĄD: nieznany wykres „nie_ma”"),
    (
        "Akapit.",
        "Liczba {dane}`po_kursiee`.",
        "handbook/test.md:13: BŁĄD: nieznana liczba z danych „po_kursiee”",
    ),
    (
        "Akapit.",
        "Zob. {numref}`tabela-brak`.",
        "handbook/test.md:13: BŁĄD: odsyłacz do nieistniejącej etykiety „tabela-brak”",
    ),
    (
        "Akapit.",
        "Zob. {doc}`99-nie-ma`.",
        "handbook/test.md:13: BŁĄD: odsyłacz do nieistniejącego rozdziału „99-nie-ma”",
    ),
    (
        "Akapit.",
        "Zob. {term}`grupa formalna`.",
        "handbook/test.md:13: BŁĄD: termin „grupa formalna” nie występuje w słowniczku",
    ),
    ("Akapit.", "<script>alert(1)</script>", "handbook/test.md:13: BŁĄD: znacznik <script> jest zabroniony"),
    (
        "Akapit.",
        'Tekst <b onclick="x()">b</b>.',
        "handbook/test.md:13: BŁĄD: atrybuty zdarzeń (np. onclick=) są zabronione",
    ),
    (
        "Akapit.",
        "[kliknij](javascript:alert(1))",
        "handbook/test.md:13: BŁĄD: odnośnik „javascript:alert(1)” jest zabroniony",
    ),
    ("Akapit.", "<div>blok</div>", "handbook/test.md:13: BŁĄD: znacznik HTML <div> jest niedozwolony"),
    ("Akapit.", 'Mówią "tak".', "handbook/test.md:13: UWAGA: proste cudzysłowy"),
    ("Akapit.", "Sieć - stała.", "handbook/test.md:13: UWAGA: dywiz „ - ” jako myślnik"),
    ("Akapit.", "Dwie  spacje.", "handbook/test.md:13: UWAGA: podwójna spacja"),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"), FAULTS, ids=[f[2].split(": ", 2)[2][:30] for f in FAULTS]
)
def test_every_check_names_file_and_line(project, old, new, expected):
    assert old in GOOD
    findings = _findings(project, GOOD.replace(old, new, 1))
    assert any(f.startswith(expected) for f in findings), findings


def test_a_good_chapter_has_no_findings(project):
    assert _findings(project, GOOD) == []


def test_cli_exit_codes_and_strict(project):
    (project / "handbook" / "test.md").write_text(GOOD.replace("Akapit.", "Sieć - stała."), encoding="utf-8")
    relaxed = run("--katalog", str(project), "sprawdz")
    assert relaxed.returncode == 0 and "UWAGA" in relaxed.stdout
    strict = run("--katalog", str(project), "sprawdz", "--strict")
    assert strict.returncode == 1
    assert run("--katalog", str(project), "sprawdz", "--nieznana").returncode == 2
    (project / "handbook" / "test.md").write_text(
        GOOD.replace("status: szkic", "status: x"), encoding="utf-8"
    )
    assert run("--katalog", str(project), "sprawdz").returncode == 1


def test_new_chapter_is_numbered_listed_and_valid(project):
    result = run("--katalog", str(project), "nowy-rozdzial", "Wolontariat w małych grupach")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "handbook/01-wolontariat-w-malych-grupach.md"
    index = (project / "handbook" / "index.md").read_text(encoding="utf-8")
    assert "rozdzial\n01-wolontariat-w-malych-grupach\n```" in index
    second = run("--katalog", str(project), "nowy-rozdzial", "Wolontariat seniorów")
    assert second.stdout.splitlines()[0] == "handbook/02-wolontariat-seniorow.md"
    assert "01-wolontariat-w-malych-grupach\n02-wolontariat-seniorow\n" in (
        project / "handbook" / "index.md"
    ).read_text(encoding="utf-8")
    chapter = (project / "handbook" / "01-wolontariat-w-malych-grupach.md").read_text(encoding="utf-8")
    # Every hint names something of this book, so it works as written.
    for name in (
        "wolontariusze_gminy",
        "liczba_zajec",
        "wolontariusz sąsiedzki",
        "Stowarzyszenie Przyjaciół Modrzewia",
    ):
        assert name in chapter, name
    assert "% - Wykres z danych: ```{wykres} wolontariusze_gminy```" in chapter
    settings = load_settings(project)
    findings = [f for f in check_book(settings) if "01-wolontariat" in str(f.path)]
    # Nothing wrong, only the template's text to replace (its summary and first paragraph).
    assert {f.level for f in findings} == {"UWAGA"} and len(findings) == 2
    assert all("czeka na uzupełnienie" in f.message for f in findings)
    assert run("--katalog", str(project), "nowy-rozdzial", "  ").returncode == 1


def test_slug_folds_polish_letters():
    assert slug("Współpraca z samorządem: ŁÓDŹ?") == "wspolpraca-z-samorzadem-lodz"


def test_script_never_reaches_the_site(project):
    settings = load_settings(project)
    prepare_data(settings)
    assert build_site(settings, "html", echo=False).ok
    chapter = project / "handbook" / "rozdzial.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8")
        + '\n<script>alert("x")</script>\n\nTekst <span onclick="steal()">x</span>.\n',
        encoding="utf-8",
    )
    result = build_site(settings, "html", echo=False)
    assert not result.ok
    assert any("znacznik <script> jest zabroniony" in w and "rozdzial.md:" in w for w in result.warnings)
    assert any("atrybuty zdarzeń" in w for w in result.warnings)
    for page in settings.html_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'alert("x")' not in html and "steal()" not in html


def test_final_refuses_drafts_and_lists_them(project):
    result = run("--katalog", str(project), "buduj", "--final")
    assert result.returncode == 1
    assert "handbook/rozdzial.md: status „szkic”" in result.stderr
    assert "slowniczek.md" not in result.stderr  # that one is „gotowy”
    assert not (project / "_build" / "html").exists()
    for page in (project / "handbook").glob("*.md"):
        page.write_text(
            re.sub(r"^status: \w+$", "status: gotowy", page.read_text(encoding="utf-8"), flags=re.MULTILINE),
            encoding="utf-8",
        )
    assert run("--katalog", str(project), "buduj", "--final", "--html").returncode == 0


def test_drafts_are_marked_on_the_site_and_in_the_pdf(project):
    settings = load_settings(project)
    prepare_data(settings)
    assert build_site(settings, "html", echo=False).ok
    draft = (settings.html_dir / "rozdzial.html").read_text(encoding="utf-8")
    ready = (settings.html_dir / "slowniczek.html").read_text(encoding="utf-8")
    assert "WERSJA ROBOCZA" in draft and "WERSJA ROBOCZA" not in ready
    assert build_pdf(settings, echo=False).ok
    source = "".join(p.read_text(encoding="utf-8") for p in (settings.build_dir / "typst").glob("*.typ"))
    assert '#heading(level: 1, numbering: (..) => "1.", supplement: [robocza])[Rozdział próbny]' in source
    assert "supplement: [robocza])[Słowniczek]" not in source
    # pypdf, not pdftotext: poppler leaves out diagonal text such as the watermark.
    pages = [page.extract_text() for page in PdfReader(settings.pdf_file).pages]
    # A chapter's first page is the one with its byline (its summary ends the byline).
    draft_page = next(t for t in pages if "Rozdział do testów potoku." in t)
    ready_page = next(t for t in pages if "Pojęcia." in t)
    assert draft_page.count("WERSJA ROBOCZA") == 2  # the byline's badge and the watermark
    assert "status „szkic”" in draft_page and "Status rozdziału" not in draft_page
    assert "WERSJA ROBOCZA" not in ready_page


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str:
    """The page, asked again when the server is just replacing it (a rebuild swaps the file)."""
    for attempt in range(10):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local preview
                return response.read().decode("utf-8")
        except (OSError, http.client.HTTPException):
            if attempt == 9:
                raise
            time.sleep(0.3)
    raise AssertionError("unreachable")


def _pdf_text(url: str) -> str:
    """The preview's PDF as text, "" while it has none yet."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local preview
            reader = PdfReader(io.BytesIO(response.read()))
    except (OSError, http.client.HTTPException):
        return ""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _wait(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


def test_preview_shows_an_edited_chapter(project, tmp_path):
    port = _free_port()
    preview = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "handbook.cli",
            "-q",
            "--katalog",
            str(project),
            "podglad",
            "--port",
            str(port),
        ],
        stdout=(errors := (tmp_path / "podglad.err").open("w", encoding="utf-8")),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/rozdzial.html"
    pdf = f"http://127.0.0.1:{port}/pdf/{load_settings(project).pdf_file.name}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                assert "Zajęcia" in _get(url)
                break
            except (OSError, AssertionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        chapter = project / "handbook" / "rozdzial.md"
        chapter.write_text(
            chapter.read_text(encoding="utf-8") + "\nZdanie dopisane podczas podglądu.\n", encoding="utf-8"
        )
        edited = time.monotonic()
        while "Zdanie dopisane podczas podglądu." not in _get(url):
            assert time.monotonic() - edited < 60, "the preview did not show the edit"
            time.sleep(0.3)
        # The PDF follows in the background, and the page links to it.
        assert f'href="pdf/{pdf.rsplit("/", 1)[1]}"' in _get(url)
        added = "Zdanie dopisane podczas podglądu."
        _wait(lambda: added in _pdf_text(pdf), "the preview's PDF did not follow", 150)
        # A changed declaration runs the data stage: "po kursie" counts everyone now (12, not 8).
        numbers = project / "conf" / "liczby.toml"
        numbers.write_text(
            numbers.read_text(encoding="utf-8").replace("filtr = { kurs = true }\n", "", 1), encoding="utf-8"
        )
        edited = time.monotonic()
        while "Kurs ukończyło 12 z" not in " ".join(
            reader_text(BeautifulSoup(_get(url), "html.parser")).replace("\u00a0", " ").split()
        ):
            assert time.monotonic() - edited < 60, "the preview did not show the changed number"
            time.sleep(0.3)
        # A chapter the PDF cannot be built from: the last good PDF stays, and the link says so.
        chapter.write_text(
            chapter.read_text(encoding="utf-8") + "\nZdanie błędne.\n\n```{wykres} nie_ma_takiego\n```\n",
            encoding="utf-8",
        )
        # The PDF builds in the background at low priority: on a busy machine it takes longer.
        _wait(lambda: PreviewPdf.FAILED in _get(url), "the page did not say that the PDF failed", 150)
        text = _pdf_text(pdf)
        assert added in text and "Zdanie błędne." not in text
        console = tmp_path / "podglad.err"
        assert PreviewPdf.FAILED_LINE in console.read_text(encoding="utf-8")
        # A save elsewhere does not hide the fault: the next PDF build still fails and says so.
        index = project / "handbook" / "index.md"
        index.write_text(index.read_text(encoding="utf-8") + "\n", encoding="utf-8")

        def after_the_save() -> str | None:
            """What the first PDF build that began after the rebuild for index.md ended with."""
            said = console.read_text(encoding="utf-8")
            rebuild = said.find("Zmiana: index.md")
            begun = said.find("PDF: odświeżam w tle", rebuild) if rebuild >= 0 else -1
            ended = (
                [said.find(line, begun) for line in ("PDF gotowy", PreviewPdf.FAILED_LINE)]
                if begun >= 0
                else []
            )
            ended = [at for at in ended if at >= 0]
            return said[min(ended) :].split("\n", 1)[0] if ended else None

        _wait(lambda: after_the_save() is not None, "no PDF build followed the save of index.md", 150)
        assert after_the_save() == PreviewPdf.FAILED_LINE
        assert PreviewPdf.FAILED in _get(url) and "Zdanie błędne." not in _pdf_text(pdf)
    finally:
        preview.terminate()
        preview.wait(timeout=20)
        errors.close()


@pytest.mark.slow
def test_every_example_in_the_authors_guide_builds(tmp_path):
    """The guide's ```markdown examples, put together into a chapter of the book under test."""
    guide = BOOK / "handbook" / "poradnik-autora.md"
    if not guide.exists():
        pytest.skip("ten podręcznik nie ma poradnika autora (handbook/poradnik-autora.md)")
    examples = re.findall(
        r"^(`{3,4})markdown\n(.*?)^\1$", guide.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL
    )
    assert len(examples) >= 6
    front, *bodies = [body for _, body in examples]
    assert front.startswith("---\ntytul:")
    project = copy_book(tmp_path / "p")
    # A chart stands in the book once: the examples' charts leave the chapters that show them.
    for chart in set(re.findall(r"\{wykres\}\s+(\S+)", "\n".join(bodies))):
        for page in (project / "handbook").glob("*.md"):
            text = page.read_text(encoding="utf-8")
            text = re.sub(
                rf"^(`{{3,}}|:{{3,}})\{{wykres\}} {re.escape(chart)}\n(?::\w+:.*\n)*\1\n",
                "",
                text,
                flags=re.MULTILINE,
            )
            page.write_text(text.replace(f"{{numref}}`wykres-{chart}`", "wykres"), encoding="utf-8")
    (project / "handbook" / "99-przyklady.md").write_text(
        front + "\n## Przykłady\n\n" + "\n".join(bodies), encoding="utf-8"
    )
    index = project / "handbook" / "index.md"
    index.write_text(_add_to_contents(index.read_text(encoding="utf-8"), "99-przyklady"), encoding="utf-8")
    settings = load_settings(project)
    assert [f.format(settings.root) for f in check_book(settings) if f.level == "BŁĄD"] == []
    prepare_data(settings)
    result = build_site(settings, "html", echo=False)
    assert result.ok, result.warnings
    page = (settings.html_dir / "99-przyklady.html").read_text(encoding="utf-8")
    assert "handbook-chart-figure" in page and "Tabela" in page and "footnote" in page
