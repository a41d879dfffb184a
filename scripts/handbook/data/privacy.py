"""Personal-data guard (RODO): no e-mail, phone or PESEL anywhere, free text only if declared."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
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
# A bare 123 456 789 cannot be told from a mobile number: what to do when it is an amount.
AMOUNT_ADVICE = (
    "Jeśli to nie telefon, lecz kwota albo liczba, dopisz po niej jednostkę („zł”, „osób”) "
    "albo wstaw ją z danych rolą {dane}."
)

# Characters that are not shown (soft hyphen, zero-width spaces and joiners, word joiner, BOM):
# a number or an address with them in it is still read as one.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
# Hyphen-like and minus-like signs people put between groups of digits, read as „-”.
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
# Spacing commands of LaTeX (\, \; \: \! \  ~ \quad) and its braces, in a formula.
_MATH_SPACING = re.compile(r"\\[,;:!> ]|\\q?quad(?![a-zA-Z])|~|[{}]")

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

# The local part starts where a run of its characters starts: tried from inside the run too,
# a long word („DDDD…” in a cell, a 1 MB token) would be rescanned from each of its letters.
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s?[\[(](?:at|małpa)[\])]\s?)[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
_AT = re.compile(r"@|\s?[\[(](?:at|małpa)[\])]\s?", re.IGNORECASE)
# Domains reserved for examples (RFC 2606, RFC 6761): what guides use, nobody's address.
_EXAMPLE_DOMAIN = re.compile(r"(?:^|\.)(?:example\.(?:org|com|net)|example|test|invalid|localhost)$", re.I)
# +48, 0048, (+48), „48 ” or the trunk „0 ” of the old dialling (0 600 100 200) before the number.
_PREFIX = rf"(?:\(?(?:\+|00){_SPACE}?48\)?{_S}|48{_SEP}|0{_S}(?=[1-9]))"
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
# money or people follows („123 456 789 zł”: thousands are grouped in threes too), or one more
# group of three digits (100 200 300 400: a longer number grouped in thousands).
_PHONE = re.compile(
    rf"{_START}(?:{_PREFIX})?(?:{'|'.join(_GROUPINGS)}){_END}(?!{_SEP}\d{{3}}(?!\d))"
    rf"(?!{_SPACE}?(?:zł|zl\b|złotych|złote|PLN|EUR|euro|€|USD|\$|osób|os\.|mieszkańców))",
    re.IGNORECASE,
)
# After „tel.”, „telefon”, „kom.” or „fax” any seven digits or more are a phone number too,
# also a local one without the area code (tel. 123 45 67).
_LABEL = r"\b(?:tel|telefon\w*|kom|komórk\w*|fax|faks)\b"
_LABELLED_PHONE = re.compile(
    rf"{_LABEL}\.?:?{_SPACE}*(?:nr\.?{_SPACE}*)?"
    rf"(?P<number>\+?\(?\d[\d(){_SPACES}\-\u2010\u2011\u2013./]*\d){_END}",
    re.IGNORECASE,
)
# A date after such a label is not a phone: „kom. 2023.05.12” (a communiqué of that day).
_DATE = re.compile(r"\d{4}([./-])\d{1,2}\1\d{1,2}|\d{1,2}([./-])\d{1,2}\2\d{4}")
# Eleven digits (a PESEL with a typo in it is still personal data), also grouped with one kind
# of separator: 44051401359, 440514 01359, 440514-01359, 44 05 14 01359, 44 05 14 01 359,
# 440 514 013 59.
_PESEL = re.compile(
    rf"{_START}(?:\d{{11}}"
    rf"|\d{{6}}(?P<a>[{_SPACES}-])\d{{5}}"
    rf"|\d{{2}}(?P<b>[{_SPACES}.-])\d{{2}}(?P=b)\d{{2}}(?P=b)\d{{5}}"
    rf"|\d{{2}}(?P<e>[{_SPACES}.-])\d{{2}}(?P=e)\d{{2}}(?P=e)\d{{2}}(?P=e)\d{{3}}"
    rf"|\d{{3}}(?P<c>[{_SPACES}-])\d{{3}}(?P=c)\d{{3}}(?P=c)\d{{2}}"
    rf"|\d{{4}}(?P<d>[{_SPACES}-])\d{{4}}(?P=d)\d{{3}}){_END}"
)
# Numbers of public registers and citations that look like a phone or a PESEL: an organisation's
# REGON has nine digits, a KRS number ten, an ISBN thirteen. The register's name may stand a few
# words before the number in the same clause („REGON Stowarzyszenia: 140123456”).
_REGISTER = re.compile(
    r"\b(?:ISBN|ISSN|NIP|REGON|KRS|IBAN|sygn\.|sygnatur\w*|poz\.|kont[ao]\b|rachun(?:ek|ku)\b)"
    r"|\bDz\.\s?U\.|\bM\.\s?P\.",
    re.IGNORECASE,
)
_REGISTER_REACH = 40
# What ends the register's clause before the number: punctuation, a new sentence, another
# number, an e-mail or a phone label („REGON 140123456, tel. 501 750 705”).
_CLAUSE_END = re.compile(
    rf"[,;!?()\[\]\d@]|[.…](?=\s+[A-ZĄĆĘŁŃÓŚŹŻ])|{_LABEL}",
    re.IGNORECASE,
)
# A document's number: „sprawozdanie nr 123/456/789”, „znak: 123/456/789” (but „tel. nr …” and
# „pod numerem …” are a phone).
_DOCUMENT = re.compile(r"(?<!\w)(?:nr|numer|numeru|znak|znaku|sygn)\.?:?\s*$", re.IGNORECASE)
# A table column whose header names a unit of money or a count holds amounts, not phones:
# „Kwota (zł)” with „123 456 789” in a cell (a bare 123 456 789 in prose stays a phone).
AMOUNT_COLUMN = re.compile(
    r"(?<!\w)(?:zł|zl|pln|eur|euro|usd|osób|osoby|liczba|liczby|kwota|kwoty|budżet|suma|wartość)(?!\w)",
    re.IGNORECASE,
)
_PHONE_BEFORE = re.compile(rf"{_LABEL}\.?:?\s*(?:nr|numer\w*)?\.?:?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """Personal data found in a text: what kind, the text as written, and where it starts."""

    kind: str
    text: str
    start: int
    # What was matched once invisible characters were dropped and the text normalised (NFKC).
    normalised: str = dataclass_field(default="", compare=False)

    @property
    def key(self) -> str:
        """The form the allow-list compares: an address in lower case, a phone's nine digits."""
        return contact_key(self.kind, self.normalised or self.text)

    def describe(self) -> str:
        shown = re.sub(r"[\r\n\t]+", " ", self.text)
        return f"{self.kind} („{shown}”)"

    @property
    def advice(self) -> str:
        """What the author should do (for a phone number: also if it is an amount)."""
        return f"{ADVICE} {AMOUNT_ADVICE}" if self.kind == PHONE else ADVICE

    def message(self) -> str:
        """The message about this find in a page's text (the build's and ``handbook sprawdz``'s)."""
        return f"tekst zawiera {self.describe()}; {self.advice}"


def contact_key(kind: str, text: str) -> str:
    if kind == EMAIL:
        return re.sub(r"\s", "", normalise(text)[0]).lower()
    digits = re.sub(r"\D", "", normalise(text)[0])
    if kind == PHONE:
        # +48 / 0048 and the old trunk 0 before an area code ((022) 123 45 67) are not the number.
        digits = digits.removeprefix("00")
        if len(digits) > 9 and digits.startswith("48"):
            digits = digits[2:]
        if len(digits) == 10 and digits.startswith("0"):
            digits = digits[1:]
    return digits


def _normal_char(char: str, prose: bool) -> str:
    """One character as the guard reads it (what :func:`normalise` does outside formulas)."""
    if char in _INVISIBLE:
        return ""
    if char in _DASHES:
        return "-"
    if char in "\r\n\t":
        return " " if prose or char == "\t" else char
    return char if char.isascii() else unicodedata.normalize("NFKC", char)


def normalise(text: str, *, prose: bool = True, math: bool = False) -> tuple[str, Sequence[int]]:
    """*text* as the guard reads it, and for each of its characters the index in *text*.

    Invisible characters are dropped, every character is NFKC-normalised (a fullwidth ＠ or ５ is
    an @ or a 5, a no-break space a space) and hyphen- and minus-like signs become „-”. In prose
    a line break is a space (a soft line break of a paragraph); in code it ends the line. In a
    formula (*math*) LaTeX's spacing commands are spaces and its braces are dropped.
    """
    if not math:
        # Each distinct character mapped once; when every one stays a single character (the
        # usual case) the text is translated in one pass and positions do not move.
        table = {char: _normal_char(char, prose) for char in set(text)}
        if all(len(mapped) == 1 for mapped in table.values()):
            changed = {ord(char): mapped for char, mapped in table.items() if mapped != char}
            return text.translate(changed), range(len(text))
    out: list[str] = []
    where: list[int] = []
    index = 0
    while index < len(text):
        char = text[index]
        if math and (spacing := _MATH_SPACING.match(text, index)):
            if spacing.group() not in "{}":
                out.append(" ")
                where.append(index)
            index = spacing.end()
            continue
        for part in _normal_char(char, prose):
            out.append(part)
            where.append(index)
        index += 1
    return "".join(out), where


def _register_number(text: str, start: int) -> bool:
    """Whether the number at *start* follows a register's name in the same clause."""
    window = text[max(0, start - _REGISTER_REACH) : start]
    last = next(reversed(list(_REGISTER.finditer(window))), None)
    return last is not None and not _CLAUSE_END.search(window[last.end() :])


def _document_number(text: str, start: int, number: str) -> bool:
    """„nr 123/456/789”: groups of digits divided by slashes only, after „nr”, „numer” or „znak”."""
    separators = set(re.sub(r"[\d\s]", "", number))
    before = text[max(0, start - 30) : start]
    return separators == {"/"} and bool(_DOCUMENT.search(before)) and not _PHONE_BEFORE.search(before)


def _example_address(address: str) -> bool:
    return bool(_EXAMPLE_DOMAIN.search(_AT.split(address)[-1].strip()))


def find_personal_data(
    text: str, allowed: frozenset[str] = frozenset(), *, prose: bool = True, math: bool = False
) -> list[Found]:
    """Every e-mail, phone number and PESEL in *text*, except the public contacts in *allowed*.

    Addresses at the domains reserved for examples (example.org, *.test …) are let through.
    *prose*: a line break is a soft break between words (False: code, where it ends a line);
    *math*: the text is a LaTeX formula. Each find is reported with the original text.
    """
    normal, where = normalise(text, prose=prose, math=math)
    found: list[Found] = []
    # What earlier finds took, as sorted disjoint spans: a later find overlapping one is the
    # same number read another way. Bisected, so a text full of finds stays linear.
    starts: list[int] = []
    stops: list[int] = []

    def overlaps(start: int, end: int) -> bool:
        index = bisect.bisect_right(starts, start)
        before = index > 0 and stops[index - 1] > start
        after = index < len(starts) and starts[index] < end
        return before or after

    def add(kind: str, start: int, end: int) -> None:
        if start >= end or overlaps(start, end):
            return
        matched = normal[start:end]
        if kind != EMAIL and _register_number(normal, start):
            return
        if kind == PHONE and _document_number(normal, start, matched):
            return
        index = bisect.bisect_right(starts, start)
        starts.insert(index, start)
        stops.insert(index, end)
        if kind == EMAIL and _example_address(matched):
            return
        item = Found(kind, text[where[start] : where[end - 1] + 1], where[start], matched)
        if item.key not in allowed:
            found.append(item)

    for match in _EMAIL.finditer(normal):
        add(EMAIL, match.start(), match.end())
    for match in _PESEL.finditer(normal):
        add(PESEL, match.start(), match.end())
    for match in _PHONE.finditer(normal):
        add(PHONE, match.start(), match.end())
    for match in _LABELLED_PHONE.finditer(normal):
        number = match["number"]
        if len(re.sub(r"\D", "", number)) >= 7 and not _DATE.fullmatch(number):
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
