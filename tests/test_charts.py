"""Charts: the data on each Figure (bars, labels, values), captions and alt texts."""

from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from handbook.charts.registry import all_charts
from handbook.charts.runner import chart_style
from handbook.charts.style import text_colour

CHARTS = all_charts()
NB = "\u00a0"


@pytest.fixture(scope="module")
def style(settings):
    return chart_style(settings)


def render(name, tables, style) -> Figure:
    figure = CHARTS[name].render(tables, style)
    figure.canvas.draw()  # tick labels exist only after a draw
    return figure


def bars(ax) -> list[BarContainer]:
    return [c for c in ax.containers if isinstance(c, BarContainer)]


def ticks(axis) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels()]


def test_at_least_six_charts_each_with_caption_and_alt(tables):
    assert len(CHARTS) >= 6
    for name, chart in CHARTS.items():
        assert chart.caption and chart.caption[0].isupper(), name
        alt = chart.alt(tables)
        assert len(alt) > 60, name
        assert re.search(r"\d", alt), f"{name}: alt text must state numbers"
        assert set(chart.tables) <= set(tables), name


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_chart_is_a_figure_marked_illustrative(name, tables, style):
    figure = render(name, tables, style)
    assert isinstance(figure, Figure)
    texts = [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]
    assert "Dane ilustracyjne" in texts


def test_recruitment_by_gmina(tables, style):
    ax = render("rekrutacja_gminy", tables, style).axes[0]
    enrolled, graduated = bars(ax)
    assert ticks(ax.xaxis) == ["Pruszków", "Brwinów", "Raszyn", "Michałowice", "Nadarzyn", "Piastów"]
    assert list(enrolled.datavalues) == [5, 4, 4, 3, 3, 3]
    assert sum(graduated.datavalues) == 20
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["zgłoszeni", "ukończyli program"]


def test_campaign_reach_and_applications(tables, style):
    reach_ax, apps_ax = render("kampania_zasieg", tables, style).axes[:2]
    (reach,) = bars(reach_ax)
    (apps,) = bars(apps_ax)
    assert len(reach) == len(tables["kampania"]) == 6
    assert max(reach.datavalues) == 26000
    assert sum(apps.datavalues) == len(tables["uczestnicy"])
    assert f"26{NB}000" in [t.get_text() for t in reach_ax.texts]  # Polish grouping
    assert "portale i prasa lokalna" in ticks(reach_ax.yaxis)


def test_training_hours_stack_by_month(tables, style):
    ax = render("szkolenia_godziny", tables, style).axes[0]
    stacks = bars(ax)
    assert len(stacks) == 4  # szkolenia, warsztaty, wyjazd studyjny, praktyki
    assert ticks(ax.xaxis) == ["wrzesień", "październik", "listopad"]
    totals = np.sum([c.datavalues for c in stacks], axis=0)
    assert list(totals) == [22, 50, 27]
    assert "razem 50" in [t.get_text() for t in ax.texts]


def test_attendance_per_group_event(tables, style):
    ax = render("frekwencja_wydarzen", tables, style).axes[0]
    values = [v for c in bars(ax) for v in c.datavalues]
    assert len(values) == 11
    assert max(values) == 21 and min(values) == 17
    assert ticks(ax.xaxis)[0] == f"9{NB}IX"


def test_mentoring_hours_by_topic(tables, style):
    ax = render("mentoring_tematy", tables, style).axes[0]
    stacks = bars(ax)
    assert len(stacks) == 3  # three forms of session
    total = float(np.sum([c.datavalues for c in stacks]))
    assert total == pytest.approx(tables["mentoring"]["czas_min"].sum() / 60)
    assert "pozyskiwanie funduszy" in ticks(ax.yaxis)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert all("." not in label for label in labels)  # decimal comma, never a point


def test_network_growth(tables, style):
    ax = render("siec_wzrost", tables, style).axes[0]
    orgs, groups = bars(ax)
    assert list(orgs.datavalues) == [9, 11, 14, 18, 22, 27]
    assert list(groups.datavalues)[-1] == 16
    assert ticks(ax.xaxis)[0] == "lipiec" and ticks(ax.xaxis)[-1] == "grudzień"


def test_self_assessment_before_after(tables, style):
    ax = render("samoocena_kompetencji", tables, style).axes[0]
    before, after = ax.collections[1], ax.collections[2]
    xs_before, xs_after = before.get_offsets()[:, 0], after.get_offsets()[:, 0]
    assert len(xs_before) == len(xs_after) == 6
    assert all(xs_after >= xs_before)
    assert ax.get_xlim() == (1, 5)
    assert "3,6" in [t.get_text() for t in ax.texts]


def test_conference_by_sector(tables, style):
    ax = render("konferencja_sektory", tables, style).axes[0]
    (sectors,) = bars(ax)
    assert sum(sectors.datavalues) == 128
    assert ticks(ax.yaxis)[-1] == "organizacje pozarządowe"  # largest on top


def test_palette_is_the_settings_palette(settings, tables, style):
    ax = render("konferencja_sektory", tables, style).axes[0]
    colour = ax.patches[0].get_facecolor()
    expected = tuple(int(settings.colours.charts[2][i : i + 2], 16) / 255 for i in (1, 3, 5))
    assert colour[:3] == pytest.approx(expected)


def test_text_colour_keeps_contrast():
    assert text_colour("#0072B2") == "white"
    assert text_colour("#E69F00") == "black"
