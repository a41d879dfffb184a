"""Properties of the CSV loader and the personal-data guard, over inputs hypothesis generates.

The loader: any way a spreadsheet saves the test book's tables (separator, encoding, BOM,
decimal comma, DD.MM.RRRR, grouped thousands, line ends, empty columns and rows past the data)
reads to the very same typed tables as the canonical files, and anything else is refused with
a HandbookError — never another exception. The guard: every phone number, PESEL and e-mail in
any of the supported notations is found, also with invisible characters, fullwidth forms,
minus-like signs or a line break in it; dates, years, amounts, legal citations, ISBNs and the
numbers of public registers and documents are not.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import ROOTS
from handbook.data.load import Tables, load_tables
from handbook.data.privacy import EMAIL, PESEL, PHONE, find_personal_data, public_contacts
from handbook.data.spreadsheet import SpreadsheetError, normalise
from handbook.errors import HandbookError
from handbook.settings import load_settings

BASE = ROOTS / "base"
DESCRIPTOR = json.loads((BASE / "data" / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}
CANONICAL = {name: (BASE / "data" / r["path"]).read_text(encoding="utf-8") for name, r in RESOURCES.items()}
SPACES = (" ", "\u00a0", "\u202f")
# No deadline (the first load imports frictionless) and no example database left in the checkout.
QUICK = settings(deadline=None, database=None)

# --- How a spreadsheet may save a table ----------------------------------------------------


@st.composite
def exports(draw: st.DrawFn, name: str) -> bytes:
    """The canonical table *name* as some spreadsheet export of it."""
    fields = RESOURCES[name]["schema"]["fields"]
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    decimal_comma = draw(st.booleans())
    iso_dates = draw(st.booleans())
    padded_dates = draw(st.booleans())
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1250"]))
    # Windows-1250 has the no-break space but not the narrow one.
    grouping = draw(st.sampled_from(["", *(SPACES[:2] if encoding == "cp1250" else SPACES)]))
    extra_columns = draw(st.integers(0, 2))
    extra_rows = draw(st.integers(0, 2))
    blank_rows_as_lines = draw(st.booleans())
    rows = list(csv.reader(io.StringIO(CANONICAL[name])))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow([*rows[0], *[""] * extra_columns])
    for row in rows[1:]:
        cells = [
            _exported(cell, spec["type"], decimal_comma, iso_dates, padded_dates, grouping)
            for cell, spec in zip(row, fields, strict=True)
        ]
        writer.writerow([*cells, *[""] * extra_columns])
    for _ in range(extra_rows):
        if blank_rows_as_lines:
            out.write("\r\n")
        else:
            writer.writerow([""] * (len(rows[0]) + extra_columns))
    return out.getvalue().encode(encoding)


def _exported(cell: str, kind: str, decimal_comma: bool, iso: bool, padded: bool, grouping: str) -> str:
    if kind == "number" and decimal_comma:
        return cell.replace(".", ",")
    if kind == "integer" and grouping and len(cell.lstrip("-")) > 3:
        return f"{cell[:-3]}{grouping}{cell[-3:]}"
    if kind == "date" and not iso:
        year, month, day = cell.split("-")
        return f"{day}.{month}.{year}" if padded else f"{int(day)}.{int(month)}.{year}"
    return cell


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_every_export_normalises_to_the_canonical_file(name: str) -> None:
    fields = RESOURCES[name]["schema"]["fields"]
    canonical = normalise(CANONICAL[name].encode("utf-8"), fields).text

    @settings(QUICK, max_examples=60)
    @given(exports(name))
    def same_table(raw: bytes) -> None:
        assert normalise(raw, fields).text == canonical

    same_table()


@settings(QUICK, max_examples=300)
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_with_a_reason(raw: bytes) -> None:
    fields = RESOURCES["gminy"]["schema"]["fields"]
    try:
        normalise(raw, fields)
    except SpreadsheetError as error:
        assert str(error)


_CELL = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
# What a cell may hold and still show nothing: spaces, no-break and narrow ones, zero-width ones.
_BLANK = st.text(
    st.sampled_from(" \t\u00a0\u202f\u2009\u200b\u200c\u200d\u2060\ufeff"), min_size=1, max_size=6
)


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_decomposed_letters_read_as_the_composed_ones(name: str) -> None:
    """A cell saved in NFD (macOS: „e” and a combining ogonek) is the same value as in NFC."""
    fields = RESOURCES[name]["schema"]["fields"]
    canonical = normalise(CANONICAL[name].encode("utf-8"), fields).text
    rows = list(csv.reader(io.StringIO(CANONICAL[name])))

    @settings(QUICK, max_examples=40)
    @given(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    def same_table(decomposed: list[bool]) -> None:
        lines = CANONICAL[name].splitlines(keepends=True)
        text = "".join(
            unicodedata.normalize("NFD", line) if flag else line
            for flag, line in zip(decomposed, lines, strict=False)
        )
        assert normalise(text.encode("utf-8"), fields).text == canonical

    same_table()


@settings(QUICK, max_examples=200)
@given(
    st.lists(
        st.lists(st.sampled_from(["", "Modrzew", "Dębowa Góra", "12"]), min_size=3, max_size=3), min_size=1
    ),
    st.data(),
)
def test_a_cell_of_only_spaces_is_an_empty_cell(rows: list[list[str]], data: st.DataObject) -> None:
    """No-break, narrow and zero-width spaces in an otherwise empty cell leave it empty."""
    fields = RESOURCES["gminy"]["schema"]["fields"]
    header = ["gmina", "ludnosc", "godziny_zajec"]
    blanked = [[cell or data.draw(st.one_of(st.just(""), _BLANK)) for cell in row] for row in rows]

    def canonical(table: list[list[str]]) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([header, *table])
        try:
            return normalise(out.getvalue().encode("utf-8"), fields).text
        except SpreadsheetError as error:
            return f"odmowa: {error}"

    assert canonical(blanked) == canonical(rows)


@settings(QUICK, max_examples=200)
@given(st.lists(st.lists(_CELL, min_size=1, max_size=5), min_size=1, max_size=6), st.sampled_from([",", ";"]))
def test_any_text_table_is_read_or_refused_with_a_reason(rows: list[list[str]], delimiter: str) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    try:
        normalise(out.getvalue().encode("utf-8"), RESOURCES["gminy"]["schema"]["fields"])
    except SpreadsheetError as error:
        assert str(error)


# --- The whole loader on a project ---------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("wlasnosci") / "p"
    shutil.copytree(BASE, target)
    return target


@pytest.fixture(scope="module")
def canonical_tables(project: Path) -> Tables:
    return load_tables(load_settings(project))


def _load(project: Path, files: Mapping[str, bytes]) -> Tables:
    for name, raw in files.items():
        (project / "data" / RESOURCES[name]["path"]).write_bytes(raw)
    try:
        return load_tables(load_settings(project))
    finally:
        for name in files:
            (project / "data" / RESOURCES[name]["path"]).write_text(CANONICAL[name], encoding="utf-8")


@settings(QUICK, max_examples=6, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({name: exports(name) for name in sorted(RESOURCES)}))
def test_exports_load_to_the_same_typed_tables(
    project: Path, canonical_tables: Tables, files: dict[str, bytes]
) -> None:
    tables = _load(project, files)
    for name in RESOURCES:
        pd.testing.assert_frame_equal(tables[name], canonical_tables[name], check_dtype=True)


_DAMAGE = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.builds(
        lambda text, cut: text.encode("utf-8")[:cut],
        st.just(CANONICAL["gminy"]),
        st.integers(0, len(CANONICAL["gminy"].encode("utf-8"))),
    ),
    st.sampled_from([CANONICAL["gminy"].encode(codec) for codec in ("utf-16", "utf-16-be", "utf-32")]),
)


@settings(QUICK, max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_DAMAGE)
def test_a_damaged_file_loads_or_is_refused_in_polish(project: Path, raw: bytes) -> None:
    try:
        _load(project, {"gminy": raw})
    except HandbookError as error:
        assert error.problems or error.summary


# --- The personal-data guard ---------------------------------------------------------------

_DIGIT = st.sampled_from("0123456789")
# Also minus-like signs (U+2212, U+2012, U+2014) and a soft line break of a paragraph.
_SEPARATOR = st.sampled_from([" ", "-", ".", "/", "\u00a0", " - ", "\u2212", "\u2012", "\u2014", "\n"])
_WORDS = st.sampled_from(["", "Zapisy: ", "tel. ", "Dyżur koordynatorki ", "kontakt ", "(", "numer "])
_ENDS = st.sampled_from(["", ".", ",", ")", " w dni robocze", ";", " lub osobiście."])
# Prose around a number that is not a phone (after „tel.” any seven digits are one).
_PROSE = st.sampled_from(["", "W dniu ", "Od ", "(", "budżet ", "zob. ", "Kwota: "])


@st.composite
def nine_digits(draw: st.DrawFn) -> str:
    return draw(st.sampled_from("123456789")) + "".join(draw(st.lists(_DIGIT, min_size=8, max_size=8)))


@st.composite
def written(draw: st.DrawFn, digits: str) -> str:
    """The phone number *digits* (nine) as people write it."""
    sep = draw(_SEPARATOR)
    kind = draw(st.sampled_from(["mobile", "mobile-pairs", "landline", "landline-4", "contiguous"]))
    if kind == "mobile":
        number = sep.join((digits[:3], digits[3:6], digits[6:]))
    elif kind == "mobile-pairs":
        number = sep.join((digits[:3], digits[3:5], digits[5:7], digits[7:]))
    elif kind == "contiguous":
        number = digits
    else:
        tail = (digits[2:5], digits[5:7], digits[7:]) if kind == "landline" else (digits[2:5], digits[5:])
        area = draw(
            st.sampled_from(
                [f"{digits[:2]}{sep}", f"({digits[:2]}) ", f"(0{digits[:2]}) ", f"0{digits[:2]}{sep}"]
            )
        )
        number = area + sep.join(tail)
    return draw(st.sampled_from(["", "+48 ", "+48", "0048 ", "(+48) ", "+48-"])) + number


def phones() -> st.SearchStrategy[tuple[str, str]]:
    """A phone number as written, and its nine digits."""
    return nine_digits().flatmap(lambda digits: written(digits).map(lambda text: (text, digits)))


@st.composite
def pesels(draw: st.DrawFn) -> str:
    digits = "".join(draw(st.lists(_DIGIT, min_size=11, max_size=11)))
    sep = draw(st.sampled_from([" ", "-", "\u00a0", "\u2212", "\u2011", "\n"]))
    groups = draw(st.sampled_from([(11,), (6, 5), (2, 2, 2, 5), (2, 2, 2, 2, 3), (3, 3, 3, 2), (4, 4, 3)]))
    parts, start = [], 0
    for size in groups:
        parts.append(digits[start : start + size])
        start += size
    return sep.join(parts)


_LABEL = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789"), min_size=1, max_size=8)
EMAILS = st.builds(
    lambda user, extra, domain, tld: f"{user}{extra}@{domain}.{tld}",
    _LABEL,
    st.sampled_from(["", ".kowalski", "_1", "-nowak", "+projekt"]),
    _LABEL,
    st.sampled_from(["pl", "com", "org.pl", "eu", "gov.pl"]),
)


def _document_number(before: str, written: str) -> bool:
    """„numer 123/456/789”: groups divided by slashes only after „numer” are a document's number."""
    return before == "numer " and set(re.sub(r"[\d\s\u00ad\u200b-\u200d\u2060\ufeff]", "", written)) == {"/"}


def _kinds(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    return [found.kind for found in find_personal_data(text, allowed)]


@settings(QUICK, max_examples=400)
@given(phones(), _WORDS, _ENDS)
def test_every_phone_notation_is_caught(phone: tuple[str, str], before: str, after: str) -> None:
    written, digits = phone
    assume(not _document_number(before, written))
    found = find_personal_data(f"{before}{written}{after}")
    assert [item.kind for item in found] == [PHONE], written
    assert found[0].key == digits


@settings(QUICK, max_examples=200)
@given(nine_digits().flatmap(lambda digits: st.tuples(written(digits), written(digits))), phones())
def test_the_public_contact_passes_in_any_notation(public: tuple[str, str], other: tuple[str, str]) -> None:
    declared, in_text = public
    allowed = public_contacts([declared])
    assert _kinds(f"Kontakt: {in_text}.", allowed) == []
    other_text, other_digits = other
    if other_digits != re.sub(r"\D", "", declared)[-9:]:
        assert _kinds(f"Kontakt: {other_text}.", allowed) == [PHONE]


@settings(QUICK, max_examples=300)
@given(pesels(), _WORDS, _ENDS)
def test_every_pesel_notation_is_caught(pesel: str, before: str, after: str) -> None:
    assert _kinds(f"{before}{pesel}{after}") == [PESEL], pesel


@settings(QUICK, max_examples=200)
@given(EMAILS, _WORDS, _ENDS)
def test_every_email_is_caught(email: str, before: str, after: str) -> None:
    found = find_personal_data(f"{before}{email}{after}")
    assert [item.kind for item in found] == [EMAIL]
    assert public_contacts([email.upper()]) == {found[0].key}


# Characters nobody sees, which an editor's program or a careful leaker puts into a number.
HIDDEN = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
FULLWIDTH = str.maketrans("0123456789@", "０１２３４５６７８９＠")


@st.composite
def disguised(draw: st.DrawFn, text: str) -> str:
    """*text* with invisible characters put between its characters, maybe in fullwidth forms."""
    if draw(st.booleans()):
        text = text.translate(FULLWIDTH)
    places = draw(st.lists(st.integers(1, max(1, len(text) - 1)), min_size=1, max_size=4))
    for place in sorted(places, reverse=True):
        text = text[:place] + draw(HIDDEN) + text[place:]
    return text


def _found_as_written(text: str, kind: str) -> list:
    found = find_personal_data(text)
    assert [item.kind for item in found] == [kind], (text, found)
    assert text[found[0].start :].startswith(found[0].text)
    return found


@settings(QUICK, max_examples=300)
@given(phones().flatmap(lambda phone: st.tuples(disguised(phone[0]), st.just(phone[1]))), _WORDS, _ENDS)
def test_a_disguised_phone_is_caught(phone: tuple[str, str], before: str, after: str) -> None:
    written, digits = phone
    assume(not _document_number(before, written))
    found = _found_as_written(f"{before}{written}{after}", PHONE)
    assert found[0].key == digits


@settings(QUICK, max_examples=200)
@given(pesels().flatmap(disguised), _WORDS, _ENDS)
def test_a_disguised_pesel_is_caught(pesel: str, before: str, after: str) -> None:
    _found_as_written(f"{before}{pesel}{after}", PESEL)


@settings(QUICK, max_examples=200)
@given(EMAILS.flatmap(lambda email: st.tuples(disguised(email), st.just(email))), _WORDS, _ENDS)
def test_a_disguised_email_is_caught(email: tuple[str, str], before: str, after: str) -> None:
    written, plain = email
    found = _found_as_written(f"{before}{written}{after}", EMAIL)
    assert found[0].key == plain.lower()


@settings(QUICK, max_examples=100)
@given(phones(), st.sampled_from(["\\,", "\\;", "\\ ", "~"]))
def test_a_phone_in_a_formula_is_caught(phone: tuple[str, str], space: str) -> None:
    digits = phone[1]
    formula = space.join((digits[:3], digits[3:6], digits[6:]))
    assert [item.kind for item in find_personal_data(formula, math=True)] == [PHONE], formula


@settings(QUICK, max_examples=100)
@given(
    st.builds(
        lambda user, domain: f"{user}@{domain}",
        _LABEL,
        st.sampled_from(
            ["example.org", "example.com", "example.net", "gmina.example", "biuro.test", "x.invalid"]
        ),
    ),
    st.booleans(),
)
def test_addresses_at_example_domains_pass_in_text_and_code(email: str, code: bool) -> None:
    assert find_personal_data(f"Adres: {email}", prose=not code) == []


# Numbers of public registers, with the register's name a few words before them in the clause.
_REGISTERS = st.sampled_from(
    ["REGON", "NIP", "KRS", "ISBN", "ISSN", "sygn.", "Dz.U.", "nr konta", "nr rachunku"]
)
_OWNER = st.sampled_from(["", " Stowarzyszenia", " naszej fundacji", " organizacji", " partnera projektu"])


@st.composite
def register_numbers(draw: st.DrawFn) -> str:
    digits = "".join(draw(st.lists(_DIGIT, min_size=11, max_size=11)))
    return draw(
        st.sampled_from(
            [
                digits[:9],
                f"{digits[:3]} {digits[3:6]} {digits[6:9]}",
                f"{digits[:3]}-{digits[3:6]}-{digits[6:9]}",
                "0000" + digits[:6],
                digits,
            ]
        )
    )


@settings(QUICK, max_examples=300)
@given(_REGISTERS, _OWNER, st.sampled_from(["", ":", " –"]), register_numbers(), _ENDS)
def test_register_numbers_after_their_name_are_not_personal_data(
    register: str, owner: str, colon: str, number: str, after: str
) -> None:
    assert _kinds(f"({register}{owner}{colon} {number}{after}") == [], (register, number)


@settings(QUICK, max_examples=200)
@given(_REGISTERS, register_numbers(), phones())
def test_a_phone_after_a_register_number_is_still_caught(
    register: str, number: str, phone: tuple[str, str]
) -> None:
    found = find_personal_data(f"{register} {number}, kontakt {phone[0]}.")
    assert [item.key for item in found] == [phone[1]]


@settings(QUICK, max_examples=100)
@given(st.sampled_from(["nr", "nr.", "numer", "znak:", "znak sprawy nr"]), nine_digits())
def test_document_numbers_with_slashes_are_not_phones(word: str, digits: str) -> None:
    number = f"{digits[:3]}/{digits[3:6]}/{digits[6:]}"
    assert _kinds(f"Sprawozdanie {word} {number} z 12.05.2023.") == []
    assert _kinds(f"Dyżur tel. {number}.") == [PHONE]


# Text an author writes that is not personal data.
_YEAR = st.integers(1900, 2100)
_DAY, _MONTH = st.integers(1, 28), st.integers(1, 12)
DATES = st.one_of(
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", _YEAR, _MONTH, _DAY),
    st.builds(lambda y, m, d: f"{d:02d}.{m:02d}.{y} r.", _YEAR, _MONTH, _DAY),
    st.builds(lambda y, m, d: f"{d}.{m}.{y}", _YEAR, _MONTH, _DAY),
    st.builds(lambda a, b: f"{a}–{b}", _YEAR, _YEAR),
    st.builds(lambda years: ", ".join(map(str, years)), st.lists(_YEAR, min_size=1, max_size=5)),
    st.builds(lambda y, m, d, h: f"{y}-{m:02d}-{d:02d} {h:02d}:30", _YEAR, _MONTH, _DAY, st.integers(0, 23)),
)


def _grouped(value: int, space: str) -> str:
    return f"{value:,}".replace(",", space)


AMOUNTS = st.one_of(
    st.builds(lambda v, s: _grouped(v, s), st.integers(0, 99_999_999), st.sampled_from(SPACES)),
    st.builds(
        lambda v, s, g: f"{_grouped(v, s)},{g:02d} zł",
        st.integers(0, 99_999_999),
        st.sampled_from(SPACES),
        st.integers(0, 99),
    ),
    st.builds(
        lambda v, s: f"{_grouped(v, s)} zł", st.integers(100_000_000, 999_999_999), st.sampled_from(SPACES)
    ),
    st.builds(lambda v: f"{v} osób", st.integers(0, 10_000)),
    # Four groups of three digits or more: a long number, not a phone.
    st.builds(lambda v, s: _grouped(v, s), st.integers(100_000_000_000, 10**15 - 1), st.sampled_from(SPACES)),
    st.builds(lambda v: f"{v}%", st.integers(0, 100)),
)
CITATIONS = st.one_of(
    st.builds(lambda y, n, p: f"Dz.U. {y} nr {n} poz. {p}", _YEAR, st.integers(1, 250), st.integers(1, 2500)),
    st.builds(lambda y, p: f"Dz. U. z {y} r. poz. {p}", _YEAR, st.integers(1, 2500)),
    st.builds(lambda y, n, p: f"Dz.U.{y}.{n}.{p}", _YEAR, st.integers(1, 250), st.integers(1, 2500)),
    st.builds(lambda y, p: f"M.P. z {y} r. poz. {p}", _YEAR, st.integers(1, 2500)),
)


@st.composite
def isbns(draw: st.DrawFn) -> str:
    length = draw(st.sampled_from([10, 13]))
    digits = "".join(draw(st.lists(_DIGIT, min_size=length, max_size=length)))
    if length == 13:
        digits = "978" + digits[3:]
    cuts = sorted(draw(st.lists(st.integers(1, length - 1), min_size=3, max_size=4, unique=True)))
    parts = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, length], strict=True)]
    return "ISBN " + "-".join(parts)


@settings(QUICK, max_examples=400)
@given(st.one_of(DATES, AMOUNTS, CITATIONS, isbns()), _PROSE, _ENDS)
def test_dates_amounts_citations_and_isbns_are_not_personal_data(text: str, before: str, after: str) -> None:
    assert _kinds(f"{before}{text}{after}") == [], text


@settings(QUICK, max_examples=300)
@given(st.text(max_size=200))
def test_the_guard_reads_any_text(text: str) -> None:
    for found in find_personal_data(text):
        assert text[found.start :].startswith(found.text)


@settings(QUICK, max_examples=100)
@given(
    _YEAR,
    _MONTH,
    _DAY,
    st.sampled_from([".", "-", "/"]),
    st.sampled_from(["kom.", "tel.", "fax"]),
    st.booleans(),
)
def test_a_date_after_a_phone_label_is_not_a_phone(
    year: int, month: int, day: int, sep: str, label: str, year_first: bool
) -> None:
    date = f"{year}{sep}{month:02d}{sep}{day:02d}" if year_first else f"{day:02d}{sep}{month:02d}{sep}{year}"
    assert _kinds(f"Zob. {label} {date} r.") == [], date
