"""The ``handbook`` command: Polish messages for authors and editors, exit codes 0/1/2."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from handbook.errors import HandbookError
from handbook.settings import Settings, load_settings

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _PolishFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, prefix="Użycie: ")


class _Parser(argparse.ArgumentParser):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(formatter_class=_PolishFormatter, add_help=False, **kwargs)  # type: ignore[arg-type]
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
    from handbook.build import build_pdf, build_site

    both = not (args.html or args.pdf)
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


def _failed(what: str, warnings: tuple[str, ...], output: Path) -> int:
    print(
        f"\nBudowanie {what} przerwane: {len(warnings)} problem(y/ów) powyżej. "
        f"Poprzednia wersja ({output}) pozostała bez zmian.",
        file=sys.stderr,
    )
    return EXIT_PROBLEMS


def cmd_figures(settings: Settings, args: argparse.Namespace) -> int:
    from handbook.data import load_tables
    from handbook.figures import compute_all

    figures = compute_all(load_tables(settings))
    width = max(len(name) for name in figures)
    print("Liczby z danych do wstawiania w tekście jako {dane}`nazwa`:\n")
    for name, entry in figures.items():
        print(f"  {name:<{width}}  {entry['tekst']:<28}  {entry['opis']}")
    return EXIT_OK


def cmd_preview(settings: Settings, args: argparse.Namespace) -> int:
    from sphinx_autobuild.__main__ import main as autobuild

    cmd_charts(settings, args)
    print(f"Podgląd: http://127.0.0.1:{args.port}/ (zatrzymaj: Ctrl+C)")
    autobuild(
        [
            str(settings.source_dir),
            str(settings.build_dir / "preview"),
            "-c",
            str(settings.conf_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(args.port),
            "--watch",
            str(settings.charts_dir),
            "-q",
        ]
    )
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
        ("liczby", ["figures"], "pokaż liczby z danych dostępne w tekście", cmd_figures),
    ]
    for name, aliases, help_text, func in entries:
        sub = commands.add_parser(name, aliases=aliases, help=help_text, description=help_text)
        sub.set_defaults(func=func)
        if name == "buduj":
            sub.add_argument("--html", action="store_true", help="tylko strona HTML")
            sub.add_argument("--pdf", action="store_true", help="tylko PDF do druku")
        if name == "podglad":
            sub.add_argument("--port", type=int, default=8000, help="port (domyślnie 8000)")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings(args.katalog)
        return int(args.func(settings, args))
    except HandbookError as error:
        print(f"Błąd: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return EXIT_PROBLEMS
    except BrokenPipeError:  # `handbook liczby | head`: the reader left, nothing is wrong
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
