"""Polish formatting of numbers and dates, shared by charts, alt texts and the prose."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

NBSP = "\u00a0"


def number(value: float, decimals: int = 0) -> str:
    """``1234.5`` → ``1 234,5`` (no-break space groups thousands, decimal comma)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def percent(share: float, decimals: int = 0) -> str:
    """A share in 0..1 as a Polish percentage: ``0.125`` → ``12,5%``."""
    return number(share * 100, decimals) + "%"


def date(day: dt.date, with_year: bool = True) -> str:
    """``2017-09-10`` → ``10 września 2017 r.`` (month in the genitive)."""
    if with_year:
        return format_date(day, "d MMMM y", locale="pl") + f"{NBSP}r."
    return format_date(day, "d MMMM", locale="pl")


def month(day: dt.date) -> str:
    """The month's name in the nominative: ``2017-09-01`` → ``wrzesień``."""
    return format_date(day, "LLLL", locale="pl")


def short_date(day: dt.date) -> str:
    """Compact axis label with a Roman month: ``2017-09-10`` → ``10 IX``."""
    romans = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
    return f"{day.day}{NBSP}{romans[day.month - 1]}"


def period(start: dt.date, end: dt.date) -> str:
    """``9 września – 19 listopada 2017 r.``; the year once when both days share it."""
    if start.year == end.year:
        return f"{date(start, with_year=False)} – {date(end)}"
    return f"{date(start)} – {date(end)}"


def count(n: int, forms: tuple[str, str, str]) -> str:
    """A count with its noun in the right Polish form: 1 błąd, 2 błędy, 5 błędów, 22 błędy."""
    return f"{number(n)}{NBSP}{plural(n, forms)}"


def plural(n: float, forms: tuple[str, str, str]) -> str:
    """The form of a noun after *n*: (1, 2–4, 5+). A fraction takes the second form („2,5 godziny”)."""
    if not float(n).is_integer():
        return forms[1]
    whole = abs(int(n))
    if whole == 1:
        return forms[0]
    if whole % 10 in (2, 3, 4) and whole % 100 not in (12, 13, 14):
        return forms[1]
    return forms[2]
