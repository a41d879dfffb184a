"""Book files with Polish keys (TOML): read with the line of every key, validated with Polish messages.

The settings, the chart declarations and the number declarations are all written by people
who are not programmers. Each mistake is reported as ``plik:wiersz: pole „…”: …`` in Polish,
with the allowed values where there is a list of them.
"""

from __future__ import annotations

import codecs
import json
import math
import re
import stat
import sys
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from handbook.errors import HandbookError, Problem

Loc = tuple[str | int, ...]
Model = TypeVar("Model", bound=BaseModel)

# Our own validators raise errors of this type; their message is already Polish.
POLISH = "handbook"


def invalid(message: str) -> PydanticCustomError:
    """An error for a validator to raise: *message* is shown to the editor as it is."""
    # Without a context pydantic does not format the template, so braces stay as written.
    return PydanticCustomError(POLISH, message)


def quoted(values: Iterable[object]) -> str:
    """``„a”, „b”, „c”`` — how allowed values are listed in every message."""
    return ", ".join(f"„{value}”" for value in values)


class Declared(BaseModel):
    """A table of a book file: Polish keys in the file, English attribute names in code.

    An unknown key is an error that lists the keys the table accepts.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return tuple(f.alias or name for name, f in cls.model_fields.items() if not f.exclude)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            allowed = cls.keys()
            names = set(cls.model_fields)
            unknown = [k for k in data if k not in allowed and k not in names]
            if unknown:
                raise PydanticCustomError(
                    "unknown_key",
                    "nieznane pole „{key}” (literówka?); dozwolone pola: {allowed}",
                    {"key": str(unknown[0]), "allowed": ", ".join(sorted(allowed))},
                )
        return data


@dataclass(frozen=True)
class Located:
    """A parsed book file and the line of each of its keys, for messages."""

    path: Path
    data: dict[str, Any]
    lines: Mapping[Loc, int] = field(default_factory=dict)

    def line(self, loc: Sequence[str | int]) -> int | None:
        """The line of *loc*, or of its nearest ancestor that has one.

        Parts of *loc* that are not keys of the file (pydantic adds names of union members)
        are skipped.
        """
        prefixes = self._prefixes()
        path: Loc = ()
        for part in loc:
            if path + (part,) in prefixes:
                path = path + (part,)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def _prefixes(self) -> set[Loc]:
        return {key[:n] for key in self.lines for n in range(1, len(key) + 1)}

    def problem(self, loc: Sequence[str | int], message: str) -> Problem:
        shown = ".".join(str(p + 1) if isinstance(p, int) else p for p in loc)
        text = f"pole „{shown}”: {message}" if shown else message
        return Problem(self.path, text, self.line(loc))


# --- Reading -----------------------------------------------------------------------------

# Every message tomllib raises (Lib/tomllib/_parser.py), most specific first.
_TOML_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"Expected '=' after a key", "po nazwie pola brakuje znaku „=” (nazwę ze spacją ujmij w cudzysłów)"),
    (r"Invalid date or datetime", "niepoprawna data: pisz RRRR-MM-DD, np. 2024-03-01"),
    (r"Invalid value", 'niepoprawna wartość (tekst ujmij w cudzysłów "…", daty pisz RRRR-MM-DD)'),
    (r"Unclosed array", "niezamknięta lista: brakuje „]” albo przecinka między elementami"),
    (
        r"Unclosed inline table",
        "niezamknięta tabela: brakuje „}” albo przecinka (tabela { … } mieści się w jednym wierszu)",
    ),
    (
        r"Expected '\"\"\"'|Expected \"'''\"",
        "niezamknięty tekst wielowierszowy: brakuje trzech cudzysłowów na końcu",
    ),
    (
        # A line break inside "…": the closing quote is missing at the end of the line.
        r"Unterminated string|Illegal character '\\n'",
        "niezamknięty tekst: brakuje cudzysłowu na końcu (zwykły tekst mieści się w jednym wierszu)",
    ),
    (
        r"Illegal character|Found invalid character",
        "niedozwolony znak sterujący (np. tabulator) w tekście albo w komentarzu; usuń go",
    ),
    (
        r"Unescaped '\\' in a string",
        "ukośnik „\\” w tekście: zapisz go podwójnie („\\\\”) albo ujmij tekst w apostrofy '…'",
    ),
    (r"Invalid hex value|not a Unicode scalar value", "błędny kod znaku po „\\u” w tekście"),
    (r"Cannot declare .* twice", "ta sekcja występuje dwa razy; połącz obie w jedną"),
    (
        r"Cannot overwrite a value|Duplicate inline table key",
        "to pole występuje dwa razy (albo pole i sekcja mają tę samą nazwę); zostaw jedno",
    ),
    (
        r"Cannot mutate immutable namespace",
        "tabeli albo listy zapisanej w jednym wierszu ({ … }, [ … ]) nie można uzupełniać dalej w pliku",
    ),
    (
        r"Cannot redefine namespace",
        "pole z kropką w nazwie zmienia sekcję zdefiniowaną wcześniej; zapisz je w tej sekcji",
    ),
    (
        r"Expected newline or end of document",
        "po wartości w tym samym wierszu jest coś jeszcze (każde pole w osobnym wierszu)",
    ),
    (r"Invalid statement", "niezrozumiały wiersz (oczekiwano „pole = wartość” albo „[sekcja]”)"),
    (r"Invalid initial character for a key part", "niedozwolony znak w nazwie pola"),
    (r"Expected '\]\]'", "niezamknięta nazwa sekcji powtarzanej: brakuje „]]”"),
    (r"Expected '\]'", "niezamknięta nazwa sekcji: brakuje „]”"),
)

# Every message the json module raises (Lib/json/decoder.py and its C scanner), by its start.
_JSON_MESSAGES: tuple[tuple[str, str], ...] = (
    (
        "Expecting value",
        'brakuje wartości albo przed „]” lub „}” stoi zbędny przecinek; tekst ujmij w cudzysłów "…"',
    ),
    (
        "Expecting property name",
        'oczekiwano nazwy pola w cudzysłowie "…" albo przed „}” stoi zbędny przecinek',
    ),
    ("Expecting ':'", "po nazwie pola brakuje dwukropka „:”"),
    ("Expecting ','", "brakuje przecinka między elementami (albo nawiasu zamykającego „]” lub „}”)"),
    ("Illegal trailing comma", "przed „]” lub „}” stoi zbędny przecinek"),
    ("Unterminated string", 'niezamknięty tekst: brakuje cudzysłowu " na końcu'),
    (
        "Invalid control character",
        "niedozwolony znak sterujący (np. tabulator albo koniec wiersza) w tekście",
    ),
    ("Invalid \\u", "błędny kod znaku po „\\u” w tekście"),
    ("Invalid \\escape", "ukośnik „\\” w tekście: zapisz go podwójnie („\\\\”)"),
    ("Extra data", "po nawiasie zamykającym cały opis jest jeszcze coś; usuń to"),
)

# What to do with a text file in another encoding.
SAVE_AS_UTF8 = "zapisz go ponownie w kodowaniu UTF-8 (np. w Notatniku: Zapisz jako → Kodowanie: UTF-8)"


def not_text(raw: bytes) -> tuple[str, int | None] | None:
    """Why *raw* is no text in an 8-bit encoding (UTF-16, a ZIP, a NUL byte): the cause and its line."""
    if raw.startswith(b"PK\x03\x04"):
        return "to nie tekst, tylko archiwum ZIP (np. skoroszyt .xlsx lub .ods albo dokument .docx)", None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_without_bom(raw):
        return "plik jest zapisany w kodowaniu UTF-16 („Unicode”), a nie w UTF-8", None
    if b"\x00" in raw:
        return "plik zawiera bajt zerowy (NUL), którego nie ma w tekście", _line_at(raw, raw.index(b"\x00"))
    return None


def _utf16_without_bom(raw: bytes) -> bool:
    # Text that is mostly ASCII has a zero in every other byte when saved as UTF-16.
    sample = raw[:4000]
    if len(sample) < 16:
        return False
    return any(half.count(0) > len(half) // 3 for half in (sample[0::2], sample[1::2]))


def _line_at(raw: bytes, index: int) -> int:
    return raw.count(b"\n", 0, index) + 1


def decode_problem(raw: bytes) -> tuple[str, int | None] | None:
    """Why *raw* cannot be read as UTF-8 text (the cause and its line), or None."""
    found = not_text(raw)
    if found:
        return found
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        cause = "plik nie jest zapisany w UTF-8 (tu jest znak z innego kodowania, np. Windows-1250)"
        return cause, _line_at(raw, exc.start)
    return None


def not_a_file(path: Path) -> str | None:
    """Why *path* (links followed) is no regular file to read, or None; checked before opening.

    A named pipe (FIFO) would block the build forever when opened, a device may never end:
    only a regular file is read.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return "to dowiązanie (skrót) do pliku, którego nie ma; zapisz tu sam plik"
        return "brak pliku"
    except NotADirectoryError:
        return "brak pliku (jeden z katalogów w ścieżce jest plikiem)"
    except PermissionError:
        return "brak uprawnień do odczytu pliku"
    except OSError as error:
        # A loop of links, a name too long: the system's own words are English, the number is not.
        return f"nie da się odczytać pliku (błąd systemu nr {error.errno})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "to katalog, a nie plik"
    if stat.S_ISFIFO(mode):
        kind = "potok nazwany (FIFO)"
    elif stat.S_ISSOCK(mode):
        kind = "gniazdo (socket)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "plik urządzenia"
    else:
        kind = "plik specjalny"
    return f"to nie zwykły plik, tylko {kind}, którego nie da się czytać jak pliku"


def read_text(path: Path, what: str, bom: bool = True) -> str:
    """A book file as UTF-8 text, or a Polish HandbookError naming the cause.

    A byte order mark is dropped, or with *bom* False refused: JSON must not start with one
    (RFC 8259), and not every reader of the file would skip it. Only a regular file is read
    (a named pipe would block forever).
    """
    if not path.exists() and not path.is_symlink():
        raise HandbookError(f"Nie znaleziono pliku {path} ({what}).")
    if path.is_dir():
        raise HandbookError(f"{path} ({what}) jest katalogiem, a powinien być plikiem.")
    special = not_a_file(path)
    if special:
        raise HandbookError(
            f"Nie można odczytać pliku ({what}).",
            [Problem(path, f"{special}; zapisz w tym miejscu zwykły plik.")],
        )
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise HandbookError(f"Nie znaleziono pliku {path} ({what}).") from None
    except IsADirectoryError:
        raise HandbookError(f"{path} ({what}) jest katalogiem, a powinien być plikiem.") from None
    except PermissionError:
        raise HandbookError(f"Brak uprawnień do odczytu pliku {path} ({what}).") from None
    except OSError as error:
        raise HandbookError(
            f"Nie można odczytać pliku ({what}).",
            [Problem(path, f"błąd odczytu (błąd systemu nr {error.errno}); sprawdź dysk i uprawnienia.")],
        ) from None
    problem = decode_problem(raw)
    if problem:
        cause, line = problem
        summary = f"{what.capitalize()} ma złe kodowanie znaków."
        raise HandbookError(summary, [Problem(path, f"{cause}; {SAVE_AS_UTF8}.", line)])
    if not bom and raw.startswith(codecs.BOM_UTF8):
        cause = "plik zaczyna się niewidocznym znacznikiem BOM, którego ten format nie dopuszcza"
        raise HandbookError(
            f"{what.capitalize()} ma złe kodowanie znaków.",
            [
                Problem(
                    path, f"{cause}; zapisz go jako „UTF-8” bez BOM (np. w Notatniku: Kodowanie: UTF-8).", 1
                )
            ],
        )
    return raw.decode("utf-8-sig")


def _empty(path: Path, what: str) -> HandbookError:
    return HandbookError(
        f"{what.capitalize()} jest pusty.",
        [Problem(path, "plik jest pusty (zapis mógł się nie udać); przywróć jego treść, np. z kopii.")],
    )


def _too_deep(path: Path, what: str, text: str) -> HandbookError:
    return HandbookError(
        f"{what.capitalize()} ma błąd składni.",
        [Problem(path, "listy lub tabele są zagnieżdżone zbyt głęboko; uprość zapis.", _deep_line(text))],
    )


# Brackets, and strings (whose brackets do not count), of JSON and TOML alike.
_BRACKETS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|[\[\]{}]')
_DEEP = 100


def _deep_line(text: str) -> int | None:
    """The line where brackets first nest more than _DEEP deep (what a reader gives up on)."""
    depth = 0
    for token in _BRACKETS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > _DEEP:
                return text.count("\n", 0, token.start()) + 1
        elif char in "]}":
            depth -= 1
    return None


def read_toml(path: Path, what: str) -> Located:
    """Parse *path*; a syntax error becomes a Polish HandbookError naming its line."""
    # macOS saves „ę” as „e” and a combining ogonek: composed, it equals what other files say.
    text = unicodedata.normalize("NFC", read_text(path, what))
    if not text.strip():
        raise _empty(path, what)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"line (\d+)", message)
        # "at end of document" names no line: the last one is where the file stops.
        line = int(found.group(1)) if found else max(1, len(text.splitlines()))
        polish = next(
            (pl for pattern, pl in _TOML_MESSAGES if re.search(pattern, message)), "błąd składni TOML"
        )
        if _polish_letters_in_name(text.splitlines()[line - 1 :][:1]):
            polish = "nazwy sekcji i pól pisz bez polskich liter (albo ujmij je w cudzysłów)"
        raise HandbookError(
            f"{what.capitalize()} ma błąd składni.",
            [Problem(path, f"{polish} — sprawdź cudzysłowy, nawiasy i znaki „=” w tym wierszu.", line)],
        ) from None
    except RecursionError:
        raise _too_deep(path, what, text) from None
    except ValueError:
        # tomllib converts every integer with int(), which refuses one of thousands of digits.
        most = sys.get_int_max_str_digits() or 4300
        long = re.search(rf"\d[\d_]{{{most},}}", text)
        digits = len(re.sub(r"\D", "", long.group())) if long else 0
        raise HandbookError(
            f"{what.capitalize()} ma błąd składni.",
            [
                Problem(
                    path,
                    f"liczba ma {digits} cyfr — za dużo; wpisz zwykłą liczbę.",
                    text.count("\n", 0, long.start()) + 1 if long else None,
                )
            ],
        ) from None
    return _printable(Located(path, data, key_lines(text)), what)


# Characters no published text needs: control characters (but tab and line breaks), which make
# a chart's SVG invalid XML, and the direction overrides that reorder what a reader sees
# („Trojan Source”). Book files and data cells are both checked.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def control_problem(text: str) -> str | None:
    """Why *text* may not be published as it is: a control or direction-override character."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    char = found.group()
    kind = "znak zmiany kierunku tekstu" if ord(char) >= 0x202A else "znak sterujący"
    return f"wartość zawiera niewidoczny {kind} U+{ord(char):04X}"


def _printable(located: Located, what: str) -> Located:
    """*located*, unless a value holds a control or direction-override character (at its key)."""
    problems = []

    def walk(value: object, loc: tuple[str | int, ...]) -> None:
        if isinstance(value, str):
            problem = control_problem(value)
            if problem:
                problems.append(located.problem(loc, f"{problem}; usuń go"))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*loc, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*loc, index))

    walk(located.data, ())
    if problems:
        raise HandbookError(f"{what.capitalize()} zawiera niedozwolone znaki.", problems)
    return located


def read_json(path: Path, what: str) -> Located:
    """Parse *path*, one JSON object; a syntax error becomes a Polish HandbookError naming its line."""
    text = read_text(path, what, bom=False)
    if not text.strip():
        raise _empty(path, what)
    text = unicodedata.normalize("NFC", text)
    refused = False
    try:
        data = json.loads(
            text, object_pairs_hook=_unique_keys, parse_constant=_no_constant, parse_float=_finite
        )
    except json.JSONDecodeError as exc:
        polish = next((pl for start, pl in _JSON_MESSAGES if exc.msg.startswith(start)), "błąd składni JSON")
        raise HandbookError(
            f"{what.capitalize()} nie jest poprawnym plikiem JSON.",
            [Problem(path, f"{polish} (znak {exc.colno} w wierszu).", exc.lineno)],
        ) from None
    except RecursionError:
        raise _too_deep(path, what, text) from None
    except ValueError:
        # A repeated key, NaN, a number out of range (_Refused), or an integer of more digits
        # than Python converts: the walk below finds which and where.
        refused = True
    found: list[tuple[int | None, str]] = []
    try:
        lines = _json_walk(text, found)
    except RecursionError:
        raise _too_deep(path, what, text) from None
    except ValueError:
        # Only when json stopped at a refused value: a syntax error further on, reported once
        # the value is corrected.
        lines = {}
    if refused and not found:
        found = [(None, "wartość, której nie da się odczytać (np. liczba o zbyt wielu cyfrach)")]
    if found:
        raise HandbookError(
            f"{what.capitalize()} nie jest poprawnym plikiem JSON.",
            [Problem(path, f"{message}.", line) for line, message in found],
        )
    if not isinstance(data, dict):
        raise HandbookError(
            f"{what.capitalize()} ma złą budowę.",
            [Problem(path, "cały plik musi być jednym obiektem JSON w nawiasach { … } z polami.", 1)],
        )
    return _printable(Located(path, data, lines), what)


class _Refused(ValueError):
    """A value json accepts that a book file must not have; located by :func:`_json_walk`."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _Refused("repeated key")
    return data


def _no_constant(name: str) -> Any:
    raise _Refused(name)


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _Refused(literal)
    return value


def validate(
    model: type[Model], located: Located, summary: str, extra: Mapping[str, Any] | None = None
) -> Model:
    """Validate a whole file against *model*; every problem is reported at once."""
    try:
        return model.model_validate({**located.data, **(extra or {})})
    except ValidationError as exc:
        raise HandbookError(summary, problems(exc, located)) from None


def validate_entries(
    model: type[Model], located: Located, name_pattern: str, what: str
) -> tuple[dict[str, Model], list[Problem]]:
    """A file of named sections (``[nazwa]``), each validated on its own; all problems at once."""
    entries: dict[str, Model] = {}
    found: list[Problem] = []
    for name, raw in located.data.items():
        if not re.match(name_pattern, name):
            found.append(
                located.problem(
                    (name,),
                    f"{what} „{name}” ma niedozwolone znaki: używaj małych liter bez polskich znaków, "
                    "cyfr i podkreślnika „_”",
                )
            )
        if not isinstance(raw, Mapping):
            found.append(located.problem((name,), f"oczekiwano sekcji [{name}] z polami"))
            continue
        try:
            entries[name] = model.model_validate(raw)
        except ValidationError as exc:
            found += problems(exc, located, (name,))
    return entries, found


def load_entries(
    path: Path,
    what: str,
    model: type[Model],
    name_pattern: str,
    name_what: str,
    check: Callable[[str, Model], Sequence[tuple[Loc, str]]],
) -> tuple[dict[str, Model], Located | None]:
    """A declarations file (named sections), each entry validated and then *check*ed.

    A missing file declares nothing. Every problem of every entry is reported at once.
    """
    if not path.exists():
        return {}, None
    located = read_toml(path, what)
    entries, found = validate_entries(model, located, name_pattern, name_what)
    for name, entry in entries.items():
        found += [located.problem(loc, message) for loc, message in check(name, entry)]
    if found:
        raise HandbookError(f"{what.capitalize()} {path.name} zawiera błędy ({len(found)}):", found)
    return entries, located


def problems(exc: ValidationError, located: Located, prefix: Loc = ()) -> list[Problem]:
    result = []
    for error in exc.errors():
        loc = prefix + tuple(error["loc"])
        if error["type"] == "unknown_key":
            loc = loc + (str((error.get("ctx") or {})["key"]),)
        result.append(located.problem(_visible(loc), polish(error)))
    return result


def _visible(loc: Loc) -> Loc:
    # pydantic names union members and validators in loc ("function-after[...]", "str"):
    # they are not keys of the file.
    return tuple(p for p in loc if isinstance(p, int) or not re.match(r"^[a-z-]+\[|^(str|int|float)$", p))


_MESSAGES = {
    "missing": "brak wymaganego pola",
    "extra_forbidden": "nieznane pole (literówka?)",
    "string_type": "oczekiwano tekstu w cudzysłowie",
    "int_type": "oczekiwano liczby całkowitej",
    "int_parsing": "oczekiwano liczby całkowitej",
    "int_from_float": "oczekiwano liczby całkowitej",
    "float_type": "oczekiwano liczby",
    "float_parsing": "oczekiwano liczby",
    "bool_type": "oczekiwano true albo false",
    "bool_parsing": "oczekiwano true albo false",
    "date_type": "oczekiwano daty w postaci RRRR-MM-DD",
    "date_parsing": "oczekiwano daty w postaci RRRR-MM-DD",
    "date_from_datetime_parsing": "oczekiwano daty w postaci RRRR-MM-DD",
    "date_from_datetime_inexact": "oczekiwano daty w postaci RRRR-MM-DD (bez godziny)",
    "string_pattern_mismatch": "wartość ma niedozwoloną postać",
    "string_too_short": "wartość nie może być pusta",
    "too_short": "lista jest za krótka",
    "too_long": "lista jest za długa",
    "list_type": "oczekiwano listy w nawiasach [ … ]",
    "tuple_type": "oczekiwano listy w nawiasach [ … ]",
    "dict_type": "oczekiwano tabeli (sekcji albo { … })",
    "model_type": "oczekiwano tabeli (sekcji albo { … })",
    "greater_than": "wartość jest za mała",
    "greater_than_equal": "wartość jest za mała",
    "less_than": "wartość jest za duża",
    "less_than_equal": "wartość jest za duża",
}


def polish(error: Mapping[str, Any]) -> str:
    """One pydantic error as a Polish sentence (without the field name)."""
    kind = str(error["type"])
    ctx = error.get("ctx") or {}
    if kind in (POLISH, "unknown_key"):
        return str(error["msg"])
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    text = _MESSAGES.get(kind, "błędna wartość")
    if kind == "literal_error":
        allowed = re.findall(r"'((?:[^'\\]|\\.)*)'", str(ctx.get("expected", "")))
        text = f"niedozwolona wartość; dozwolone: {quoted(allowed)}"
    elif kind in ("greater_than_equal", "greater_than"):
        text += f" (najmniej: {ctx.get('ge', ctx.get('gt'))})"
    elif kind in ("less_than_equal", "less_than"):
        text += f" (najwięcej: {ctx.get('le', ctx.get('lt'))})"
    elif kind == "too_short":
        text += f" (najmniej elementów: {ctx.get('min_length')})"
    value = error.get("input")
    shown = "" if kind == "missing" or isinstance(value, (dict, list, tuple)) else f" (jest: {show(value)})"
    return text + shown


def show(value: object) -> str:
    """A value as a message quotes it: „tekst”, true, 12."""
    if isinstance(value, str):
        return f"„{value}”"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _polish_letters_in_name(lines: list[str]) -> bool:
    """A section name or key (outside quotes) with letters TOML's bare names do not allow."""
    if not lines:
        return False
    name = lines[0].split("=", 1)[0] if not lines[0].lstrip().startswith("[") else lines[0]
    name = re.sub(r'"[^"]*"|\'[^\']*\'', "", name)
    return bool(re.search(r"[^\x00-\x7f]", name))


# --- Where each key is -------------------------------------------------------------------


def json_lines(text: str) -> dict[Loc, int]:
    """The line of every key and list element of a valid JSON text (same ``loc`` as pydantic)."""
    return _json_walk(text, [])


_JSON_NUMBER = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_CONSTANTS = ("NaN", "Infinity", "-Infinity")


def _json_walk(text: str, found: list[tuple[int | None, str]]) -> dict[Loc, int]:
    """The line of every key and list element of a JSON text, and what json lets through wrongly.

    json reads a repeated key (the last one wins, silently), NaN and Infinity (no JSON) and a
    half of a surrogate pair written as \\ud800 (no character); an integer of more digits than
    Python converts it refuses without saying where. Each is added to *found* with its line.
    """
    lines: dict[Loc, int] = {}
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\n\r]*")
    most_digits = sys.get_int_max_str_digits() or None

    def line_at(index: int) -> int:
        return text.count("\n", 0, index) + 1

    def string(index: int) -> tuple[str, int]:
        result, end = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
        if _SURROGATE.search(result):
            found.append(
                (
                    line_at(index),
                    "błędny kod znaku po „\\u”: połowa pary zastępczej (np. \\ud800) bez drugiej "
                    "połowy nie jest znakiem; wpisz sam znak zamiast kodu",
                )
            )
        return result, end

    def scalar(index: int) -> int:
        if text.startswith('"', index):
            return string(index)[1]
        for constant in _JSON_CONSTANTS:
            if text.startswith(constant, index):
                found.append(
                    (
                        line_at(index),
                        f"„{constant}” nie jest liczbą w JSON; wpisz zwykłą liczbę albo usuń to pole",
                    )
                )
                return index + len(constant)
        number = _JSON_NUMBER.match(text, index)
        if number:
            whole, fraction, exponent = number.groups()
            digits = len(whole.lstrip("-"))
            if fraction is None and exponent is None and most_digits and digits > most_digits:
                found.append((line_at(index), f"liczba ma {digits} cyfr — za dużo; wpisz zwykłą liczbę"))
            elif (fraction or exponent) and not math.isfinite(float(number.group())):
                found.append((line_at(index), "liczba jest za duża, by ją zapisać; wpisz zwykłą liczbę"))
            return number.end()
        _, end = decoder.raw_decode(text, index)
        return int(end)

    def value(index: int, loc: Loc) -> int:
        index = space.match(text, index).end()  # type: ignore[union-attr]
        if loc:
            lines.setdefault(loc, line_at(index))
        if text.startswith("{", index):
            index = space.match(text, index + 1).end()  # type: ignore[union-attr]
            seen: dict[str, int] = {}
            while not text.startswith("}", index):
                start = index
                key, index = string(index)
                lines.setdefault((*loc, key), line_at(index))
                if key in seen:
                    found.append(
                        (
                            line_at(start),
                            f"klucz „{key}” powtarza się w tym samym obiekcie (pierwszy raz w wierszu "
                            f"{seen[key]}); zostaw jeden — drugi po cichu zastąpiłby pierwszy",
                        )
                    )
                seen.setdefault(key, line_at(start))
                index = space.match(text, index).end() + 1  # type: ignore[union-attr]  # the colon
                index = value(index, (*loc, key))
                index = space.match(text, index).end()  # type: ignore[union-attr]
                if text.startswith(",", index):
                    index = space.match(text, index + 1).end()  # type: ignore[union-attr]
            return index + 1
        if text.startswith("[", index):
            index = space.match(text, index + 1).end()  # type: ignore[union-attr]
            position = 0
            while not text.startswith("]", index):
                index = value(index, (*loc, position))
                position += 1
                index = space.match(text, index).end()  # type: ignore[union-attr]
                if text.startswith(",", index):
                    index = space.match(text, index + 1).end()  # type: ignore[union-attr]
            return index + 1
        return scalar(index)

    value(0, ())
    return lines


_BARE = r"[A-Za-z0-9_\-ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]+"
_PART = rf"(?:{_BARE}|\"(?:[^\"\\]|\\.)*\"|'[^']*')"
_KEY = rf"{_PART}(?:\s*\.\s*{_PART})*"
_ARRAY = re.compile(rf"^\s*\[\[\s*({_KEY})\s*\]\]")
_TABLE = re.compile(rf"^\s*\[\s*({_KEY})\s*\]")
_ASSIGN = re.compile(rf"^\s*({_KEY})\s*=")


def _parts(key: str) -> tuple[str, ...]:
    parts = []
    for part in re.findall(_PART, key):
        if part.startswith('"'):
            parts.append(json.loads(part))
        elif part.startswith("'"):
            parts.append(part[1:-1])
        else:
            parts.append(part)
    return tuple(parts)


def key_lines(text: str) -> dict[Loc, int]:
    """The line of every key, table and array-of-tables element of a valid TOML text.

    Arrays of tables are indexed like pydantic's ``loc`` (``("serie", 1, "kolor")``), so a
    validation error can be traced to its line. Values inside multi-line arrays belong to
    the key that opens the array.
    """
    lines: dict[Loc, int] = {}
    arrays: dict[Loc, int] = {}
    current: Loc = ()
    depth, open_string = 0, ""

    def resolve(parts: tuple[str, ...]) -> Loc:
        path: Loc = ()
        for part in parts:
            path = path + (part,)
            if path in arrays:
                path = path + (arrays[path],)
        return path

    for number, line in enumerate(text.splitlines(), start=1):
        rest = line
        if open_string:
            end = line.find(open_string)
            if end < 0:
                continue
            rest, open_string = line[end + 3 :], ""
        elif depth == 0:
            if match := _ARRAY.match(line):
                parent = resolve(_parts(match.group(1))[:-1])
                array = parent + _parts(match.group(1))[-1:]
                arrays[array] = arrays.get(array, -1) + 1
                current = array + (arrays[array],)
                lines.setdefault(array, number)
                lines.setdefault(current, number)
                continue
            if match := _TABLE.match(line):
                current = resolve(_parts(match.group(1)))
                lines.setdefault(current, number)
                continue
            if match := _ASSIGN.match(line):
                lines.setdefault(current + _parts(match.group(1)), number)
                rest = line[match.end() :]
        depth, open_string = _scan(rest, depth)
    return lines


def _scan(text: str, depth: int) -> tuple[int, str]:
    """Bracket depth after *text*, and the multi-line string delimiter left open, if any."""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "#":
            break
        if text.startswith(('"""', "'''"), index):
            delimiter = text[index : index + 3]
            end = text.find(delimiter, index + 3)
            if end < 0:
                return depth, delimiter
            index = end + 3
            continue
        if char == '"':
            match = re.compile(r'"(?:[^"\\]|\\.)*"').match(text, index)
            index = match.end() if match else len(text)
            continue
        if char == "'":
            end = text.find("'", index + 1)
            index = end + 1 if end >= 0 else len(text)
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(0, depth - 1)
        index += 1
    return depth, ""
