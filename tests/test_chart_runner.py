"""The chart runner on a fictional county's data: identical bytes, a cache per chart, the manifest."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from handbook.charts.runner import chart_style, render, render_charts
from handbook.charts.spec import load_charts
from handbook.data.load import Tables
from handbook.errors import HandbookError
from handbook.products import MANIFEST
from handbook.settings import Settings

sys.path.insert(0, str(Path(__file__).parent))
from test_charts import frames, make_settings, make_tables  # noqa: E402

CHARTS = """
    [dyzury_gmin]
    podpis = "Dyżury w gminach"
    typ = "słupki poziome"
    tabela = "dyzury"
    kategorie = "gmina"
    wartosc = { agregacja = "suma", kolumna = "osoby" }
    kolejnosc = "malejąco"

    [godziny_miesiecy]
    podpis = "Godziny dyżurów w miesiącach"
    tabela = "dyzury"
    kategorie = "data"
    okres = "miesiąc"
    wartosc = { agregacja = "suma", kolumna = "godziny" }
    podzial = "rodzaj"
    uklad = "stos"
    suma = true

    [ankieta_zmiana]
    podpis = "Samoocena przed i po"
    typ = "hantle"
    tabela = "ankieta"
    kategorie = "obszar"

    [[ankieta_zmiana.serie]]
    etykieta = "przed"
    agregacja = "średnia"
    kolumna = "przed"

    [[ankieta_zmiana.serie]]
    etykieta = "po"
    agregacja = "średnia"
    kolumna = "po"

    [stan_kol]
    podpis = "Koła na koniec miesiąca"
    typ = "obszar"
    tabela = "stan"
    kategorie = "miesiac"
    wartosc = { agregacja = "suma", kolumna = "kola" }
"""


def write(settings: Settings, text: str = CHARTS) -> None:
    settings.charts_file.parent.mkdir(parents=True, exist_ok=True)
    settings.charts_file.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def run(settings: Settings, tables: Tables):  # type: ignore[no-untyped-def]
    return render_charts(settings, tables, load_charts(settings, tables))


def svgs(settings: Settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(settings.charts_dir.glob("*.svg"))}


def manifest(settings: Settings) -> dict[str, dict[str, object]]:
    return json.loads((settings.charts_dir / MANIFEST).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path)
    write(settings)
    return settings


def test_rebuild_gives_identical_bytes_without_a_date(settings):
    tables = make_tables()
    run(settings, tables)
    first = svgs(settings)
    for path in settings.charts_dir.iterdir():
        path.unlink()
    run(settings, tables)
    assert svgs(settings) == first
    assert len(first) == 8  # each chart for print and for phones
    for content in first.values():
        text = content.decode()
        assert "<dc:date>" not in text
        assert not re.search(r"20\d\d-\d\d-\d\dT", text)  # no timestamp anywhere
        assert "<text" not in text  # text drawn as paths: no font needed where it is shown


def test_one_process_and_several_draw_the_same_bytes(settings, monkeypatch):
    """Charts are drawn on every processor; a one-processor machine gets the same files."""
    import os

    tables = make_tables()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert len(run(settings, tables).rendered) == 4
    several = svgs(settings)
    for path in settings.charts_dir.iterdir():
        path.unlink()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    run(settings, tables)
    assert svgs(settings) == several and len(several) == 8


def test_second_run_draws_nothing(settings):
    tables = make_tables()
    first = run(settings, tables)
    assert set(first.rendered) == {"dyzury_gmin", "godziny_miesiecy", "ankieta_zmiana", "stan_kol"}
    before = {p.name: p.stat().st_mtime_ns for p in settings.charts_dir.iterdir()}
    second = run(settings, tables)
    assert second.rendered == ()
    assert set(second.unchanged) == set(first.rendered)
    assert {p.name: p.stat().st_mtime_ns for p in settings.charts_dir.iterdir()} == before


def test_changing_one_table_redraws_only_its_charts(settings):
    run(settings, make_tables())
    before = svgs(settings)
    state = frames()["stan"].assign(kola=[2, 3, 6])
    report = run(settings, make_tables({"stan": state}))
    assert report.rendered == ("stan_kol",)
    after = svgs(settings)
    assert after["stan_kol.svg"] != before["stan_kol.svg"]
    assert after["dyzury_gmin.svg"] == before["dyzury_gmin.svg"]


def test_a_referenced_table_is_part_of_the_key(settings):
    # The categories of dyzury_gmin are every gmina of the referenced table.
    run(settings, make_tables())
    gminas = frames()["gminy"]
    renamed = gminas.assign(gmina=gminas["gmina"].replace("Stare Sioło", "Nowe Sioło"))
    report = run(settings, make_tables({"gminy": renamed}))
    assert report.rendered == ("dyzury_gmin",)
    rows = manifest(settings)["dyzury_gmin"]["rows"]
    assert ["Nowe Sioło", "0"] in rows


def test_changing_a_declaration_redraws_only_that_chart(settings):
    tables = make_tables()
    run(settings, tables)
    write(settings, CHARTS.replace('podpis = "Koła na koniec miesiąca"', 'podpis = "Koła w miesiącach"'))
    report = run(settings, tables)
    assert report.rendered == ("stan_kol",)
    assert manifest(settings)["stan_kol"]["caption"].startswith("Koła w miesiącach")


def test_removing_a_declaration_removes_its_svg_and_entry(settings):
    tables = make_tables()
    run(settings, tables)
    write(settings, CHARTS.split("    [stan_kol]")[0])
    report = run(settings, tables)
    assert report.rendered == ()
    assert not (settings.charts_dir / "stan_kol.svg").exists()
    assert set(manifest(settings)) == {"dyzury_gmin", "godziny_miesiecy", "ankieta_zmiana"}


def test_a_new_palette_redraws_everything(settings, tmp_path):
    tables = make_tables()
    run(settings, tables)
    recoloured = settings.model_copy(
        update={"colours": settings.colours.model_copy(update={"charts": ("#000000", "#111111", "#222222")})}
    )
    assert len(run(recoloured, tables).rendered) == 4


def test_manifest_carries_caption_alt_and_data_table(settings):
    run(settings, make_tables())
    entry = manifest(settings)["dyzury_gmin"]
    assert entry["file"] == "dyzury_gmin.svg"
    assert entry["caption"] == "Dyżury w gminach (dane ilustracyjne)"
    assert "Jeziorany: 13 (41%)" in entry["alt"]
    assert entry["columns"] == ["Gmina", "Liczba osób"]
    assert entry["rows"][0] == ["Jeziorany", "13"]
    stacked = manifest(settings)["godziny_miesiecy"]
    assert stacked["columns"][-1] == "Razem"
    assert len(entry["key"]) == 64


@pytest.mark.parametrize("illustrative", [True, False])
def test_illustrative_data_are_marked_in_caption_and_figure(tmp_path, illustrative):
    settings = make_settings(tmp_path, illustrative=illustrative)
    write(settings)
    tables = make_tables()
    run(settings, tables)
    caption = manifest(settings)["dyzury_gmin"]["caption"]
    assert caption == "Dyżury w gminach" + (" (dane ilustracyjne)" if illustrative else "")
    figure = render(load_charts(settings, tables)["dyzury_gmin"], tables, chart_style(settings), settings)
    assert ("Dane ilustracyjne" in [t.get_text() for t in figure.texts]) == illustrative


def test_a_failing_custom_chart_is_reported_and_the_others_are_drawn(settings):
    module = settings.root / "conf" / "wykresy" / "zly.py"
    module.parent.mkdir(parents=True)
    module.write_text("def wykres(tables, style):\n    raise ValueError('brak danych')\n", encoding="utf-8")
    write(
        settings,
        CHARTS + '\n[zly]\npodpis = "Zły"\ntyp = "własny"\nplik = "conf/wykresy/zly.py"\nalt = "x"\n',
    )
    tables = make_tables()
    with pytest.raises(HandbookError) as raised:
        run(settings, tables)
    (problem,) = raised.value.problems
    assert problem.path == settings.charts_file
    assert "conf/wykresy/zly.py" in problem.message and "ValueError: brak danych" in problem.message
    assert set(manifest(settings)) == {"dyzury_gmin", "godziny_miesiecy", "ankieta_zmiana", "stan_kol"}


def test_editing_a_custom_module_redraws_it(settings):
    module = settings.root / "conf" / "wykresy" / "wlasny.py"
    module.parent.mkdir(parents=True)
    body = "from matplotlib.figure import Figure\n\ndef wykres(tables, style):\n    return Figure()\n"
    module.write_text(body, encoding="utf-8")
    custom = (
        '\n[wlasny]\npodpis = "Własny"\ntyp = "własny"\nplik = "conf/wykresy/wlasny.py"\nalt = "Pusty."\n'
    )
    write(settings, CHARTS + custom)
    tables = make_tables()
    run(settings, tables)
    module.write_text(body + "\n# poprawka\n", encoding="utf-8")
    assert run(settings, tables).rendered == ("wlasny",)
