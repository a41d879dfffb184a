"""The book's settings file (conf/handbook.toml) loaded into one typed, validated object."""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from handbook.data.privacy import find_personal_data, public_contacts, strings
from handbook.declared import Declared, Located, invalid, quoted, read_toml, validate
from handbook.errors import HandbookError, Problem

SETTINGS_FILE = Path("conf") / "handbook.toml"
# The book's declarations, next to its settings.
CHARTS_FILE = Path("conf") / "wykresy.toml"
NUMBERS_FILE = Path("conf") / "liczby.toml"

HexColour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
# A page of the book by its file name without ".md" (Sphinx's docname).
PageName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_./-]+$")]
# Characters of an address after its host (RFC 3986) and letters of any alphabet. Never a
# quote, an angle bracket, a backtick, a brace, a backslash or a space: none of them can end
# the HTML attribute or the Typst string that the address is printed into.
_URL_REST = r"[\w\-.~:/?#\[\]@!$&()*+,;=%]*"
_HOST = r"[\w-]+(?:\.[\w-]+)+(?::[0-9]{1,5})?"
_WEB = re.compile(rf"https://{_HOST}(?:[/?#]{_URL_REST})?")
_MAIL = re.compile(r"mailto:[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# The site's own address: a folder, so no query or fragment, and a slash at the end.
_BASE = re.compile(rf"https://{_HOST}/(?:[\w\-.~:/@!$&()*+,;=%]*/)?")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _url(value: str) -> str:
    if value and not (_WEB.fullmatch(value) or _MAIL.fullmatch(value)):
        raise invalid(
            "podaj adres zaczynający się od https:// (albo mailto:), bez spacji, cudzysłowów, "
            f"nawiasów klamrowych i znaków < > ` \\ (jest: „{value}”)"
        )
    return value


def _web_url(value: str) -> str:
    if value and not _WEB.fullmatch(value):
        raise invalid(
            "podaj adres strony zaczynający się od https://, bez spacji, cudzysłowów, nawiasów "
            f"klamrowych i znaków < > ` \\, np. https://www.powiat.example.pl (jest: „{value}”)"
        )
    return value


def _base_url(value: str) -> str:
    if not _BASE.fullmatch(value):
        raise invalid(
            "podaj adres strony zaczynający się od https:// i zakończony ukośnikiem, bez spacji, "
            "cudzysłowów, nawiasów klamrowych, znaków < > ` \\ ? #, np. https://example.org/podrecznik/ "
            f"(jest: „{value}”)"
        )
    return value


def _email(value: str) -> str:
    if value and not _EMAIL.fullmatch(value.strip()):
        raise invalid(f"podaj jeden adres e-mail, np. biuro@example.org (jest: „{value}”)")
    return value.strip()


# Links printed on every page: only web addresses and e-mail, never a script.
Url = Annotated[str, AfterValidator(_url)]
# A website: https only (a county's site, its BIP).
WebUrl = Annotated[str, AfterValidator(_web_url)]


class Publication(Declared):
    title: str = Field(alias="tytul", min_length=1)
    subtitle: str = Field(alias="podtytul", default="")
    basename: str = Field(alias="nazwa_pliku", pattern=r"^[a-z0-9][a-z0-9-]*$")
    year: int = Field(alias="rok", ge=2000, le=2100)
    place: str = Field(alias="miejsce_wydania")
    publisher: str = Field(alias="wydawca")
    licence: str = Field(alias="licencja")
    licence_url: Url = Field(alias="licencja_url", default="")
    isbn: str = Field(alias="isbn", default="")
    # Date printed into the PDF's metadata (SOURCE_DATE_EPOCH overrides it).
    release_date: dt.date | None = Field(alias="data_wydania", default=None)

    @field_validator("isbn")
    @classmethod
    def _isbn(cls, value: str) -> str:
        if value and not _valid_isbn(value):
            raise invalid(
                "to nie jest poprawny numer ISBN (10 albo 13 cyfr z poprawną cyfrą kontrolną, np. "
                f"978-83-01-00000-4); przepisz go z nadania Biblioteki Narodowej (jest: „{value}”)"
            )
        return value


def _valid_isbn(value: str) -> bool:
    """ISBN-10 or ISBN-13 with its check digit, hyphens and spaces as written on a book."""
    text = re.sub(r"[\s-]", "", value.removeprefix("ISBN").strip())
    if re.fullmatch(r"97[89]\d{10}", text):
        return sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(text)) % 10 == 0
    if re.fullmatch(r"\d{9}[\dX]", text):
        digits = [10 if d == "X" else int(d) for d in text]
        return sum((10 - i) * d for i, d in enumerate(digits)) % 11 == 0
    return False


class FunderLogo(Declared):
    """A logo the funding agreement requires: in the colophon and on the back cover."""

    file: str = Field(alias="plik")
    description: str = Field(alias="opis")

    @field_validator("file")
    @classmethod
    def _image(cls, value: str) -> str:
        if not value.strip():
            raise invalid("podaj plik logo, np. conf/logo/program.svg")
        return _logo_path(value)

    @field_validator("description")
    @classmethod
    def _described(cls, value: str) -> str:
        if not value.strip():
            raise invalid(
                "opis logo jest wymagany: czytnik ekranu czyta go zamiast obrazu; wpisz, czyje to logo, "
                "np. „Logo programu …” z nazwą programu, który dofinansował projekt"
            )
        return value


class Project(Declared):
    name: str = Field(alias="nazwa", min_length=1)
    funding_notice: str = Field(alias="informacja_o_finansowaniu", default="")
    # Funders' logos, in the order the funding agreement lists them.
    funder_logos: tuple[FunderLogo, ...] = Field(alias="logotypy", default=())
    start: dt.date = Field(alias="poczatek")
    end: dt.date = Field(alias="koniec")

    @model_validator(mode="after")
    def _period(self) -> Project:
        if self.end < self.start:
            raise invalid("koniec projektu jest wcześniej niż jego początek")
        return self


class County(Declared):
    name: str = Field(alias="nazwa", min_length=1)
    government_partner: str = Field(alias="partner_samorzadowy", default="")
    gminas: tuple[str, ...] = Field(alias="gminy", min_length=1)
    # The county's name in the genitive („Powiatu Nowodworskiego”) for „Strona …”; empty: the
    # engine inflects the usual „Powiat …ski” itself, or uses a form that needs no inflection.
    name_genitive: str = Field(alias="nazwa_dopelniacz", default="")
    # The county's website and its Biuletyn Informacji Publicznej, linked on every page.
    website: WebUrl = Field(alias="strona", default="")
    bip: WebUrl = Field(alias="bip", default="")


class Partnership(Declared):
    # The roles are the book's own words; the colophon lists partners in this order.
    roles: tuple[str, ...] = Field(alias="role", min_length=1)


class Organisation(Declared):
    id: Identifier
    name: str = Field(alias="nazwa", min_length=1)
    gmina: str
    role: str = Field(alias="rola", min_length=1)


# The one-line notice at the top of every page: longer ones wrap on a phone.
SHORT_NOTICE_MAX = 100


class DataSettings(Declared):
    illustrative: bool = Field(alias="ilustracyjne")
    notice: str = Field(alias="uwaga", default="")
    # One line of the notice for the top of every page; empty: derived from `uwaga`.
    short_notice: str = Field(alias="uwaga_krotka", default="")

    @field_validator("short_notice")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if len(value) > SHORT_NOTICE_MAX or "\n" in value:
            raise invalid(
                f"krótka uwaga to jeden wiersz, najwyżej {SHORT_NOTICE_MAX} znaków (jest: {len(value)}); "
                "pełną treść wpisz w polu „uwaga”"
            )
        return value


class Colours(Declared):
    primary: HexColour = Field(alias="podstawowy")
    accent: HexColour = Field(alias="akcent")
    charts: tuple[HexColour, ...] = Field(alias="wykresy", min_length=3)

    @field_validator("primary", "accent", mode="before")
    @classmethod
    def _hex(cls, value: object) -> object:
        if isinstance(value, str) and not value.startswith("#"):
            raise invalid(f"oczekiwano koloru w postaci #RRGGBB (jest: „{value}”)")
        return value


class Logo(Declared):
    """The book's logo files; without ``plik`` one is drawn from the names and colours."""

    file: str = Field(alias="plik", default="")
    dark_file: str = Field(alias="plik_ciemne_tlo", default="")
    icon: str = Field(alias="ikona", default="")
    description: str = Field(alias="opis", default="")

    @field_validator("file", "dark_file", "icon")
    @classmethod
    def _image(cls, value: str) -> str:
        return _logo_path(value)


def _logo_path(value: str) -> str:
    """A logo file named in the settings: SVG or PNG, relative to the book's folder."""
    if value and Path(value).suffix.lower() not in (".svg", ".png"):
        raise invalid(f"logo musi być plikiem .svg albo .png (jest: „{value}”)")
    if value and (Path(value).is_absolute() or ".." in Path(value).parts):
        raise invalid(f"podaj ścieżkę względem katalogu podręcznika, np. conf/logo.svg (jest: „{value}”)")
    return value


class Site(Declared):
    base_url: Annotated[str, AfterValidator(_base_url)] = Field(alias="adres")


class Accessibility(Declared):
    """Fields of the accessibility statement required by the Polish law of 4 April 2019."""

    page: PageName = Field(alias="strona")
    entity: str = Field(alias="podmiot", min_length=1)
    published: dt.date = Field(alias="data_publikacji")
    updated: dt.date = Field(alias="data_aktualizacji")
    status: Literal["zgodna", "częściowo zgodna", "niezgodna"]
    prepared: dt.date = Field(alias="data_sporzadzenia")
    contact_person: str = Field(alias="osoba_kontaktowa", default="")
    email: Annotated[str, AfterValidator(_email)] = Field(default="")
    phone: str = Field(alias="telefon", default="")
    # Entrances, lifts, toilets, parking, induction loop, sign-language interpreter of the seat.
    architecture: str = Field(alias="dostepnosc_architektoniczna", default="")

    @property
    def empty_fields(self) -> tuple[str, ...]:
        """Keys the statement shows as „do uzupełnienia” while they are empty."""
        fields = {
            "osoba_kontaktowa": self.contact_person,
            "email": self.email,
            "telefon": self.phone,
            "dostepnosc_architektoniczna": self.architecture,
        }
        return tuple(key for key, value in fields.items() if not value.strip())


class Pages(Declared):
    # Pages that are not chapters (no front matter, no byline); the home page never has one.
    without_front_matter: tuple[PageName, ...] = Field(alias="bez_metryczki", default=())


class Print(Declared):
    paper: Literal["B5", "A4"] = Field(alias="format", default="B5")
    # Chapters open on a right-hand page, a blank verso before them if need be (a printed book).
    chapters_on_right: bool = Field(alias="rozdzialy_od_prawej", default=True)


# Page counts a print shop binds: sheets folded into sections of 4, 8 or 16 pages.
PAGE_MULTIPLES = (4, 8, 16)


class PressEdition(Declared):
    """The print-shop edition (`handbook buduj --druk`): bleed, page multiple, paper for the spine."""

    bleed_mm: float = Field(alias="spad_mm", default=3.0, ge=1, le=10)
    page_multiple: int = Field(alias="wielokrotnosc_stron", default=4)
    # One sheet (two pages); 80 g/m² offset paper is about 0.1 mm.
    sheet_mm: float = Field(alias="grubosc_kartki_mm", default=0.1, ge=0.04, le=0.5)
    # What the binding adds to the spine (glue, the cover's own board), as the print shop says.
    spine_allowance_mm: float = Field(alias="naddatek_grzbietu_mm", default=0.0, ge=0, le=10)
    # The spine and the cover's bands; empty: the book's primary colour.
    cover_colour: str = Field(alias="okladka_kolor", default="")

    @field_validator("page_multiple")
    @classmethod
    def _multiple(cls, value: int) -> int:
        if value not in PAGE_MULTIPLES:
            raise invalid(
                "liczba stron środka jest wielokrotnością 4, 8 albo 16 (zapytaj drukarnię, ile stron "
                f"ma jej składka); dozwolone: {quoted(PAGE_MULTIPLES)} (jest: {value})"
            )
        return value

    @field_validator("cover_colour", mode="before")
    @classmethod
    def _hex(cls, value: object) -> object:
        if isinstance(value, str) and value and not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            raise invalid(f"oczekiwano koloru w postaci #RRGGBB albo pustego tekstu (jest: „{value}”)")
        return value


class Paths(Declared):
    """Folders relative to the project root; tests point them at small roots."""

    source: str = Field(alias="zrodla", default="handbook")
    data: str = Field(alias="dane", default="data")
    build: str = Field(alias="wyniki", default="_build")

    @field_validator("source", "data", "build")
    @classmethod
    def _inside(cls, value: str) -> str:
        path = Path(value)
        if not value.strip() or path.is_absolute() or ".." in path.parts or path == Path("."):
            raise invalid(
                "podaj nazwę folderu wewnątrz katalogu podręcznika, np. „_build” (bez „/” na początku, "
                f"bez „..” i nie sam katalog podręcznika; jest: „{value}”)"
            )
        return value


class Settings(Declared):
    publication: Publication = Field(alias="publikacja")
    project: Project = Field(alias="projekt")
    county: County = Field(alias="powiat")
    partnership: Partnership = Field(alias="partnerstwo")
    organisations: tuple[Organisation, ...] = Field(alias="organizacje", min_length=1)
    data: DataSettings = Field(alias="dane")
    colours: Colours = Field(alias="kolory")
    logo: Logo = Field(alias="logo", default_factory=Logo)
    print: Print = Field(alias="pdf", default_factory=Print)
    press: PressEdition = Field(alias="druk", default_factory=PressEdition)
    site: Site = Field(alias="strona")
    accessibility: Accessibility = Field(alias="dostepnosc")
    pages: Pages = Field(alias="strony", default_factory=Pages)
    paths: Paths = Field(alias="sciezki", default_factory=Paths)
    root: Path = Field(default=Path("."), exclude=True)

    @field_validator("organisations")
    @classmethod
    def _unique_ids(cls, orgs: tuple[Organisation, ...]) -> tuple[Organisation, ...]:
        ids = [o.id for o in orgs]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise invalid(f"powtórzony identyfikator organizacji: {', '.join(dupes)}")
        return orgs

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
    def settings_file(self) -> Path:
        return self.root / SETTINGS_FILE

    @cached_property
    def charts_file(self) -> Path:
        return self.root / CHARTS_FILE

    @cached_property
    def numbers_file(self) -> Path:
        return self.root / NUMBERS_FILE

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
    def press_dir(self) -> Path:
        """The print-shop edition (`buduj --druk`): interior, cover and a note for the print shop."""
        return self.build_dir / "druk"

    @cached_property
    def doctrees_dir(self) -> Path:
        return self.build_dir / ".doctrees"

    @property
    def organisation_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.organisations)

    @property
    def public_contacts(self) -> frozenset[str]:
        """The statement's e-mail and phone, public by law: the personal-data guard lets them through."""
        return public_contacts((self.accessibility.email, self.accessibility.phone))

    @property
    def pages_without_front_matter(self) -> tuple[str, ...]:
        return ("index", self.accessibility.page, *self.pages.without_front_matter)

    def book_file(self, relative: str) -> Path:
        """A file a book file names (a logo, a custom chart), never outside the book's folder."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root):
            raise HandbookError(
                f"Ścieżka „{relative}” wychodzi poza katalog podręcznika; podaj ścieżkę wewnątrz niego, "
                "np. conf/logo.svg."
            )
        return path


def load_settings(root: Path | str = ".") -> Settings:
    """Read and validate ``conf/handbook.toml`` under *root*; raise HandbookError in Polish."""
    root = Path(root).resolve()
    path = root / SETTINGS_FILE
    if not path.exists():
        raise HandbookError(
            f"Nie znaleziono pliku ustawień {path}. Uruchom polecenie w katalogu podręcznika "
            "albo wskaż go opcją --katalog."
        )
    located = read_toml(path, "plik ustawień")
    settings = validate(Settings, located, "Plik ustawień zawiera błędy:", {"root": root})
    problems = _consistency(settings, located)
    if problems:
        raise HandbookError("Plik ustawień zawiera błędy:", problems)
    return settings


def _folders(settings: Settings, located: Located) -> list[Problem]:
    """The book's folders lie inside it, and the output folder holds nothing but output.

    Every build empties parts of the output folder: pointed at the chapters, the data or a
    folder outside the book, it would delete what is there.
    """
    problems = []
    folders = {"zrodla": settings.source_dir, "dane": settings.data_dir}
    for key, folder in folders.items():
        # The output folder may be a link to another disk or a web server's folder (the editor
        # made it, and what is inside the book stays protected below); chapters and data are
        # read only from inside the book.
        if not folder.is_relative_to(settings.root) or folder == settings.root:
            problems.append(
                located.problem(
                    ("sciezki", key),
                    f"folder „{folder}” leży poza katalogiem podręcznika (dowiązanie?); podaj folder "
                    "wewnątrz niego",
                )
            )
    build = settings.build_dir
    for key, folder in (
        ("zrodla", settings.source_dir),
        ("dane", settings.data_dir),
        ("conf", settings.conf_dir),
    ):
        if build == folder or build.is_relative_to(folder) or folder.is_relative_to(build):
            problems.append(
                located.problem(
                    ("sciezki", "wyniki"),
                    f"folder wyników „{settings.paths.build}” nie może być folderem „{key}” ani leżeć w nim "
                    "(ani go zawierać): budowanie usuwa stare wyniki; podaj osobny folder, np. „_build”",
                )
            )
    return problems


def _logo_problem(settings: Settings, value: str) -> str | None:
    from handbook.images import image_problems  # defusedxml and Pillow only when a logo is given

    path = settings.root / value
    if not path.exists() and not path.is_symlink():
        return f"nie ma pliku „{value}” w katalogu podręcznika"
    resolved = path.resolve()
    if not resolved.is_relative_to(settings.root):
        return f"plik „{value}” jest dowiązaniem do pliku spoza katalogu podręcznika; skopiuj logo do conf/"
    if not resolved.is_file():
        return f"„{value}” nie jest plikiem"
    found = image_problems(resolved, settings.charts_dir)
    return "; ".join(found) if found else None


def _consistency(settings: Settings, located: Located) -> list[Problem]:
    """Rules that tie one section to another, each reported at the key that breaks it."""
    problems = []
    for index, org in enumerate(settings.organisations):
        if org.gmina not in settings.county.gminas:
            problems.append(
                located.problem(
                    ("organizacje", index, "gmina"),
                    f"organizacja „{org.id}” ma gminę „{org.gmina}”, której nie ma w [powiat] gminy; "
                    f"dozwolone: {quoted(settings.county.gminas)}",
                )
            )
        if org.role not in settings.partnership.roles:
            problems.append(
                located.problem(
                    ("organizacje", index, "rola"),
                    f"organizacja „{org.id}” ma rolę „{org.role}”, której nie ma w [partnerstwo] role; "
                    f"dozwolone: {quoted(settings.partnership.roles)}",
                )
            )
    if settings.data.illustrative and not settings.data.notice:
        problems.append(
            located.problem(
                ("dane", "ilustracyjne"), "dane są ilustracyjne, więc [dane] uwaga nie może być pusta"
            )
        )
    problems.extend(_folders(settings, located))
    logo = settings.logo
    for key, value in (("plik", logo.file), ("plik_ciemne_tlo", logo.dark_file), ("ikona", logo.icon)):
        problem = _logo_problem(settings, value) if value else None
        if problem:
            problems.append(located.problem(("logo", key), problem))
    for index, funder in enumerate(settings.project.funder_logos):
        problem = _logo_problem(settings, funder.file)
        if problem:
            problems.append(located.problem(("projekt", "logotypy", index, "plik"), problem))
    if settings.source_dir.is_dir():
        named = [(("dostepnosc", "strona"), settings.accessibility.page)]
        named += [
            (("strony", "bez_metryczki", i), p) for i, p in enumerate(settings.pages.without_front_matter)
        ]
        for loc, page in named:
            if not (settings.source_dir / f"{page}.md").is_file():
                problems.append(
                    located.problem(
                        loc,
                        f"nie ma strony „{page}” (pliku {settings.paths.source}/{page}.md); podaj nazwę "
                        "pliku bez „.md”",
                    )
                )
    # Settings are printed on every page and in the PDF: the statement's contact is the only one.
    for loc, value in strings(located.data):
        if loc in (("dostepnosc", "email"), ("dostepnosc", "telefon")):
            continue
        for found in find_personal_data(value, settings.public_contacts):
            problems.append(
                located.problem(
                    loc,
                    f"wartość zawiera {found.describe()}; danych osobowych nie publikujemy (RODO) – usuń "
                    "je; kontakt do biura projektu podaj w [dostepnosc] email i telefon",
                )
            )
    return problems
