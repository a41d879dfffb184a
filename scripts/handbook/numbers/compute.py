"""Figures quoted in the prose (``{dane}`name```), each computed once from the tables.

A figure is a function of the tables, registered by name with a kind that fixes its Polish
format; a family of figures takes one parameter (a gmina, a channel, …) whose possible values
come from the data, so every value can be computed before Sphinx runs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from handbook import fmt
from handbook.data.load import Tables
from handbook.products import FIGURES_FILE

Kind = Literal["liczba", "odsetek", "srednia", "data", "okres"]
Value = float | int | dt.date | tuple[dt.date, dt.date]


@dataclass(frozen=True)
class Figure:
    name: str
    description: str
    kind: Kind
    compute: Callable[..., Value]
    parameters: Callable[[Tables], list[str]] | None = None
    decimals: int = 0


FIGURES: dict[str, Figure] = {}


def figure(
    name: str,
    description: str,
    kind: Kind = "liczba",
    parameters: Callable[[Tables], list[str]] | None = None,
    decimals: int = 0,
) -> Callable[[Callable[..., Value]], Callable[..., Value]]:
    def register(compute: Callable[..., Value]) -> Callable[..., Value]:
        if name in FIGURES:
            raise ValueError(f"figure {name!r} registered twice")
        FIGURES[name] = Figure(name, description, kind, compute, parameters, decimals)
        return compute

    return register


def format_value(value: Value, kind: Kind, decimals: int = 0) -> str:
    """A figure's value as it is printed: ``1 234``, ``12,5%``, ``9 grudnia 2017 r.``."""
    if kind == "data":
        assert isinstance(value, dt.date)
        return fmt.date(value)
    if kind == "okres":
        assert isinstance(value, tuple)
        return fmt.period(*value)
    if kind == "odsetek":
        return fmt.percent(float(value), decimals)  # type: ignore[arg-type]
    return fmt.number(float(value), decimals)  # type: ignore[arg-type]


def write_figures(tables: Tables, folder: Path) -> Path:
    """Write every figure's text for the Sphinx role; rewritten only when it changed."""
    path = folder / FIGURES_FILE
    text = json.dumps(compute_all(tables), ensure_ascii=False, indent=2) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path


def compute_all(tables: Tables) -> dict[str, dict[str, str]]:
    """Every figure (and every parameter of a family) → printed text and description."""
    result: dict[str, dict[str, str]] = {}
    for name, fig in sorted(FIGURES.items()):
        keys: list[tuple[str, tuple[str, ...]]]
        if fig.parameters is None:
            keys = [(name, ())]
        else:
            keys = [(f"{name}:{p}", (p,)) for p in fig.parameters(tables)]
        for key, args in keys:
            value = fig.compute(tables, *args)
            result[key] = {
                "tekst": format_value(value, fig.kind, fig.decimals),
                "opis": fig.description + (f" ({args[0]})" if args else ""),
            }
    return result


def _day(value: pd.Timestamp) -> dt.date:
    return value.date()


def _trainings(tables: Tables) -> pd.DataFrame:
    events = tables["wydarzenia"]
    return events[events["typ"] != "konferencja"]


def _gminas(tables: Tables) -> list[str]:
    return sorted(tables["gminy"]["gmina"])


def _channels(tables: Tables) -> list[str]:
    return list(tables["kampania"]["kanal"])


def _group_types(tables: Tables) -> list[str]:
    return sorted(tables["uczestnicy"]["typ_grupy"].unique())


def _event_types(tables: Tables) -> list[str]:
    return sorted(_trainings(tables)["typ"].unique())


def _competences(tables: Tables) -> list[str]:
    return sorted(tables["samoocena"]["kompetencja"].unique())


def _forms(tables: Tables) -> list[str]:
    return sorted(tables["mentoring"]["forma"].unique())


def _sectors(tables: Tables) -> list[str]:
    return list(tables["konferencja"]["sektor"])


def _months(tables: Tables) -> list[str]:
    return sorted(tables["uczestnicy"]["data_zgloszenia"].dt.strftime("%Y-%m").unique())


# --- Partnership and county ---------------------------------------------------------------


@figure("liczba_gmin", "liczba gmin powiatu")
def _count_gminas(tables: Tables) -> int:
    return len(tables["gminy"])


@figure("liczba_organizacji", "liczba organizacji partnerskich")
def _count_organisations(tables: Tables) -> int:
    return len(tables["organizacje"])


@figure("ludnosc_gminy", "przybliżona liczba mieszkańców gminy", parameters=_gminas)
def _population(tables: Tables, gmina: str) -> int:
    gminy = tables["gminy"]
    return int(gminy.loc[gminy["gmina"] == gmina, "ludnosc"].iloc[0])


# --- Recruitment --------------------------------------------------------------------------


@figure("liczba_zgloszonych", "liczba liderów zgłoszonych do projektu")
def _enrolled(tables: Tables) -> int:
    return len(tables["uczestnicy"])


@figure("liczba_absolwentow", "liczba liderów, którzy ukończyli program")
def _graduates(tables: Tables) -> int:
    return int(tables["uczestnicy"]["ukonczenie"].sum())


@figure("liczba_rezygnacji", "liczba liderów, którzy nie ukończyli programu")
def _dropouts(tables: Tables) -> int:
    return int((~tables["uczestnicy"]["ukonczenie"]).sum())


@figure("odsetek_absolwentow", "odsetek zgłoszonych, którzy ukończyli program", kind="odsetek")
def _graduate_share(tables: Tables) -> float:
    return float(tables["uczestnicy"]["ukonczenie"].mean())


@figure("zgloszeni_w_gminie", "liczba liderów zgłoszonych w gminie", parameters=_gminas)
def _enrolled_in(tables: Tables, gmina: str) -> int:
    return int((tables["uczestnicy"]["gmina"] == gmina).sum())


@figure("absolwenci_w_gminie", "liczba absolwentów z gminy", parameters=_gminas)
def _graduates_in(tables: Tables, gmina: str) -> int:
    people = tables["uczestnicy"]
    return int(people.loc[people["gmina"] == gmina, "ukonczenie"].sum())


@figure("zgloszeni_w_miesiacu", "liczba zgłoszeń w miesiącu (RRRR-MM)", parameters=_months)
def _enrolled_month(tables: Tables, month: str) -> int:
    return int((tables["uczestnicy"]["data_zgloszenia"].dt.strftime("%Y-%m") == month).sum())


@figure("grupy_typu", "liczba uczestników reprezentujących dany typ grupy", parameters=_group_types)
def _group_type(tables: Tables, kind: str) -> int:
    return int((tables["uczestnicy"]["typ_grupy"] == kind).sum())


@figure("okres_rekrutacji", "okres, w którym wpływały zgłoszenia", kind="okres")
def _recruitment_period(tables: Tables) -> tuple[dt.date, dt.date]:
    days = tables["uczestnicy"]["data_zgloszenia"]
    return _day(days.min()), _day(days.max())


@figure("zasieg_kanalu", "szacowany zasięg kanału informacji (osoby)", parameters=_channels)
def _reach(tables: Tables, channel: str) -> int:
    campaign = tables["kampania"]
    return int(campaign.loc[campaign["kanal"] == channel, "zasieg_szacowany"].iloc[0])


@figure("zgloszenia_z_kanalu", "liczba zgłoszeń z kanału informacji", parameters=_channels)
def _applications(tables: Tables, channel: str) -> int:
    campaign = tables["kampania"]
    return int(campaign.loc[campaign["kanal"] == channel, "zgloszenia"].iloc[0])


@figure("zasieg_laczny", "łączny szacowany zasięg akcji informacyjnej (osoby)")
def _total_reach(tables: Tables) -> int:
    return int(tables["kampania"]["zasieg_szacowany"].sum())


# --- Trainings ----------------------------------------------------------------------------


@figure("liczba_zajec", "liczba zajęć cyklu szkoleniowego (bez konferencji)")
def _count_events(tables: Tables) -> int:
    return len(_trainings(tables))


@figure("godziny_zajec", "łączna liczba godzin zajęć cyklu szkoleniowego")
def _hours(tables: Tables) -> float:
    return float(_trainings(tables)["godziny"].sum())


@figure("zajecia_typu", "liczba zajęć danego typu", parameters=_event_types)
def _count_type(tables: Tables, kind: str) -> int:
    return int((_trainings(tables)["typ"] == kind).sum())


@figure("godziny_typu", "liczba godzin zajęć danego typu", parameters=_event_types)
def _hours_type(tables: Tables, kind: str) -> float:
    events = _trainings(tables)
    return float(events.loc[events["typ"] == kind, "godziny"].sum())


@figure("okres_zajec", "okres cyklu szkoleniowo-warsztatowego", kind="okres")
def _training_period(tables: Tables) -> tuple[dt.date, dt.date]:
    days = _trainings(tables)["data"]
    return _day(days.min()), _day(days.max())


@figure("data_inauguracji", "dzień pierwszych zajęć", kind="data")
def _first_day(tables: Tables) -> dt.date:
    return _day(_trainings(tables)["data"].min())


@figure("frekwencja_srednia", "średnia liczba obecnych na zajęciach całej grupy", kind="srednia", decimals=1)
def _mean_attendance(tables: Tables) -> float:
    events = _trainings(tables)
    group = events[events["typ"] != "praktyka"]
    return float(group["liczba_uczestnikow"].mean())


@figure("frekwencja_min", "najmniejsza liczba obecnych na zajęciach całej grupy")
def _min_attendance(tables: Tables) -> int:
    events = _trainings(tables)
    return int(events.loc[events["typ"] != "praktyka", "liczba_uczestnikow"].min())


@figure("frekwencja_max", "największa liczba obecnych na zajęciach całej grupy")
def _max_attendance(tables: Tables) -> int:
    events = _trainings(tables)
    return int(events.loc[events["typ"] != "praktyka", "liczba_uczestnikow"].max())


@figure("liczba_kanalow", "liczba kanałów akcji informacyjnej")
def _count_channels(tables: Tables) -> int:
    return len(tables["kampania"])


# --- Mentoring ----------------------------------------------------------------------------


@figure("liczba_sesji", "liczba sesji coachingu i mentoringu")
def _sessions(tables: Tables) -> int:
    return len(tables["mentoring"])


@figure("godziny_mentoringu", "łączna liczba godzin mentoringu (zaokrąglona)")
def _mentoring_hours(tables: Tables) -> float:
    return round(float(tables["mentoring"]["czas_min"].sum()) / 60)


@figure("sesje_formy", "liczba sesji w danej formie", parameters=_forms)
def _sessions_form(tables: Tables, form: str) -> int:
    return int((tables["mentoring"]["forma"] == form).sum())


# --- Network ------------------------------------------------------------------------------


def _network_row(tables: Tables, position: int) -> pd.Series:
    return tables["siec"].sort_values("miesiac").iloc[position]


@figure("siec_poczatek", "liczba członków sieci na początku projektu")
def _network_start(tables: Tables) -> int:
    row = _network_row(tables, 0)
    return int(row["organizacje"] + row["grupy_nieformalne"])


@figure("siec_koniec", "liczba członków sieci na końcu projektu")
def _network_end(tables: Tables) -> int:
    row = _network_row(tables, -1)
    return int(row["organizacje"] + row["grupy_nieformalne"])


@figure("siec_organizacje", "liczba organizacji w sieci na końcu projektu")
def _network_orgs(tables: Tables) -> int:
    return int(_network_row(tables, -1)["organizacje"])


@figure("siec_grupy", "liczba grup nieformalnych w sieci na końcu projektu")
def _network_groups(tables: Tables) -> int:
    return int(_network_row(tables, -1)["grupy_nieformalne"])


# --- Results ------------------------------------------------------------------------------


@figure("samoocena_przed", "średnia samoocena kompetencji na początku (1–5)", kind="srednia", decimals=1)
def _before(tables: Tables) -> float:
    return float(tables["samoocena"]["przed"].mean())


@figure("samoocena_po", "średnia samoocena kompetencji na końcu (1–5)", kind="srednia", decimals=1)
def _after(tables: Tables) -> float:
    return float(tables["samoocena"]["po"].mean())


@figure(
    "samoocena_przed_w",
    "średnia samoocena kompetencji na początku",
    kind="srednia",
    parameters=_competences,
    decimals=1,
)
def _before_in(tables: Tables, competence: str) -> float:
    scores = tables["samoocena"]
    return float(scores.loc[scores["kompetencja"] == competence, "przed"].mean())


@figure(
    "samoocena_po_w",
    "średnia samoocena kompetencji na końcu",
    kind="srednia",
    parameters=_competences,
    decimals=1,
)
def _after_in(tables: Tables, competence: str) -> float:
    scores = tables["samoocena"]
    return float(scores.loc[scores["kompetencja"] == competence, "po"].mean())


@figure("uczestnicy_konferencji", "liczba uczestników konferencji podsumowującej")
def _conference_total(tables: Tables) -> int:
    return int(tables["konferencja"]["liczba_osob"].sum())


@figure("konferencja_sektor", "liczba uczestników konferencji z sektora", parameters=_sectors)
def _conference_sector(tables: Tables, sector: str) -> int:
    conference = tables["konferencja"]
    return int(conference.loc[conference["sektor"] == sector, "liczba_osob"].iloc[0])


@figure("data_konferencji", "dzień konferencji podsumowującej", kind="data")
def _conference_day(tables: Tables) -> dt.date:
    events = tables["wydarzenia"]
    return _day(events.loc[events["typ"] == "konferencja", "data"].iloc[0])
