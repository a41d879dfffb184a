"""The handbook settings file (conf/handbook.toml) loaded into one typed, validated object."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from handbook.errors import HandbookError, Problem

SETTINGS_FILE = Path("conf") / "handbook.toml"

HexColour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]
Role = Literal["lider", "partner organizacyjny", "ambasador gminny"]


class _Section(BaseModel):
    # Polish keys in the file, English attribute names in code.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Publication(_Section):
    title: str = Field(alias="tytul", min_length=1)
    subtitle: str = Field(alias="podtytul", default="")
    basename: str = Field(alias="nazwa_pliku", pattern=r"^[a-z0-9][a-z0-9-]*$")
    year: int = Field(alias="rok", ge=2000, le=2100)
    place: str = Field(alias="miejsce_wydania")
    publisher: str = Field(alias="wydawca")
    licence: str = Field(alias="licencja")
    licence_url: str = Field(alias="licencja_url", default="")
    isbn: str = Field(alias="isbn", default="")
    # Date printed into the PDF's metadata (SOURCE_DATE_EPOCH overrides it).
    release_date: dt.date | None = Field(alias="data_wydania", default=None)


class Project(_Section):
    name: str = Field(alias="nazwa")
    programme: str = Field(alias="program")
    funding_notice: str = Field(alias="informacja_o_finansowaniu")
    start: dt.date = Field(alias="poczatek")
    end: dt.date = Field(alias="koniec")
    centre: str = Field(alias="centrum")
    office_email: str = Field(alias="biuro_email", default="")

    @model_validator(mode="after")
    def _period(self) -> Project:
        if self.end < self.start:
            raise ValueError("koniec projektu jest wcześniej niż jego początek")
        return self


class County(_Section):
    name: str = Field(alias="nazwa")
    seat: str = Field(alias="siedziba")
    government_partner: str = Field(alias="partner_samorzadowy")
    gminas: tuple[str, ...] = Field(alias="gminy", min_length=1)


class Organisation(_Section):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(alias="nazwa")
    gmina: str
    role: Role = Field(alias="rola")


class DataSettings(_Section):
    illustrative: bool = Field(alias="ilustracyjne")
    notice: str = Field(alias="uwaga", default="")


class Colours(_Section):
    primary: HexColour = Field(alias="podstawowy")
    accent: HexColour = Field(alias="akcent")
    charts: tuple[HexColour, ...] = Field(alias="wykresy", min_length=3)


class Site(_Section):
    base_url: str = Field(alias="adres", pattern=r"^https?://[^\s]+/$")


class Accessibility(_Section):
    """Fields of the accessibility statement required by the Polish law of 4 April 2019."""

    entity: str = Field(alias="podmiot", min_length=1)
    published: dt.date = Field(alias="data_publikacji")
    updated: dt.date = Field(alias="data_aktualizacji")
    status: Literal["zgodna", "częściowo zgodna", "niezgodna"]
    prepared: dt.date = Field(alias="data_sporzadzenia")
    contact_person: str = Field(alias="osoba_kontaktowa", default="")
    email: str = Field(default="")
    phone: str = Field(alias="telefon", default="")


class Print(_Section):
    paper: Literal["B5", "A4"] = Field(alias="format", default="B5")


class Paths(_Section):
    """Folders relative to the project root; tests point them at small roots."""

    source: str = Field(alias="zrodla", default="handbook")
    data: str = Field(alias="dane", default="data")
    build: str = Field(alias="wyniki", default="_build")


class Settings(_Section):
    publication: Publication = Field(alias="publikacja")
    project: Project = Field(alias="projekt")
    county: County = Field(alias="powiat")
    organisations: tuple[Organisation, ...] = Field(alias="organizacje", min_length=1)
    data: DataSettings = Field(alias="dane")
    colours: Colours = Field(alias="kolory")
    print: Print = Field(alias="pdf", default_factory=Print)
    site: Site = Field(alias="strona")
    accessibility: Accessibility = Field(alias="dostepnosc")
    paths: Paths = Field(alias="sciezki", default_factory=Paths)
    root: Path = Field(default=Path("."), exclude=True)

    @field_validator("organisations")
    @classmethod
    def _unique_ids(cls, orgs: tuple[Organisation, ...]) -> tuple[Organisation, ...]:
        ids = [o.id for o in orgs]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"powtórzony identyfikator organizacji: {', '.join(dupes)}")
        return orgs

    @model_validator(mode="after")
    def _organisations_in_gminas(self) -> Settings:
        for org in self.organisations:
            if org.gmina not in self.county.gminas:
                raise ValueError(
                    f"organizacja „{org.id}” ma gminę „{org.gmina}”, której nie ma w [powiat] gminy"
                )
        if self.data.illustrative and not self.data.notice:
            raise ValueError("dane są ilustracyjne, więc [dane] uwaga nie może być pusta")
        return self

    # Derived paths: the only place where the layout of a project root is spelled.
    @cached_property
    def source_dir(self) -> Path:
        return (self.root / self.paths.source).resolve()

    @cached_property
    def data_dir(self) -> Path:
        return (self.root / self.paths.data).resolve()

    @cached_property
    def conf_dir(self) -> Path:
        return (self.root / SETTINGS_FILE.parent).resolve()

    @cached_property
    def build_dir(self) -> Path:
        return (self.root / self.paths.build).resolve()

    @cached_property
    def charts_dir(self) -> Path:
        return self.build_dir / "charts"

    @cached_property
    def html_dir(self) -> Path:
        return self.build_dir / "html"

    @cached_property
    def pdf_dir(self) -> Path:
        return self.build_dir / "pdf"

    @cached_property
    def pdf_file(self) -> Path:
        return self.pdf_dir / f"{self.publication.basename}.pdf"

    @cached_property
    def doctrees_dir(self) -> Path:
        return self.build_dir / ".doctrees"

    @property
    def organisation_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.organisations)


_MESSAGES = {
    "missing": "brak wymaganego pola",
    "extra_forbidden": "nieznane pole (literówka?)",
    "string_type": "oczekiwano tekstu w cudzysłowie",
    "int_type": "oczekiwano liczby całkowitej",
    "int_parsing": "oczekiwano liczby całkowitej",
    "bool_type": "oczekiwano true albo false",
    "bool_parsing": "oczekiwano true albo false",
    "date_type": "oczekiwano daty w postaci RRRR-MM-DD",
    "date_from_datetime_parsing": "oczekiwano daty w postaci RRRR-MM-DD",
    "string_pattern_mismatch": "wartość ma niedozwoloną postać",
    "string_too_short": "wartość nie może być pusta",
    "too_short": "lista jest za krótka",
    "literal_error": "niedozwolona wartość",
    "greater_than_equal": "wartość jest za mała",
    "less_than_equal": "wartość jest za duża",
}


def _polish(error: dict[str, object]) -> str:
    """One pydantic error as a Polish sentence; field names are the file's own keys."""
    loc = ".".join(str(part) for part in error["loc"]) or "(cały plik)"  # type: ignore[attr-defined]
    kind = str(error["type"])
    if kind == "value_error":
        # Our own validators already speak Polish; pydantic prefixes "Value error, ".
        text = str(error["msg"]).removeprefix("Value error, ")
    else:
        text = _MESSAGES.get(kind, f"błędna wartość ({error['msg']})")
        ctx = error.get("ctx") or {}
        if kind == "literal_error" and isinstance(ctx, dict):
            text += f"; dozwolone: {ctx.get('expected')}"
        if kind == "string_pattern_mismatch" and "kolory" in loc:
            text = "oczekiwano koloru w postaci #RRGGBB"
    value = error.get("input")
    shown = "" if kind == "missing" or isinstance(value, dict) else f" (jest: {value!r})"
    return f"pole „{loc}”: {text}{shown}"


def load_settings(root: Path | str = ".") -> Settings:
    """Read and validate ``conf/handbook.toml`` under *root*; raise HandbookError in Polish."""
    root = Path(root).resolve()
    path = root / SETTINGS_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HandbookError(
            f"Nie znaleziono pliku ustawień {path}. Uruchom polecenie w katalogu podręcznika."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        line = _toml_line(str(exc))
        raise HandbookError(
            "Plik ustawień ma błąd składni TOML.",
            [Problem(path, f"{exc} — sprawdź cudzysłowy, nawiasy i znaki „=”.", line)],
        ) from None
    try:
        return Settings.model_validate({**raw, "root": root})
    except ValidationError as exc:
        problems = [
            Problem(path, _polish(err), _key_line(path, err["loc"]))  # type: ignore[arg-type]
            for err in exc.errors()
        ]
        raise HandbookError("Plik ustawień zawiera błędy:", problems) from None


def _toml_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _key_line(path: Path, loc: tuple[object, ...]) -> int | None:
    """Best-effort line of the last named key of *loc*, so the editor can jump to it."""
    keys = [k for k in loc if isinstance(k, str)]
    if not keys:
        return None
    pattern = re.compile(rf"^\s*{re.escape(keys[-1])}\s*=")
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if pattern.match(text):
            return number
    section = re.compile(rf"^\s*\[+{re.escape(keys[0])}\]+")
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if section.match(text):
            return number
    return None
