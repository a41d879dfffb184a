"""The chart runner: identical bytes on rebuild, only changed charts regenerated."""

from __future__ import annotations

import json

from handbook.charts.runner import render_charts
from handbook.data.load import load_tables
from handbook.products import MANIFEST


def _bytes(settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(settings.charts_dir.glob("*.svg"))}


def test_rebuild_gives_identical_bytes(make_project):
    settings = make_project()
    tables = load_tables(settings)
    render_charts(settings, tables)
    first = _bytes(settings)
    for path in settings.charts_dir.iterdir():
        path.unlink()
    render_charts(settings, tables)
    assert _bytes(settings) == first
    assert len(first) >= 6
    svg = next(iter(first.values())).decode()
    assert "<dc:date>" not in svg  # no timestamp in the file


def test_second_run_generates_nothing(make_project):
    settings = make_project()
    tables = load_tables(settings)
    first = render_charts(settings, tables)
    assert len(first.rendered) >= 6
    second = render_charts(settings, tables)
    assert second.rendered == ()
    assert set(second.unchanged) == set(first.rendered)


def test_changed_table_regenerates_only_its_charts(make_project):
    settings = make_project()
    render_charts(settings, load_tables(settings))
    before = _bytes(settings)
    path = settings.data_dir / "konferencja.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("media,5", "media,6"), encoding="utf-8")
    events = settings.data_dir / "wydarzenia.csv"
    events.write_text(events.read_text(encoding="utf-8").replace(",6,128,", ",6,129,"), encoding="utf-8")
    report = render_charts(settings, load_tables(settings))
    # wydarzenia.csv changed too (the conference total), so its two charts are redone.
    assert set(report.rendered) == {"konferencja_sektory", "szkolenia_godziny", "frekwencja_wydarzen"}
    after = _bytes(settings)
    assert after["konferencja_sektory.svg"] != before["konferencja_sektory.svg"]
    assert after["siec_wzrost.svg"] == before["siec_wzrost.svg"]


def test_manifest_carries_caption_and_data_alt(make_project):
    settings = make_project()
    render_charts(settings, load_tables(settings))
    manifest = json.loads((settings.charts_dir / MANIFEST).read_text(encoding="utf-8"))
    entry = manifest["konferencja_sektory"]
    assert entry["file"] == "konferencja_sektory.svg"
    assert entry["caption"].endswith("(dane ilustracyjne)")
    assert "128" in entry["alt"] and "54" in entry["alt"]


def test_spreadsheet_re_export_of_unchanged_data_redraws_nothing(make_project):
    settings = make_project()
    render_charts(settings, load_tables(settings))
    path = settings.data_dir / "uczestnicy.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(("\ufeff" + text.replace(",", ";")).encode("utf-8"))
    tables = load_tables(settings)
    assert tables.notes["uczestnicy"] == ("znacznik BOM", "separator „;”")
    assert render_charts(settings, tables).rendered == ()
