"""The ``handbook`` command: Polish messages for authors and editors, exit codes 0/1/2."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from handbook import fmt
from handbook.errors import HandbookError
from handbook.settings import Settings, load_settings

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
PROBLEMS = ("problem", "problemy", "problemów")
ERRORS = ("błąd", "błędy", "błędów")
REMARKS = ("uwaga", "uwagi", "uwag")


class _PolishFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        # argparse passes prefix="" when it builds a subcommand's name: keep that.
        super().add_usage(usage, actions, groups, prefix="Użycie: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(formatter_class=_PolishFormatter, add_help=False, **kwargs)  # type: ignore[arg-type]
        self._optionals.title = "opcje"
        self._positionals.title = "argumenty"
        self.add_argument("-h", "--help", action="help", help="pokaż tę pomoc i zakończ")

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: błąd: {message}\n")
        sys.exit(EXIT_USAGE)


@contextmanager
def stage(name: str, quiet: bool) -> Iterator[None]:
    """Print how long a pipeline stage took."""
    start = time.perf_counter()
    yield
    if not quiet:
        print(f"  {name}: {time.perf_counter() - start:.2f} s")


def cmd_charts(settings: Settings, args: argparse.Namespace) -> int:
    from handbook.pipeline import prepare_data

    with stage("dane, wykresy i liczby do tekstu", args.quiet):
        tables, report = prepare_data(settings)
    if not args.quiet:
        for name, notes in tables.notes.items():
            print(f"  {tables.files[name].name}: ujednolicono ({', '.join(notes)})")
    if not args.quiet:
        print(
            f"Wykresy: wygenerowano {len(report.rendered)}, bez zmian {len(report.unchanged)} "
            f"→ {settings.charts_dir}"
        )
    return EXIT_OK


def cmd_build(settings: Settings, args: argparse.Namespace) -> int:
    from handbook.build.staging import build_pdf, build_site

    both = not (args.html or args.pdf)
    if args.final:
        from handbook.authoring.checks import placeholders

        unfinished = _unfinished_chapters(settings)
        if unfinished:
            print("Wydanie ostateczne wstrzymane: te rozdziały nie mają statusu „gotowy”:", file=sys.stderr)
            for name, status in unfinished:
                print(f"  handbook/{name}.md: status „{status}”", file=sys.stderr)
            return EXIT_PROBLEMS
        left = [f for f in placeholders(settings) if "czeka na uzupełnienie" in f.message]
        if left:
            print(
                "Wydanie ostateczne wstrzymane: w ustawieniach zostały pola do uzupełnienia:", file=sys.stderr
            )
            for finding in left:
                print(f"  {finding.format(settings.root)}", file=sys.stderr)
            return EXIT_PROBLEMS
    cmd_charts(settings, args)
    if args.pdf or both:
        with stage("PDF razem (Sphinx + Typst)", args.quiet):
            result = build_pdf(settings, echo=True)
        if not result.ok:
            return _failed("PDF", result.warnings, result.outdir)
        if not args.quiet:
            print(
                f"  w tym: źródło Typst {result.timings.get('typst_source', 0):.2f} s, "
                f"kompilacja Typst {result.timings.get('typst_compile', 0):.2f} s"
            )
            print(f"PDF gotowy: {result.outdir}")
    # The site after the PDF: it offers the freshly built book for download.
    if args.html or both:
        with stage("strona HTML (Sphinx)", args.quiet):
            result = build_site(settings, "html", echo=True)
        if not result.ok:
            return _failed("strony", result.warnings, result.outdir)
        if not args.quiet:
            print(f"Strona gotowa: {result.outdir / 'index.html'}")
    return EXIT_OK


def _unfinished_chapters(settings: Settings) -> list[tuple[str, str]]:
    import yaml

    from handbook.sphinxext.frontmatter import find_block

    result = []
    for path in sorted(settings.source_dir.glob("*.md")):
        block = find_block(path.read_text(encoding="utf-8"))
        if block is None:
            continue
        status = (yaml.safe_load(block.text) or {}).get("status")
        if status is not None and status != "gotowy":
            result.append((path.stem, str(status)))
    return result


def _failed(what: str, warnings: tuple[str, ...], output: Path) -> int:
    print(
        f"\nBudowanie {what} przerwane: {fmt.count(len(warnings), PROBLEMS)} powyżej. "
        f"Poprzednia wersja ({output}) pozostała bez zmian.",
        file=sys.stderr,
    )
    return EXIT_PROBLEMS


def cmd_new_chapter(settings: Settings, args: argparse.Namespace) -> int:
    from handbook.authoring.scaffold import new_chapter

    path = new_chapter(settings, args.tytul)
    print(path.relative_to(settings.root))
    if not args.quiet:
        print("Rozdział dodano do spisu treści (handbook/index.md). Podgląd: handbook podglad")
    return EXIT_OK


def cmd_new_book(settings: Settings | None, args: argparse.Namespace) -> int:
    from handbook.authoring.newbook import new_book

    gminas = tuple(args.gminy.split(",")) if args.gminy else ()
    new_book(args.katalog_nowy, args.tytul, args.powiat, gminas)
    target = args.katalog_nowy
    if not args.quiet:
        print(f"Utworzono nowy podręcznik w {target}.")
        print("Uzupełnij conf/handbook.toml (pola „do uzupełnienia”), potem zbuduj go:")
        print(f"  make BOOK={target}        albo        handbook --katalog {target} buduj")
        print(f"Co jeszcze zostało do uzupełnienia: handbook --katalog {target} sprawdz")
    return EXIT_OK


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    from handbook.authoring.checks import check_book

    findings = check_book(settings)
    for finding in findings:
        print(finding.format(settings.root))
    errors = sum(f.level == "BŁĄD" for f in findings)
    warnings = len(findings) - errors
    if not args.quiet or findings:
        print(
            f"Sprawdzono rozdziały i dane: {fmt.count(errors, ERRORS)}, {fmt.count(warnings, REMARKS)}.",
            file=sys.stderr,
        )
    return EXIT_PROBLEMS if errors or (args.strict and warnings) else EXIT_OK


def cmd_numbers(settings: Settings, args: argparse.Namespace) -> int:
    from handbook.data.load import load_tables
    from handbook.numbers.compute import compute_all
    from handbook.pipeline import load_declarations

    tables = load_tables(settings)
    numbers = compute_all(load_declarations(settings, tables).numbers, tables)
    if not numbers:
        print(f"Podręcznik nie deklaruje jeszcze liczb z danych (plik {settings.numbers_file.name}).")
        return EXIT_OK
    width = max(len(name) for name in numbers)
    print("Liczby z danych do wstawiania w tekście jako {dane}`nazwa`:\n")
    for name, entry in numbers.items():
        print(f"  {name:<{width}}  {entry['tekst']:<28}  {entry['opis']}")
    return EXIT_OK


def cmd_preview(settings: Settings, args: argparse.Namespace) -> int:
    from handbook.build.preview import serve

    cmd_charts(settings, args)
    print("PDF odświeżysz w drugim oknie: handbook buduj --pdf", flush=True)
    serve(settings, args.port)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    main = _Parser(
        prog="handbook",
        description="Budowanie podręcznika: dane → wykresy → strona internetowa i PDF.",
    )
    main.add_argument(
        "--katalog",
        type=Path,
        default=Path("."),
        metavar="KATALOG",
        help="katalog podręcznika (domyślnie bieżący)",
    )
    main.add_argument("-q", "--quiet", action="store_true", help="wypisuj tylko błędy")
    commands = main.add_subparsers(dest="command", metavar="POLECENIE", parser_class=_Parser)
    commands.required = True
    entries: list[tuple[str, list[str], str, Callable[[Settings, argparse.Namespace], int]]] = [
        ("wykresy", ["charts"], "sprawdź dane i wygeneruj wykresy (tylko zmienione)", cmd_charts),
        ("buduj", ["build"], "zbuduj podręcznik: wykresy, stronę HTML i PDF", cmd_build),
        ("podglad", ["preview"], "podgląd na żywo pod adresem 127.0.0.1", cmd_preview),
        ("liczby", ["numbers"], "pokaż liczby z danych dostępne w tekście", cmd_numbers),
        ("nowy-rozdzial", ["new-chapter"], "utwórz kolejny rozdział z szablonu", cmd_new_chapter),
        ("sprawdz", ["check"], "sprawdź rozdziały i dane bez budowania", cmd_check),
        (
            "nowy-podrecznik",
            ["new-book"],
            "utwórz szkielet nowego podręcznika (np. dla innego powiatu)",
            cmd_new_book,  # type: ignore[list-item]
        ),
    ]
    for name, aliases, help_text, func in entries:
        sub = commands.add_parser(name, aliases=aliases, help=help_text, description=help_text)
        sub.set_defaults(func=func)
        if name == "buduj":
            sub.add_argument("--html", action="store_true", help="tylko strona HTML")
            sub.add_argument("--pdf", action="store_true", help="tylko PDF do druku")
        if name == "nowy-rozdzial":
            sub.add_argument("tytul", metavar="TYTUŁ", help="tytuł rozdziału w cudzysłowie")
        if name == "sprawdz":
            sub.add_argument("--strict", action="store_true", help="uwagi też kończą się błędem")
        if name == "buduj":
            sub.add_argument(
                "--final",
                action="store_true",
                help="wydanie do druku: odmów, jeśli któryś rozdział nie jest „gotowy”",
            )
        if name == "nowy-podrecznik":
            sub.set_defaults(needs_settings=False)
            sub.add_argument(
                "katalog_nowy", type=Path, metavar="KATALOG", help="nowy (pusty) katalog podręcznika"
            )
            sub.add_argument("--tytul", default="", help="tytuł podręcznika")
            sub.add_argument("--powiat", default="", help="nazwa powiatu, np. „Powiat Przykładowy”")
            sub.add_argument("--gminy", default="", metavar="GMINY", help="gminy powiatu po przecinku")
        if name == "podglad":
            sub.add_argument("--port", type=int, default=8000, help="port (domyślnie 8000)")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if not getattr(args, "needs_settings", True):
            return int(args.func(None, args))
        settings = load_settings(args.katalog)
        return int(args.func(settings, args))
    except HandbookError as error:
        print(f"Błąd: {error.relative_to(args.katalog.resolve())}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return EXIT_PROBLEMS
    except BrokenPipeError:  # `handbook liczby | head`: the reader left, nothing is wrong
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
