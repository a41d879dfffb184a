"""Personal-data guard (RODO): no e-mail, phone or PESEL anywhere, free text only if declared."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

SAFE_TEXT = "x-rodo-bezpieczne"

EMAIL = "adres e-mail"
PHONE = "numer telefonu"
PESEL = "numer PESEL (liczba 11-cyfrowa)"
# What to do, in every message about personal data outside the data files.
ADVICE = (
    "danych osobowych nie publikujemy (RODO) – usuń je albo opisz osobę rolą, np. „koordynatorka "
    "projektu”; kontakt do biura projektu podaje deklaracja dostępności ([dostepnosc] email, telefon)."
)

# Spaces a spreadsheet, a word processor or the typography transform may put between digits.
_SPACES = " \u00a0\u202f\u2009"
_SPACE = f"[{_SPACES}]"
# Between two groups of digits: a space, or one of - – . / with optional spaces around it.
_SEP = rf"(?:{_SPACE}?[-\u2010\u2011\u2013./]{_SPACE}?|{_SPACE})"
_S = rf"{_SEP}?"
# Not the tail of a longer number (a digit, maybe with one separator, right before it) …
_START = r"(?<![\w+])(?<!\d[-\u2010\u2011\u2013./,\s])"
# … and not its head: no digit or letter right after it, nor a decimal part („123 456 789,00”).
_END = r"(?![-\u2010\u2011\u2013./,]?\w)"

_EMAIL = re.compile(
    r"[\w.+-]+(?:@|\s?[\[(](?:at|małpa)[\])]\s?)[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
# +48, 0048, (+48) or „48 ” before the number.
_PREFIX = rf"(?:\(?(?:\+|00){_SPACE}?48\)?{_S}|48{_SEP})"
# A landline's area code and what separates it from the rest: 22 , 022 , (22) , (0-22) .
_AREA = rf"(?:\({_SPACE}?(?:0{_S})?\d{{2}}{_SPACE}?\){_SPACE}?|(?:0{_S})?\d{{2}}{_SEP})"
# Separators are all there or all missing: digits run together are never split at random,
# so „2003 96 873” (a year and a citation) is not read as „20 03 96 873”.
_GROUPINGS = (
    r"\d{9}",  # 600100200
    rf"\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}",  # mobile 600 100 200
    rf"\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}",  # mobile 600 10 02 00
    rf"{_AREA}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}",  # landline (22) 123 45 67, 22.123.45.67
    rf"{_AREA}\d{{3}}{_SEP}\d{{4}}",  # 22 123 4567
    rf"{_AREA}\d{{7}}",  # 22 1234567
    rf"{_AREA}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{3}}",  # 22 12 34 567
)
# Nine digits in the way Polish numbers are written are a phone number, unless an amount of
# money or people follows („123 456 789 zł”: thousands are grouped in threes too).
_PHONE = re.compile(
    rf"{_START}(?:{_PREFIX})?(?:{'|'.join(_GROUPINGS)}){_END}"
    rf"(?!{_SPACE}?(?:zł|zl\b|złotych|złote|PLN|EUR|euro|€|USD|\$|osób|os\.|mieszkańców))",
    re.IGNORECASE,
)
# After „tel.”, „telefon”, „kom.” or „fax” any seven digits or more are a phone number too,
# also a local one without the area code (tel. 123 45 67).
_LABELLED_PHONE = re.compile(
    rf"\b(?:tel|telefon\w*|kom|komórk\w*|fax|faks)\b\.?:?{_SPACE}*(?:nr\.?{_SPACE}*)?"
    rf"(?P<number>\+?\(?\d[\d(){_SPACES}\-\u2010\u2011\u2013./]*\d){_END}",
    re.IGNORECASE,
)
# Eleven digits (a PESEL with a typo in it is still personal data), also grouped with one kind
# of separator: 44051401359, 440514 01359, 440514-01359, 44 05 14 01359, 440 514 013 59.
_PESEL = re.compile(
    rf"{_START}(?:\d{{11}}"
    rf"|\d{{6}}(?P<a>[{_SPACES}-])\d{{5}}"
    rf"|\d{{2}}(?P<b>[{_SPACES}.-])\d{{2}}(?P=b)\d{{2}}(?P=b)\d{{5}}"
    rf"|\d{{3}}(?P<c>[{_SPACES}-])\d{{3}}(?P=c)\d{{3}}(?P=c)\d{{2}}"
    rf"|\d{{4}}(?P<d>[{_SPACES}-])\d{{4}}(?P=d)\d{{3}}){_END}"
)
# Numbers of public registers and citations that look like a phone or a PESEL after these
# words: an organisation's REGON has nine digits, a KRS number ten, an ISBN thirteen.
_PUBLIC_NUMBER = re.compile(r"(?:ISBN|ISSN|NIP|REGON|KRS|Dz\.\s?U\.|M\.\s?P\.|poz\.|sygn\.)[\s:.nr]*$", re.I)


@dataclass(frozen=True)
class Found:
    """Personal data found in a text: what kind, the text as written, and where it starts."""

    kind: str
    text: str
    start: int

    @property
    def key(self) -> str:
        """The form the allow-list compares: an address in lower case, a phone's nine digits."""
        return contact_key(self.kind, self.text)

    def describe(self) -> str:
        return f"{self.kind} („{self.text}”)"


def contact_key(kind: str, text: str) -> str:
    if kind == EMAIL:
        return re.sub(r"\s", "", text).lower()
    digits = re.sub(r"\D", "", text)
    if kind == PHONE:
        # +48 / 0048 and the old trunk 0 before an area code ((022) 123 45 67) are not the number.
        digits = digits.removeprefix("00")
        if len(digits) > 9 and digits.startswith("48"):
            digits = digits[2:]
        if len(digits) == 10 and digits.startswith("0"):
            digits = digits[1:]
    return digits


def find_personal_data(text: str, allowed: frozenset[str] = frozenset()) -> list[Found]:
    """Every e-mail, phone number and PESEL in *text*, except the public contacts in *allowed*."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(start < stop and begin < end for begin, stop in taken):
            return
        if kind != EMAIL and _PUBLIC_NUMBER.search(text[max(0, start - 16) : start]):
            return
        taken.append((start, end))
        item = Found(kind, text[start:end], start)
        if item.key not in allowed:
            found.append(item)

    for match in _EMAIL.finditer(text):
        add(EMAIL, match.start(), match.end())
    for match in _PESEL.finditer(text):
        add(PESEL, match.start(), match.end())
    for match in _PHONE.finditer(text):
        add(PHONE, match.start(), match.end())
    for match in _LABELLED_PHONE.finditer(text):
        if len(re.sub(r"\D", "", match["number"])) >= 7:
            add(PHONE, match.start("number"), match.end("number"))
    return sorted(found, key=lambda item: item.start)


def personal_data(value: str, allowed: frozenset[str] = frozenset()) -> str | None:
    """What kind of personal data *value* looks like, or None."""
    found = find_personal_data(value, allowed)
    return found[0].kind if found else None


def public_contacts(values: Iterable[str]) -> frozenset[str]:
    """The allow-list of the contacts a book declares public (its accessibility statement's)."""
    return frozenset(item.key for value in values for item in find_personal_data(value))


def strings(data: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text value of parsed TOML, JSON or YAML with its place (``loc``)."""
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, Mapping):
        for key, value in data.items():
            yield from strings(value, (*loc, str(key)))
    elif isinstance(data, (list, tuple)):
        for index, value in enumerate(data):
            yield from strings(value, (*loc, index))


def undeclared_free_text(fields: list[Mapping[str, Any]], foreign: set[str]) -> Iterator[str]:
    """Names of free-text columns (no allowed values, no pattern, no reference) not declared safe."""
    for field in fields:
        if field["type"] != "string" or field["name"] in foreign:
            continue
        constraints = field.get("constraints", {})
        if "enum" in constraints or "pattern" in constraints:
            continue
        if field.get(SAFE_TEXT) is not True:
            yield field["name"]
