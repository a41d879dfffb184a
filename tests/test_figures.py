"""Numbers in the prose: computed once from the data, formatted the Polish way, by name."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from handbook import fmt
from handbook.build.staging import build_site
from handbook.data.load import load_tables
from handbook.numbers.compute import FIGURES, compute_all, format_value, write_figures
from handbook.pipeline import prepare_data

NB = "\u00a0"


def test_every_figure_is_computed_and_described(tables):
    values = compute_all(tables)
    for name, figure in FIGURES.items():
        keys = [k for k in values if k == name or k.startswith(name + ":")]
        assert keys, name
        assert figure.description
    assert values["liczba_zgloszonych"]["tekst"] == "22"
    assert values["liczba_absolwentow"]["tekst"] == "20"
    assert values["odsetek_absolwentow"]["tekst"] == "91%"
    assert values["zgloszeni_w_gminie:Raszyn"]["tekst"] == "4"
    assert values["zasieg_laczny"]["tekst"] == f"59{NB}150"
    assert values["godziny_zajec"]["tekst"] == "99"
    assert values["samoocena_przed"]["tekst"] == "2,2"
    assert values["data_konferencji"]["tekst"] == f"9 grudnia 2017{NB}r."
    assert values["okres_zajec"]["tekst"] == f"9 września – 19 listopada 2017{NB}r."


@pytest.mark.parametrize(
    ("value", "kind", "decimals", "expected"),
    [
        (1234, "liczba", 0, f"1{NB}234"),
        (0.125, "odsetek", 1, "12,5%"),
        (3.6, "srednia", 1, "3,6"),
        (dt.date(2017, 9, 10), "data", 0, f"10 września 2017{NB}r."),
        (
            (dt.date(2017, 12, 30), dt.date(2018, 1, 2)),
            "okres",
            0,
            f"30 grudnia 2017{NB}r. – 2 stycznia 2018{NB}r.",
        ),
    ],
)
def test_format_value(value, kind, decimals, expected):
    assert format_value(value, kind, decimals) == expected


def test_period_in_one_year_names_it_once():
    assert fmt.period(dt.date(2017, 7, 3), dt.date(2017, 8, 31)) == f"3 lipca – 31 sierpnia 2017{NB}r."


def test_figures_file_is_rewritten_only_on_change(tables, tmp_path):
    path = write_figures(tables, tmp_path)
    first = path.stat().st_mtime_ns
    write_figures(tables, tmp_path)
    assert path.stat().st_mtime_ns == first


@pytest.fixture
def mini(make_project):
    settings = make_project("mini")
    prepare_data(settings)
    return settings


def test_role_inserts_the_numbers(mini):
    result = build_site(mini, "html", echo=False)
    assert result.ok, result.warnings
    page = BeautifulSoup((mini.html_dir / "dane.html").read_text(encoding="utf-8"), "html.parser")
    text = " ".join(page.select_one("article").get_text().replace(NB, " ").split())
    assert "Program ukończyło 20 z 22 osób (91%), w Raszynie 4." in text
    assert (
        "Zajęcia trwały 9 września – 19 listopada 2017 r., konferencja odbyła się 9 grudnia 2017 r." in text
    )
    assert "wzrosła z 2,2 do 3,6. Zasięg: 59 150 osób." in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("liczba_absolwentuw", "dane.md:13: nieznana liczba z danych „liczba_absolwentuw”"),
        ("zgloszeni_w_gminie:Warszawa", "Dostępne w tej rodzinie: zgloszeni_w_gminie:Brwinów"),
    ],
)
def test_unknown_name_fails_with_file_and_line(mini, name, expected):
    page = mini.source_dir / "dane.md"
    page.write_text(page.read_text(encoding="utf-8").replace("liczba_absolwentow", name, 1), encoding="utf-8")
    result = build_site(mini, "html", echo=False)
    assert not result.ok
    assert any(expected in w for w in result.warnings), result.warnings


def test_data_appendix_offers_every_file(mini):
    result = build_site(mini, "html", echo=False)
    assert result.ok, result.warnings
    page = BeautifulSoup((mini.html_dir / "dane.html").read_text(encoding="utf-8"), "html.parser")
    links = {a.get_text(strip=True): a["href"] for a in page.select("a.download")}
    schema = load_tables(mini).schema
    expected = {r["path"] for r in schema["resources"]} | {"datapackage.json"}
    assert set(links) == expected
    for name, href in links.items():
        assert (mini.html_dir / href).read_bytes() == (mini.data_dir / name).read_bytes()
    tables = page.select("table.handbook-data-schema")
    assert len(tables) == len(schema["resources"])
    first = [td.get_text(strip=True) for td in tables[0].select("tbody tr")[2].select("td")]
    assert first[:3] == ["ludnosc", "liczba całkowita", "osoby"]
    assert "ilustracyjne" in page.select_one(".admonition.important").get_text()
    footer = BeautifulSoup((mini.html_dir / "rozdzial.html").read_text(encoding="utf-8"), "html.parser")
    assert footer.select_one('footer a[href="dane.html"]')


def test_chart_data_table_is_collapsed_under_each_chart(mini):
    result = build_site(mini, "html", echo=False)
    assert result.ok
    page = BeautifulSoup((mini.html_dir / "rozdzial.html").read_text(encoding="utf-8"), "html.parser")
    boxes = page.select("details.handbook-chart-data")
    assert len(boxes) == 2 and not boxes[0].has_attr("open")
    assert boxes[0].summary.get_text(strip=True).startswith("Dane liczbowe wykresu")
    headers = [th.get_text(strip=True) for th in boxes[0].select("thead th")]
    assert headers == ["Gmina", "Zgłoszeni", "Ukończyli program"]
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in boxes[0].select("tbody tr")]
    assert rows[0] == ["Pruszków", "5", "4"] and len(rows) == 6
