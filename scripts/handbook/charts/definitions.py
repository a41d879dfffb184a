"""The handbook's charts: each a summary of the tables, a plot of it and an alt text of it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from handbook import fmt
from handbook.charts.registry import chart
from handbook.charts.style import Style, label_bars, new_figure, polish_ticks, text_colour
from handbook.data.load import Tables

TRAINING_TYPES = ("szkolenie", "warsztat", "wyjazd studyjny", "praktyka")
TYPE_LABELS = {
    "szkolenie": "szkolenia",
    "warsztat": "warsztaty",
    "wyjazd studyjny": "wyjazd studyjny",
    "praktyka": "praktyki",
}


def _listing(pairs: list[tuple[str, str]]) -> str:
    return "; ".join(f"{name}: {value}" for name, value in pairs)


# --- Recruitment ---------------------------------------------------------------------------


def campaign(tables: Tables) -> pd.DataFrame:
    return tables["kampania"].sort_values("zasieg_szacowany").reset_index(drop=True)


def _campaign_alt(tables: Tables) -> str:
    data = campaign(tables).iloc[::-1]
    reach = _listing([(r.kanal, fmt.number(r.zasieg_szacowany)) for r in data.itertuples()])
    best = data.sort_values("zgloszenia", ascending=False).iloc[0]
    return (
        "Dwa poziome wykresy słupkowe kanałów akcji informacyjnej. Szacowany zasięg: "
        f"{reach}. Najwięcej zgłoszeń, {fmt.number(best.zgloszenia)} z "
        f"{fmt.number(data.zgloszenia.sum())}, przyniósł kanał „{best.kanal}”."
    )


@chart(
    "kampania_zasieg",
    "Szacowany zasięg kanałów akcji informacyjnej i liczba zgłoszeń uczestników z każdego z nich",
    ("kampania",),
    _campaign_alt,
    lambda t: (
        campaign(t)
        .iloc[::-1]
        .rename(
            columns={
                "kanal": "Kanał",
                "zasieg_szacowany": "Szacowany zasięg (osoby)",
                "zgloszenia": "Zgłoszenia",
            }
        )
    ),
)
def plot_campaign(tables: Tables, style: Style) -> Figure:
    data = campaign(tables)
    figure = new_figure(3.4)
    reach_ax, apps_ax = figure.subplots(1, 2, sharey=True, width_ratios=(3, 2))
    y = np.arange(len(data))
    bars = reach_ax.barh(y, data.zasieg_szacowany, color=style.colour(0))
    label_bars(reach_ax, bars)
    reach_ax.set_yticks(y, data.kanal)
    reach_ax.set_xlabel("szacowany zasięg (osoby)")
    reach_ax.set_xlim(0, data.zasieg_szacowany.max() * 1.3)
    polish_ticks(reach_ax.xaxis)
    bars = apps_ax.barh(y, data.zgloszenia, color=style.colour(1))
    label_bars(apps_ax, bars)
    apps_ax.set_xlabel("zgłoszenia")
    apps_ax.set_xlim(0, data.zgloszenia.max() * 1.3)
    apps_ax.tick_params(left=False)
    return figure


def recruitment(tables: Tables) -> pd.DataFrame:
    people = tables["uczestnicy"]
    summary = people.groupby("gmina").agg(zgloszeni=("id", "size"), ukonczyli=("ukonczenie", "sum"))
    return summary.sort_values(["zgloszeni", "ukonczyli"], ascending=False).reset_index()


def _recruitment_alt(tables: Tables) -> str:
    data = recruitment(tables)
    pairs = [(r.gmina, f"{r.zgloszeni} zgłoszonych, {r.ukonczyli} ukończyło") for r in data.itertuples()]
    return (
        "Wykres słupkowy liderów zgłoszonych do projektu i tych, którzy ukończyli program, "
        f"w każdej z gmin. Razem {fmt.number(data.zgloszeni.sum())} zgłoszonych i "
        f"{fmt.number(data.ukonczyli.sum())} absolwentów. {_listing(pairs)}."
    )


@chart(
    "rekrutacja_gminy",
    "Liderzy lokalni zgłoszeni do projektu i liderzy, którzy ukończyli program, według gmin",
    ("uczestnicy",),
    _recruitment_alt,
    lambda t: recruitment(t).rename(
        columns={"gmina": "Gmina", "zgloszeni": "Zgłoszeni", "ukonczyli": "Ukończyli program"}
    ),
)
def plot_recruitment(tables: Tables, style: Style) -> Figure:
    data = recruitment(tables)
    figure = new_figure()
    ax = figure.subplots()
    x = np.arange(len(data))
    width = 0.38
    for offset, column, label, colour in (
        (-width / 2, "zgloszeni", "zgłoszeni", 0),
        (width / 2, "ukonczyli", "ukończyli program", 2),
    ):
        bars = ax.bar(x + offset, data[column], width, label=label, color=style.colour(colour))
        label_bars(ax, bars)
    ax.set_xticks(x, data.gmina)
    ax.set_ylabel("liczba liderów")
    ax.set_ylim(0, data.zgloszeni.max() + 1.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper right")
    return figure


# --- Trainings -------------------------------------------------------------------------------


def training_hours(tables: Tables) -> pd.DataFrame:
    events = tables["wydarzenia"]
    events = events[events["typ"].isin(TRAINING_TYPES)]
    table = events.pivot_table(
        index=events["data"].dt.to_period("M"), columns="typ", values="godziny", aggfunc="sum"
    )
    return table.reindex(columns=list(TRAINING_TYPES)).fillna(0.0)


def _training_alt(tables: Tables) -> str:
    data = training_hours(tables)
    months = [
        (fmt.month(period.to_timestamp()), f"{fmt.number(row.sum())} godz.")
        for period, row in data.iterrows()
    ]
    types = [(TYPE_LABELS[t], f"{fmt.number(data[t].sum())} godz.") for t in TRAINING_TYPES]
    return (
        "Skumulowany wykres słupkowy godzin zajęć w kolejnych miesiącach według rodzaju zajęć. "
        f"Razem {fmt.number(data.to_numpy().sum())} godzin. Według miesięcy: {_listing(months)}. "
        f"Według rodzaju: {_listing(types)}."
    )


def _training_table(hours: pd.DataFrame) -> pd.DataFrame:
    table = hours.rename(columns=TYPE_LABELS)
    table["razem"] = table.sum(axis=1)
    table.index = [fmt.month(p.to_timestamp()) for p in table.index]
    return table.rename_axis("Miesiąc").reset_index()


@chart(
    "szkolenia_godziny",
    "Godziny zajęć cyklu szkoleniowo-warsztatowego w kolejnych miesiącach według rodzaju zajęć",
    ("wydarzenia",),
    _training_alt,
    lambda t: _training_table(training_hours(t)),
)
def plot_training_hours(tables: Tables, style: Style) -> Figure:
    data = training_hours(tables)
    figure = new_figure()
    ax = figure.subplots()
    x = np.arange(len(data))
    bottom = np.zeros(len(data))
    for index, kind in enumerate(TRAINING_TYPES):
        values = data[kind].to_numpy()
        colour = style.colour(index)
        bars = ax.bar(x, values, 0.6, bottom=bottom, label=TYPE_LABELS[kind], color=colour)
        labels = [fmt.number(v) if v else "" for v in values]
        ax.bar_label(bars, labels=labels, label_type="center", fontsize=8, color=text_colour(colour))
        bottom += values
    for position, total in zip(x, bottom, strict=True):
        ax.text(position, total + 0.8, f"razem {fmt.number(total)}", ha="center", fontsize=8)
    ax.set_xticks(x, [fmt.month(p.to_timestamp()) for p in data.index])
    ax.set_ylabel("godziny zajęć")
    ax.set_ylim(0, bottom.max() * 1.15)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return figure


def attendance(tables: Tables) -> pd.DataFrame:
    events = tables["wydarzenia"]
    group = events[events["typ"].isin(("szkolenie", "warsztat", "wyjazd studyjny"))]
    return group.sort_values("data").reset_index(drop=True)


def _attendance_alt(tables: Tables) -> str:
    data = attendance(tables)
    low = data.loc[data.liczba_uczestnikow.idxmin()]
    return (
        f"Wykres słupkowy frekwencji na {len(data)} zajęciach całej grupy od "
        f"{fmt.date(data.data.iloc[0])} do {fmt.date(data.data.iloc[-1])}. Obecnych było od "
        f"{fmt.number(data.liczba_uczestnikow.min())} do "
        f"{fmt.number(data.liczba_uczestnikow.max())} osób, średnio "
        f"{fmt.number(data.liczba_uczestnikow.mean(), 1)}; najmniej na zajęciach „{low.temat}”."
    )


@chart(
    "frekwencja_wydarzen",
    "Liczba uczestników obecnych na kolejnych zajęciach całej grupy (szkolenia, warsztaty, wyjazd studyjny)",
    ("wydarzenia",),
    _attendance_alt,
    lambda t: pd.DataFrame(
        {
            "Data": [fmt.date(d, with_year=False) for d in attendance(t).data],
            "Rodzaj": attendance(t).typ,
            "Temat": attendance(t).temat,
            "Obecni": attendance(t).liczba_uczestnikow,
        }
    ),
)
def plot_attendance(tables: Tables, style: Style) -> Figure:
    data = attendance(tables)
    figure = new_figure()
    ax = figure.subplots()
    x = np.arange(len(data))
    kinds = ("szkolenie", "warsztat", "wyjazd studyjny")
    for index, kind in enumerate(kinds):
        mask = (data.typ == kind).to_numpy()
        bars = ax.bar(
            x[mask], data.liczba_uczestnikow[mask], 0.7, label=TYPE_LABELS[kind], color=style.colour(index)
        )
        label_bars(ax, bars)
    ax.set_xticks(x, [fmt.short_date(d) for d in data.data], rotation=0)
    ax.set_ylabel("obecni uczestnicy")
    ax.set_ylim(0, data.liczba_uczestnikow.max() * 1.25)
    ax.legend(loc="lower left", ncols=3, bbox_to_anchor=(0.0, 1.0))
    return figure


# --- Mentoring -------------------------------------------------------------------------------


def mentoring_hours(tables: Tables) -> pd.DataFrame:
    sessions = tables["mentoring"]
    table = (
        sessions.pivot_table(index="temat", columns="forma", values="czas_min", aggfunc="sum", fill_value=0)
        / 60
    )
    table = table.loc[table.sum(axis=1).sort_values().index]
    return table


def _mentoring_alt(tables: Tables) -> str:
    data = mentoring_hours(tables)
    sessions = tables["mentoring"]
    topics = [
        (topic, f"{fmt.number(hours, 1)} godz.") for topic, hours in data.sum(axis=1).iloc[::-1].items()
    ]
    forms = [(form, f"{fmt.number(hours, 1)} godz.") for form, hours in data.sum().items()]
    return (
        f"Poziomy skumulowany wykres słupkowy: {fmt.number(len(sessions))} sesji mentoringu, "
        f"razem {fmt.number(data.to_numpy().sum(), 1)} godziny, według tematu i formy. "
        f"Tematy: {_listing(topics)}. Formy: {_listing(forms)}."
    )


@chart(
    "mentoring_tematy",
    "Godziny coachingu i mentoringu według tematu sesji i jej formy",
    ("mentoring",),
    _mentoring_alt,
    lambda t: (
        mentoring_hours(t)
        .iloc[::-1]
        .assign(razem=lambda d: d.sum(axis=1))
        .reset_index()
        .rename(columns={"temat": "Temat sesji", "razem": "Razem (godziny)"})
    ),
)
def plot_mentoring(tables: Tables, style: Style) -> Figure:
    data = mentoring_hours(tables)
    figure = new_figure(3.4)
    ax = figure.subplots()
    y = np.arange(len(data))
    left = np.zeros(len(data))
    for index, form in enumerate(data.columns):
        values = data[form].to_numpy()
        ax.barh(y, values, left=left, label=form, color=style.colour(index))
        left += values
    for position, total in zip(y, left, strict=True):
        ax.text(total + 0.3, position, fmt.number(total, 1), va="center", fontsize=8)
    ax.set_yticks(y, data.index)
    ax.set_xlabel("godziny")
    ax.set_xlim(0, left.max() * 1.15)
    polish_ticks(ax.xaxis)
    figure.legend(loc="outside upper center", ncols=2)
    return figure


# --- Network ---------------------------------------------------------------------------------


def network(tables: Tables) -> pd.DataFrame:
    return tables["siec"].sort_values("miesiac").reset_index(drop=True)


def _network_alt(tables: Tables) -> str:
    data = network(tables)
    first, last = data.iloc[0], data.iloc[-1]
    months = [
        (fmt.month(r.miesiac), fmt.number(r.organizacje + r.grupy_nieformalne)) for r in data.itertuples()
    ]
    return (
        "Skumulowany wykres słupkowy liczby członków sieci wzajemnego wsparcia na koniec "
        f"miesiąca. Od {fmt.number(first.organizacje + first.grupy_nieformalne)} członków w "
        f"miesiącu {fmt.month(first.miesiac)} do "
        f"{fmt.number(last.organizacje + last.grupy_nieformalne)} w miesiącu "
        f"{fmt.month(last.miesiac)} ({fmt.number(last.organizacje)} organizacji i "
        f"{fmt.number(last.grupy_nieformalne)} grup nieformalnych). {_listing(months)}."
    )


@chart(
    "siec_wzrost",
    "Liczba członków sieci wzajemnego wsparcia na koniec kolejnych miesięcy",
    ("siec",),
    _network_alt,
    lambda t: pd.DataFrame(
        {
            "Miesiąc": [fmt.month(m) for m in network(t).miesiac],
            "Organizacje": network(t).organizacje,
            "Grupy nieformalne": network(t).grupy_nieformalne,
            "Razem": network(t).organizacje + network(t).grupy_nieformalne,
        }
    ),
)
def plot_network(tables: Tables, style: Style) -> Figure:
    data = network(tables)
    figure = new_figure()
    ax = figure.subplots()
    x = np.arange(len(data))
    orgs = ax.bar(x, data.organizacje, 0.6, label="organizacje pozarządowe", color=style.colour(0))
    groups = ax.bar(
        x,
        data.grupy_nieformalne,
        0.6,
        bottom=data.organizacje,
        label="grupy nieformalne",
        color=style.colour(4),
    )
    ax.bar_label(
        orgs,
        labels=[fmt.number(v) for v in data.organizacje],
        label_type="center",
        fontsize=8,
        color=text_colour(style.colour(0)),
    )
    ax.bar_label(
        groups,
        labels=[fmt.number(v) if v else "" for v in data.grupy_nieformalne],
        label_type="center",
        fontsize=8,
        color=text_colour(style.colour(4)),
    )
    totals = data.organizacje + data.grupy_nieformalne
    for position, total in zip(x, totals, strict=True):
        ax.text(position, total + 0.8, f"razem {fmt.number(total)}", ha="center", fontsize=8)
    ax.set_xticks(x, [fmt.month(m) for m in data.miesiac])
    ax.set_ylabel("członkowie sieci")
    ax.set_ylim(0, totals.max() * 1.15)
    ax.legend(loc="upper left")
    return figure


# --- Results ---------------------------------------------------------------------------------


def self_assessment(tables: Tables) -> pd.DataFrame:
    scores = tables["samoocena"].groupby("kompetencja")[["przed", "po"]].mean()
    scores["zmiana"] = scores["po"] - scores["przed"]
    return scores.sort_values("zmiana")


def _assessment_alt(tables: Tables) -> str:
    data = self_assessment(tables)
    raw = tables["samoocena"]
    pairs = [
        (name, f"{fmt.number(r.przed, 1)} przed i {fmt.number(r.po, 1)} po")
        for name, r in data.iloc[::-1].iterrows()
    ]
    return (
        "Wykres punktowy średniej samooceny sześciu kompetencji w skali od 1 do 5 na początku "
        f"i na końcu programu ({fmt.number(raw.uczestnik.nunique())} absolwentów). Średnio "
        f"{fmt.number(raw.przed.mean(), 1)} przed i {fmt.number(raw.po.mean(), 1)} po. "
        f"{_listing(pairs)}."
    )


@chart(
    "samoocena_kompetencji",
    "Średnia samoocena kompetencji absolwentów na początku i na końcu programu (skala 1–5)",
    ("samoocena",),
    _assessment_alt,
    lambda t: (
        self_assessment(t)
        .iloc[::-1]
        .reset_index()
        .rename(
            columns={
                "kompetencja": "Kompetencja",
                "przed": "Na początku",
                "po": "Na końcu",
                "zmiana": "Zmiana",
            }
        )
    ),
)
def plot_self_assessment(tables: Tables, style: Style) -> Figure:
    data = self_assessment(tables)
    figure = new_figure()
    ax = figure.subplots()
    y = np.arange(len(data))
    ax.hlines(y, data.przed, data.po, color="#777777", linewidth=2, zorder=1)
    ax.scatter(data.przed, y, s=45, color=style.colour(1), label="na początku", zorder=2)
    ax.scatter(data.po, y, s=45, color=style.colour(0), label="na końcu", marker="D", zorder=2)
    for position, (before, after) in enumerate(zip(data.przed, data.po, strict=True)):
        ax.text(before - 0.08, position, fmt.number(before, 1), ha="right", va="center", fontsize=8)
        ax.text(after + 0.08, position, fmt.number(after, 1), ha="left", va="center", fontsize=8)
    ax.set_yticks(y, data.index)
    ax.set_xlim(1, 5)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.set_xlabel("średnia samoocena (1 – bardzo słabo, 5 – bardzo dobrze)")
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2)
    return figure


def conference(tables: Tables) -> pd.DataFrame:
    return tables["konferencja"].sort_values("liczba_osob").reset_index(drop=True)


def _conference_alt(tables: Tables) -> str:
    data = conference(tables).iloc[::-1]
    total = data.liczba_osob.sum()
    pairs = [
        (r.sektor, f"{fmt.number(r.liczba_osob)} ({fmt.percent(r.liczba_osob / total)})")
        for r in data.itertuples()
    ]
    return (
        f"Poziomy wykres słupkowy {fmt.number(total)} uczestników konferencji podsumowującej "
        f"według sektora: {_listing(pairs)}."
    )


@chart(
    "konferencja_sektory",
    "Uczestnicy konferencji podsumowującej projekt według reprezentowanego sektora",
    ("konferencja",),
    _conference_alt,
    lambda t: conference(t).iloc[::-1].rename(columns={"sektor": "Sektor", "liczba_osob": "Liczba osób"}),
)
def plot_conference(tables: Tables, style: Style) -> Figure:
    data = conference(tables)
    figure = new_figure()
    ax = figure.subplots()
    bars = ax.barh(data.sektor, data.liczba_osob, color=style.colour(2))
    label_bars(ax, bars)
    ax.set_xlabel("liczba uczestników")
    ax.set_xlim(0, data.liczba_osob.max() * 1.15)
    polish_ticks(ax.xaxis)
    return figure
