"""Sphinx's warnings rewritten as Polish ``plik:wiersz: komunikat`` lines for authors."""

from __future__ import annotations

import errno
import re
from collections.abc import Callable

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LINE = re.compile(r"^(?P<where>.*?):? ?(?P<level>WARNING|ERROR|CRITICAL|SEVERE): (?P<text>.*)$")


# Errors of the machine rather than the book (errno → the cause in words, with what to do):
# a build that cannot write its files.
DISK_PROBLEMS = {
    errno.ENOSPC: "brak miejsca na dysku; zwolnij miejsce i zbuduj ponownie",
    errno.EDQUOT: "wyczerpany przydział miejsca na dysku (limit konta); zwolnij miejsce i zbuduj ponownie",
    errno.EROFS: "dysk jest tylko do odczytu; zbuduj podręcznik w folderze na dysku z prawem zapisu",
    errno.EACCES: "brak uprawnień do zapisu; nadaj je (np. chmod -R u+w _build) i zbuduj ponownie",
    errno.EPERM: "brak uprawnień do zapisu; nadaj je (np. chmod -R u+w _build) i zbuduj ponownie",
}
DISK_ERRNOS = frozenset(DISK_PROBLEMS)
# How an errno shows in a message: Python's "[Errno 28]", repr's "OSError(28, ", Rust's "(os error 28)".
_ERRNO = re.compile(r"\[Errno (\d+)\]|\b(?:OSError|PermissionError)\((\d+), |\(os error (\d+)\)")
_STRERROR = {
    "No space left on device": errno.ENOSPC,
    "Disk quota exceeded": errno.EDQUOT,
    "Read-only file system": errno.EROFS,
}
# Sphinx's (and Pagefind's, Typst's) messages of a file it failed to write: there even a
# "Permission denied" is about writing.
_WRITING = re.compile(
    r"error writing file|Failed to copy a file|cannot copy (?:static|image|downloadable) file|"
    r"Failed to write build info file|cannot create|Typst nie złożył PDF|Pagefind nie zbudował indeksu|"
    r"[Ff]ailed to write|[Cc]ould not write|copying (?:images|downloadable files)"
)


def disk_problem(line: str) -> int | None:
    """The errno of a failed write the *line* reports (no space, no rights, read-only), or None."""
    found = _ERRNO.search(line)
    number = int(next(g for g in found.groups() if g)) if found else None
    if number is None:
        number = next((n for text, n in _STRERROR.items() if text in line), None)
    if number in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
        return number
    if number in (errno.EACCES, errno.EPERM) and _WRITING.search(line):
        return number
    return None


# A Polish text with \\1 … for the groups, or a function of the match for what needs reshaping.
Polish = str | Callable[[re.Match[str]], str]


def _compiled(table: tuple[tuple[str, Polish], ...]) -> tuple[tuple[re.Pattern[str], Polish], ...]:
    return tuple((re.compile(pattern), polish) for pattern, polish in table)


def _listed(python_list: str) -> str:
    """``['a', 'b']`` as a Polish message lists values: „a”, „b”."""
    return ", ".join(f"„{item}”" for item in re.findall(r"'([^']*)'", python_list))


# English message of Sphinx/docutils/MyST (regex) → Polish text with what to do.
_TRANSLATIONS = _compiled(
    (
        # --- Sphinx: references, toctree, glossary, images ---------------------------------
        (
            r"term not in glossary: '(.+)'",
            "termin „\\1” nie występuje w słowniczku (dyrektywa ```{glossary}```); sprawdź pisownię "
            "albo dopisz go do słowniczka",
        ),
        (
            r"duplicate term description of (.+), other instance in (.+)",
            "termin „\\1” jest w słowniczku dwa razy (drugi raz w „\\2”); zostaw jedną definicję",
        ),
        (
            r"undefined label: '(.+)'",
            "odsyłacz do nieistniejącej etykiety „\\1”; sprawdź nazwę tabeli, wykresu lub sekcji "
            "(numer przez {numref} ma tylko element z podpisem: tabela, rysunek, blok kodu z :caption:)",
        ),
        (
            r"unknown document: '(.+)'",
            "odsyłacz do nieistniejącego rozdziału „\\1”; sprawdź nazwę pliku (bez .md)",
        ),
        (
            r"toctree contains reference to non-?existing document '(.+)'",
            "spis treści wskazuje nieistniejący rozdział „\\1”",
        ),
        (
            r"toctree contains reference to excluded document '(.+)'",
            "spis treści wskazuje rozdział „\\1”, który jest wyłączony z budowania",
        ),
        (r"duplicated entry found in toctree: (.+)", "rozdział „\\1” występuje w spisie treści dwa razy"),
        (
            r"toctree glob pattern '(.+)' didn't match any documents",
            "wzorzec „\\1” w spisie treści nie pasuje do żadnego rozdziału",
        ),
        (r"circular toctree references detected, ignoring: (.+)", "spisy treści wskazują się nawzajem: \\1"),
        (r"self referenced toctree found\. Ignored\.", "spis treści wskazuje własny rozdział; usuń ten wpis"),
        (r"document isn't included in any toctree", "rozdział nie jest w spisie treści (handbook/index.md)"),
        (r"image file not readable: (.+)", "nie można odczytać obrazu \\1; sprawdź ścieżkę"),
        (r"download file not readable: (.+)", "nie można odczytać pliku do pobrania \\1; sprawdź ścieżkę"),
        (
            r"Footnote \[([^#*\]]+)\] is not referenced\.?",
            "przypis [^\\1] jest zdefiniowany, ale nigdzie nie użyty; dopisz w tekście odwołanie [^\\1] "
            "albo usuń przypis",
        ),
        (
            r"Footnote \[[#*]\] is not referenced\.?",
            "przypis zdefiniowany w tym wierszu nie jest nigdzie użyty; dopisz w tekście odwołanie do "
            "niego albo usuń przypis",
        ),
        (
            r"Citation \[(.+)\] is not referenced\.?",
            "pozycja bibliografii [\\1] nie jest nigdzie cytowana; zacytuj ją albo usuń",
        ),
        (
            r"duplicate citation (.+), other instance in (.+)",
            "pozycja bibliografii „\\1” jest zdefiniowana dwa razy (druga w \\2); zostaw jedną",
        ),
        (
            r"duplicate label of equation (.+), other instance in (.+)",
            "etykieta wzoru „\\1” powtarza się (druga w \\2); nadaj inną nazwę",
        ),
        (
            r"image file (.+) not readable: (.+)",
            "nie można odczytać obrazu \\1; sprawdź ścieżkę i czy plik nie jest uszkodzony",
        ),
        (
            r"[Nn]o matching candidate for image URI '(.+)'",
            "nie ma obrazu „\\1” w żadnym obsługiwanym formacie",
        ),
        (
            r"[Cc]ould not fetch remote image: .+",
            "obrazy z internetu nie są pobierane; zapisz obraz w folderze podręcznika",
        ),
        (
            r"toctree contains reference to document '(.+)' that doesn't have a title: no link will be "
            r"generated",
            "rozdział „\\1” w spisie treści nie ma tytułu; dopisz tytuł (w metryczce: tytul)",
        ),
        (
            r"Failed to create a cross reference\. A title or caption not found: '?(.+?)'?",
            "odsyłacz do „\\1”: cel nie ma tytułu ani podpisu; dodaj podpis albo podaj tekst odsyłacza",
        ),
        (
            r"numfig is disabled\. :numref: is ignored\.",
            "numeracja rysunków i tabel jest wyłączona, więc {numref} nie działa; użyj {ref}",
        ),
        (r"invalid numfig_format: (.+)", "niepoprawny format numeracji „\\1”"),
        (
            r"no number is assigned for (.+?): (.+)",
            "odsyłacz {numref} do „\\2”, które nie ma numeru: dodaj podpis rysunku lub tabeli",
        ),
        (
            r"duplicate (.+?) description of (.+), other instance in (.+)",
            "„\\2” jest opisane dwa razy (drugi raz w \\3); zostaw jeden opis",
        ),
        (
            r"Failed to create a cross reference\. Any number is not assigned: (.+)",
            "odsyłacz {numref} do „\\1”, które nie ma numeru: dodaj podpis rysunku lub tabeli",
        ),
        (
            r"the link has no caption: (.+)",
            "odsyłacz do „\\1” nie ma tekstu: podaj go, np. {ref}`tekst <\\1>`",
        ),
        (
            r"more than one target found for '?(.+?)'? cross-reference '?(.+?)'?: (.+)",
            "odsyłacz „\\2” pasuje do kilku celów (\\3); nadaj etykietom różne nazwy",
        ),
        (
            r"duplicate label (.+?), other instance in (.+)",
            "etykieta „\\1” powtarza się (druga w \\2); nadaj inną nazwę",
        ),
        (
            r"Pygments lexer name '(.+)' is not known",
            "nieznany język bloku kodu „\\1”; usuń go albo podaj znany, np. python lub text",
        ),
        (
            r"Lexing literal_block .* as \"(.+)\" resulted in an error at token: '(.*)'\. "
            r"Retrying in relaxed mode\.",
            "kod w bloku nie jest poprawnym „\\1” (błąd przy „\\2”); popraw go albo zmień język bloku "
            "na text",
        ),
        (
            r"equation not found: (.+)",
            "odsyłacz {eq} do nieistniejącego wzoru „\\1”; sprawdź etykietę wzoru (opcja :label:)",
        ),
        (
            r'Could not lex literal_block as "(.+)"\. Highlighting skipped\.',
            "kod w bloku nie jest poprawnym „\\1”; popraw go albo zmień język bloku na text",
        ),
        # --- docutils: targets, footnotes, structure ---------------------------------------
        (r"Unknown target name: \"(.+)\"\.?", "nieznany cel odsyłacza „\\1”"),
        (r"Duplicate explicit target name: \"(.+)\"\.?", "powtórzona nazwa celu „\\1”"),
        (
            r"Duplicate implicit target name: \"(.+)\"\.?",
            "dwa nagłówki lub cele mają tę samą nazwę „\\1”; odsyłacz do niej jest niejednoznaczny",
        ),
        (
            r"Duplicate target name, cannot be used as a unique reference: \"(.+)\"\.?",
            "nazwa „\\1” należy do kilku celów, więc odsyłacz do niej jest niejednoznaczny; nadaj im "
            "różne nazwy",
        ),
        (
            r"Duplicate ID: \"(.+)\"\.?",
            "identyfikator „\\1” powtarza się na stronie; nadaj etykietom lub nagłówkom różne nazwy",
        ),
        (
            r"Undefined substitution referenced: \"(.+)\"\.?",
            "nieznane podstawienie „\\1”; sprawdź nazwę albo je zdefiniuj",
        ),
        (
            r"Substitution definition \"(.+)\" empty or invalid\.?",
            "definicja podstawienia „\\1” jest pusta albo niepoprawna",
        ),
        (
            r"Duplicate substitution definition name: \"(.+)\"\.?",
            "podstawienie „\\1” jest zdefiniowane dwa razy; zostaw jedną definicję",
        ),
        (r"Title level inconsistent:?", "niespójne poziomy nagłówków; nie przeskakuj poziomów"),
        (
            r"Inline (?:emphasis|strong|literal|interpreted text or phrase reference|substitution_reference|"
            r"target) start-string without end-string\.",
            "znacznik formatowania (np. *, **, `) otwarty, ale nie zamknięty; zamknij go albo poprzedź \\",
        ),
        (
            r"Multiple matches found for '(.+)': (.+)",
            "odsyłacz „\\1” pasuje do kilku celów (\\2); nadaj etykietom różne nazwy",
        ),
        (
            r"'(.+)' reference target not found: (.+)",
            "odsyłacz do nieistniejącego celu „\\2”; sprawdź nazwę",
        ),
        (
            r"Too many autonumbered footnote references: only (\d+) corresponding footnotes? available\.",
            "odwołanie do przypisu bez treści: dopisz definicję przypisu (np. [^1]: treść) na końcu "
            "rozdziału",
        ),
        (
            r"Document or section may not begin with a transition\.",
            "linia pozioma („---”) nie może otwierać rozdziału ani sekcji",
        ),
        (r"Document may not end with a transition\.", "linia pozioma („---”) nie może kończyć rozdziału"),
        (
            r"At least one body element must separate transitions; adjacent transitions are not allowed\.",
            "dwie linie poziome („---”) stoją obok siebie; zostaw jedną",
        ),
        # --- docutils: tables (csv-table, list-table) --------------------------------------
        (
            r'Error with CSV data in "(.+)" directive:',
            "tabela „\\1” ma błąd w danych CSV (przyczyna poniżej)",
        ),
        (
            r"Insufficient data supplied \((\d+) row\(s\)\); no data remaining for table body, "
            r'required by "(.+)" directive\.',
            "tabela „\\2” ma tylko wiersze nagłówka (\\1); dopisz wiersze danych albo zmniejsz :header-rows:",
        ),
        (
            r"(\d+) header row\(s\) specified but only (\d+) row\(s\) of data supplied "
            r'\("(.+)" directive\)\.',
            "tabela „\\3” ma mieć \\1 wiersze nagłówka (:header-rows:), a ma tylko \\2 wiersze",
        ),
        (
            r"(\d+) stub column\(s\) specified but only (\d+) columns\(s\) of data supplied "
            r'\("(.+)" directive\)\.',
            "tabela „\\3” ma mieć \\1 kolumny nagłówkowe (:stub-columns:), a ma tylko \\2 kolumny",
        ),
        (
            r"Insufficient data supplied \((\d+) columns\(s\)\); no data remaining for table body, "
            r'required by "(.+)" directive\.',
            "tabela „\\2” ma same kolumny nagłówkowe (\\1); dopisz kolumny danych albo zmniejsz "
            ":stub-columns:",
        ),
        (
            r'"(.+)" widths do not match the number of columns in table \((\d+)\)\.',
            "tabela „\\1” ma \\2 kolumny, a :widths: podaje inną liczbę szerokości",
        ),
        (r"No table data detected in CSV file\.", "tabela nie ma danych: dopisz wiersze w postaci a,b,c"),
        (
            r'The "(.+)" directive requires content; none supplied\.',
            "tabela „\\1” nie ma treści: dopisz wiersze pod dyrektywą",
        ),
        (
            r'"(.+)" directive may not both specify an external file and have content\.',
            "tabela „\\1” ma jednocześnie opcję :file: i treść; zostaw jedno z nich",
        ),
        (
            r'The "file" and "url" options may not be simultaneously specified for the "(.+)" directive\.',
            "dyrektywa „\\1” ma jednocześnie :file: i :url:; zostaw tylko :file:",
        ),
        (
            r'Problems with "(.+)" directive path:',
            "dyrektywa „\\1” nie może odczytać pliku (przyczyna poniżej)",
        ),
        (
            r'Problems with "(.+)" directive URL "(.+)":',
            "dyrektywa „\\1” nie może pobrać adresu „\\2”; zapisz plik w folderze podręcznika",
        ),
        (
            r'File and URL access deactivated; ignoring "(.+)" directive\.',
            "dyrektywa „\\1” nie może czytać plików ani adresów",
        ),
        (
            r'Error parsing content block for the "(.+)" directive: .*',
            "tabela „\\1” wymaga listy dwupoziomowej: każdy wiersz to punkt „- ”, a w nim po jednym punkcie "
            "„  - ” na komórkę (w każdym wierszu tyle samo)",
        ),
        (
            r'The "(.+)" directive is empty; content required\.',
            "dyrektywa „\\1” jest pusta; dopisz jej treść",
        ),
        (r'Error in "(.+)" directive:', "błąd w dyrektywie „\\1” (przyczyna poniżej)"),
        # --- include, literalinclude: parts of a file ---------------------------------------
        (
            r"line number spec is out of range\(1-(\d+)\): '(.+)'",
            "zakres wierszy „\\2” (opcja :lines:) wychodzi poza plik, który ma \\1 wierszy",
        ),
        (
            r"Line spec '(.+)': no lines pulled from include file .*",
            "zakres wierszy „\\1” (opcja :lines:) nie wybiera z pliku żadnego wiersza",
        ),
        (
            r"(start-after|start-at|end-at|end-before) pattern not found: (.+)",
            "tekstu „\\2” z opcji :\\1: nie ma w dołączanym pliku; przepisz go dokładnie z pliku",
        ),
        (
            r'Directive "(.+)"; option "(.+)": text not found "(.+)"\.',
            "tekstu „\\3” z opcji :\\2: nie ma w pliku dołączanym przez {\\1}; przepisz go dokładnie z pliku",
        ),
        (
            r'Problem with "(.+)" option of "(.+)" directive:',
            "opcja :\\1: dyrektywy {\\2}: tekstu nie ma w dołączanym pliku; przepisz go dokładnie z pliku",
        ),
        (
            r"Object named '(.+)' not found in include file .*",
            "w dołączanym pliku nie ma „\\1” (opcja :pyobject:)",
        ),
        (
            r'Cannot use both "(.+)" and "(.+)" options',
            "opcji :\\1: i :\\2: nie można użyć razem; zostaw jedną",
        ),
        (
            r'Cannot use "lineno-match" with a disjoint set of "lines"',
            "opcja :lineno-match: wymaga ciągłego zakresu wierszy w :lines:",
        ),
        (
            r"Include file '(.+)' not found or reading it failed",
            "nie można odczytać dołączanego pliku „\\1”; sprawdź nazwę i ścieżkę",
        ),
        (
            r"Encoding '(.+)' used for reading included file '(.+)' seems to be wrong.*",
            "dołączany plik „\\2” nie jest zapisany w kodowaniu „\\1”; zapisz go w UTF-8",
        ),
        (
            r"non-whitespace stripped by dedent",
            "opcja :dedent: ucięłaby tekst, nie tylko wcięcie; zmniejsz ją",
        ),
        (r"Invalid caption: (.+)", "niepoprawny podpis bloku kodu: \\1"),
        (
            r'circular inclusion in "(.+)" directive: (.+)',
            "plik dołącza sam siebie (dyrektywa {\\1}, łańcuch: \\2); usuń to dołączenie",
        ),
        # --- MyST: directives, roles, links, headings --------------------------------------
        (r"Unknown directive type: '(.+)'.*", "nieznana dyrektywa „\\1”"),
        (r"Unknown interpreted text role \"(.+)\"\.?", "nieznana rola „\\1”"),
        (
            r"'(.+)': Unknown option keys?: (.+) \(allowed: (.+)\)",
            lambda m: f"dyrektywa „{m[1]}” nie zna opcji {_listed(m[2])}; dozwolone: {_listed(m[3])}",
        ),
        (
            # MyST reads a directive's options as YAML.
            r"'(.+)': Invalid options format: .*",
            "dyrektywa „\\1”: opcje mają błędny zapis; pisz każdą w osobnym wierszu jako "
            "„:nazwa: wartość”, a wartość, która zaczyna się od cudzysłowu, ujmij w apostrofy "
            '(np. :header: \'"Gmina", "Liczba"\')',
        ),
        (
            r"'(.+)': Invalid option value for '(.+?)': .*",
            "dyrektywa „\\1”: niepoprawna wartość opcji „\\2” (np. tu potrzebna jest liczba)",
        ),
        (
            r"(?:Directive )?'(.+)': (\d+) argument\(s\) required, (\d+) supplied",
            "dyrektywa „\\1” wymaga tytułu lub argumentu w tym samym wierszu (\\2), a ma \\3",
        ),
        (
            r"(?:Directive )?'(.+)': maximum (\d+) argument\(s\) allowed, (\d+) supplied",
            "dyrektywa „\\1” przyjmuje najwyżej \\2 argument(y) w wierszu dyrektywy, a ma \\3",
        ),
        (
            r"(?:Directive )?'(.+)': Has content, but none permitted",
            "dyrektywa „\\1” nie może mieć treści; usuń tekst pod nią",
        ),
        (
            r"'myst' cross-reference target not found: '(.*)'",
            "odsyłacz do nieistniejącego celu „\\1”; sprawdź nazwę kotwicy, pliku lub etykiety",
        ),
        (r"local id not found in doc '(.+)': '(.+)'", "w rozdziale „\\1” nie ma kotwicy „\\2”"),
        (r"Duplicate reference definition: (.+)", "odnośnik [\\1] jest zdefiniowany dwa razy; zostaw jeden"),
        (
            r"Non-consecutive header level increase; H(\d) to H(\d).*",
            "pominięty poziom nagłówka (z H\\1 na H\\2); nie przeskakuj poziomów",
        ),
        (
            r"Document headings start at H(\d), not H1.*",
            "nagłówki zaczynają się od H\\1; tytuł rozdziału podaj w metryczce (tytul)",
        ),
        (
            r"Content block expected for the \"(.+)\" directive; none found\.?",
            "dyrektywa „\\1” nie ma treści",
        ),
        (r"Malformed YAML.*", "metryczka nie jest poprawnym YAML-em"),
        (
            r"Malformed table\.?",
            "tabela rysowana znakami (+, -, |) jest źle narysowana: wyrównaj jej krawędzie albo zapisz "
            "ją jako tabelę Markdown lub dyrektywę {list-table}",
        ),
        (r"Invalid (?:.+) reference (.+)", "błędny odsyłacz \\1"),
    )
)

# Lines a warning continues with (docutils puts the cause on the next line): no location.
_CONTINUATIONS = _compiled(
    (
        (r'unknown option: "(.+)"\.', "  dyrektywa nie zna opcji „\\1”; usuń ją"),
        (
            r'invalid option value: \(option: "(.+)"; value: (.+)\)',
            "  niepoprawna wartość opcji „\\1”: \\2",
        ),
        (
            r"unexpected end of data",
            '  cudzysłów otwarty w danych tabeli nie jest zamknięty; dopisz brakujący "',
        ),
        (
            r"'(.)' expected after '\"'",
            "  po cudzysłowie zamykającym komórkę jest jeszcze tekst; cudzysłów w tekście zapisz "
            'podwójnie ("")',
        ),
        (
            r"field larger than field limit \((\d+)\)",
            "  komórka ma ponad \\1 znaków (pewnie brakuje cudzysłowu zamykającego)",
        ),
        (r"Text not found\.", "  (tekstu nie znaleziono)"),
        # A grid table docutils cannot read: the cause, then the table as written.
        (r"Right border not aligned or missing\.", "  prawa krawędź nie jest wyrównana albo jej brak"),
        (r"Bottom border missing\.", "  brak dolnej krawędzi"),
        (
            r"Text in column margin in table line (\d+)\.",
            "  tekst wchodzi na krawędź kolumny w wierszu \\1 tabeli",
        ),
        (
            r"Bottom/header table border does not match top border\.",
            "  dolna krawędź albo krawędź nagłówka nie pasuje do górnej",
        ),
        (r"([+|].*)", "  \\1"),
        (r"line contains NUL", "  dane zawierają bajt zerowy (NUL); zapisz plik ponownie jako tekst UTF-8"),
        (
            r"new-line character seen in unquoted field.*",
            "  komórka z końcem wiersza musi być ujęta w cudzysłów",
        ),
        (
            r"\[Errno 2\] No such file or directory: '(.+)'\.?",
            "  nie ma pliku „\\1”; sprawdź nazwę i ścieżkę",
        ),
        (r"\[Errno 13\] Permission denied: '(.+)'\.?", "  brak uprawnień do odczytu pliku „\\1”"),
        (r"\[Errno 21\] Is a directory: '(.+)'\.?", "  „\\1” jest katalogiem, a nie plikiem"),
        (
            r"(?:UnicodeDecodeError: )?'utf-8' codec can't decode byte .*",
            "  plik nie jest zapisany w UTF-8; zapisz go ponownie w kodowaniu UTF-8",
        ),
    )
)


def _split_tag(text: str) -> tuple[str, str]:
    """``"tekst [docutils]"`` → ``("tekst", " [docutils]")``: the tag names who warned."""
    if text.endswith("]") and " [" in text:
        text, tag = text.rsplit(" [", 1)
        return text, f" [{tag}"
    return text, ""


# Any Polish letter or quotation mark: a message of the engine itself, already Polish.
_POLISH = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ„”]")


def _footnote_label(where: str) -> str | None:
    """The label of the footnote defined at ``plik:wiersz`` (Sphinx names only its number)."""
    found = re.fullmatch(r"(?P<path>.+\.md):(?P<line>\d+)", where)
    if not found:
        return None
    try:
        with open(found["path"], encoding="utf-8") as source:
            text = next((t for n, t in enumerate(source, 1) if n == int(found["line"])), "")
    except (OSError, UnicodeDecodeError):
        return None
    label = re.match(r"\s*\[\^([^\]\s]+)\]:", text)
    return label[1] if label else None


def translate(line: str) -> str:
    """One warning line of Sphinx → ``plik:wiersz: komunikat`` with the text in Polish."""
    line = ANSI.sub("", line).rstrip()
    match = LINE.match(line)
    number = disk_problem(line)
    if number is not None:
        # A write that failed for the machine's reason: every file fails alike, so no file is
        # named (the warnings collector says it once).
        where = match["where"] if match and match["where"] else "(zapis wyników budowania)"
        return f"{where}: nie można zapisać plików podręcznika: {DISK_PROBLEMS[number]}"
    if not match:
        body, tag = _split_tag(line.strip())
        return next(
            (
                pattern.sub(polish, body) + tag
                for pattern, polish in _CONTINUATIONS
                if pattern.fullmatch(body)
            ),
            line,
        )
    text, tag = _split_tag(match["text"])
    # Sphinx's literalinclude gives a source path as a page name, and Sphinx adds ".md" again.
    where = re.sub(r"\.md\.md(?=:|$)", ".md", match["where"]) or "(podręcznik)"
    if re.fullmatch(r"Footnote \[#\] is not referenced\.?", text) and (label := _footnote_label(where)):
        text = f"Footnote [{label}] is not referenced."
    for pattern, polish in _TRANSLATIONS:
        if pattern.fullmatch(text):
            text = pattern.sub(polish, text)
            break
    else:
        if not _POLISH.search(text):
            # A message no rule above knows: said to be Sphinx's, in its own words (they may be
            # the only clue), never passed off as the engine's.
            text = f"Sphinx zgłosił problem (komunikat oryginalny, po angielsku): {text}"
    return f"{where}: {text}{tag}"
