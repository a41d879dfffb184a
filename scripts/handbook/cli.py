"""The ``handbook`` command: Polish messages for authors and editors, exit codes 0/1/2 (128+N: signal N)."""

from __future__ import annotations

import os
import sys
from contextlib import suppress

# Before anything else is imported: Ctrl+C while Python loads the modules below (a second or
# so for Sphinx, pydantic and the rest) is handled by no `try` of main() yet.
_python_hook = sys.excepthook


def _interrupted(kind, value, traceback):  # type: ignore[no-untyped-def]
    """An interrupt no `try` caught (it came before main() or after it): one Polish line, exit 128+N."""
    if not issubclass(kind, KeyboardInterrupt):
        _python_hook(kind, value, traceback)
        return
    with suppress(OSError, ValueError):  # a closed terminal
        sys.stderr.write("\nPrzerwano.\n")
    _leave(128 + getattr(value, "signum", 2))  # 2: SIGINT, Ctrl+C


def _leave(code: int) -> None:
    """End the process now with *code*, what is printed flushed."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed terminal, a closed pipe
            stream.flush()
    os._exit(code)


_python_unraisable = sys.unraisablehook


def _quiet_stop(unraisable):  # type: ignore[no-untyped-def]
    """An interrupt raised where Python cannot pass it on (a callback of the import machinery):
    not printed with a traceback; the handler recorded it, and the command ends as stopped."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    _python_unraisable(unraisable)


# Ctrl+C while the modules load: recorded as well as raised, since an import callback may
# swallow the exception (see _quiet_stop); main() then ends as stopped.
_early_stops: list[int] = []


def _early_stop(signum: int, frame: object) -> None:
    _early_stops.append(signum)
    raise KeyboardInterrupt


# Only as the command (`handbook`, `python -m handbook.cli`), never for a test importing main().
_COMMAND = __name__ == "__main__" or os.path.basename(sys.argv[0] if sys.argv else "") == "handbook"
if _COMMAND:
    import signal as _signal

    sys.excepthook = _interrupted
    sys.unraisablehook = _quiet_stop
    _signal.signal(_signal.SIGINT, _early_stop)

import argparse  # noqa: E402
import errno  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from handbook import fmt  # noqa: E402
from handbook.build.messages import DISK_PROBLEMS, disk_problem  # noqa: E402
from handbook.errors import HandbookError  # noqa: E402
from handbook.processes import Stopped, die_with_parent, stopping_cleanly  # noqa: E402

if TYPE_CHECKING:
    from handbook.build.staging import BuildResult
    from handbook.settings import Settings

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# What stopped the command, as the editor knows it.
STOP_CAUSES = {
    signal.SIGINT: "Ctrl+C",
    signal.SIGTERM: "polecenie zakończenia, SIGTERM",
    signal.SIGHUP: "zamknięto terminal albo zakończył się proces, który uruchomił budowanie; SIGHUP",
}
RIGHTS = "brak uprawnień do tego pliku lub folderu; nadaj je (np. chmod u+rw) i spróbuj ponownie"
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
    from handbook.build.staging import exclusive

    with exclusive(settings):
        return _charts(settings, args)


def _charts(settings: Settings, args: argparse.Namespace) -> int:
    from handbook.pipeline import update_data

    with stage("dane, wykresy i liczby do tekstu", args.quiet):
        done = update_data(settings)
    if args.quiet:
        return EXIT_OK
    if done is None:
        print(f"Wykresy i liczby: dane i deklaracje bez zmian → {settings.charts_dir}")
        return EXIT_OK
    tables, report = done
    for name, notes in tables.notes.items():
        print(f"  {tables.files[name].name}: ujednolicono ({', '.join(notes)})")
    print(
        f"Wykresy: wygenerowano {len(report.rendered)}, bez zmian {len(report.unchanged)} "
        f"→ {settings.charts_dir}"
    )
    return EXIT_OK


def cmd_build(settings: Settings, args: argparse.Namespace) -> int:
    from handbook.build.staging import exclusive

    # The whole command under the book's lock: its data stage, PDF and site are never mixed
    # with those of another build started at the same time.
    with exclusive(settings):
        return _build(settings, args)


def _build(settings: Settings, args: argparse.Namespace) -> int:
    from handbook.build.staging import build_pdf, build_site

    if args.druk and args.html:
        args.pdf = True  # the print edition is made from the PDF
    both = args.html == args.pdf  # neither or both: the whole book, published together
    if args.final:
        from handbook.authoring.checks import placeholders

        unfinished = _unfinished_chapters(settings)
        if unfinished:
            print("Wydanie ostateczne wstrzymane: te rozdziały nie mają statusu „gotowy”:", file=sys.stderr)
            for name, status in unfinished:
                print(f"  handbook/{name}.md: status „{status}”", file=sys.stderr)
            return EXIT_PROBLEMS
        left = [
            f
            for f in placeholders(settings)
            if "czeka na uzupełnienie" in f.message or "zastępczy" in f.message
        ]
        if left:
            print(
                "Wydanie ostateczne wstrzymane: w ustawieniach zostały pola do uzupełnienia:", file=sys.stderr
            )
            for finding in left:
                print(f"  {finding.format(settings.root)}", file=sys.stderr)
            return EXIT_PROBLEMS
    cmd_charts(settings, args)
    if both:
        return _build_both(settings, args)
    if args.pdf:
        what = "PDF razem (Sphinx + Typst)" + (" i wydanie dla drukarni" if args.druk else "")
        with stage(what, args.quiet):
            result = build_pdf(settings, echo=True, press=args.druk)
        if not result.ok:
            return _failed("PDF", result.warnings, [settings.pdf_file, *_press_output(settings, args)])
        _pdf_times(result, args)
        if not args.quiet:
            print(f"PDF gotowy: {result.outdir}")
            _press_report(result, settings)
    if args.html:
        with stage("strona HTML (Sphinx)", args.quiet):
            result = build_site(settings, "html", echo=True)
        if not result.ok:
            return _failed("strony", result.warnings, [result.outdir])
        if not args.quiet:
            print(f"Strona gotowa: {result.outdir / 'index.html'}")
    return EXIT_OK


def _build_both(settings: Settings, args: argparse.Namespace) -> int:
    """The PDF and the site built apart, published together: a refusal of either keeps both."""
    from handbook.build.staging import staged

    outputs = [settings.html_dir, settings.pdf_file, *_press_output(settings, args)]
    with staged(settings) as book:
        # Without the print edition, which is made from the PDF, Typst compiles while the site
        # is built: the two processors work at once.
        what = "PDF razem (Sphinx + Typst)" if args.druk else "PDF: źródło Typst (kompilacja w tle)"
        with stage(what, args.quiet):
            pdf = book.build("typst", echo=True, compile_later=not args.druk)
        if not pdf.ok:
            return _failed("PDF", pdf.warnings, outputs)
        if args.druk:
            _pdf_times(pdf, args)
            with stage("wydanie dla drukarni", args.quiet):
                press = book.build_print(echo=True)
            if not press.ok:
                return _failed("wydania dla drukarni", press.warnings, outputs)
        # The site after the PDF: it offers the freshly built book for download.
        with stage("strona HTML (Sphinx)", args.quiet):
            site = book.build("html", echo=True)
        if not args.druk:
            pdf = book.finish_pdf() or pdf
            if not pdf.ok:
                return _failed("PDF", pdf.warnings, outputs)
            if not args.quiet:  # the compile ran alongside the site: its own time
                print(f"  PDF: kompilacja Typst w tle {pdf.timings.get('typst_compile', 0):.2f} s")
        if not site.ok:
            return _failed("strony", site.warnings, outputs)
        book.publish()
    if not args.quiet:
        print(f"PDF gotowy: {settings.pdf_file}")
        print(f"Strona gotowa: {settings.html_dir / 'index.html'}")
        if args.druk:
            _press_report(press, settings)
    return EXIT_OK


def _press_output(settings: Settings, args: argparse.Namespace) -> list[Path]:
    return [settings.press_dir] if args.druk else []


def _press_report(result: BuildResult, settings: Settings) -> None:
    """What the print shop gets: the files, the page count and the spine computed from it."""
    from handbook.pdf.druk import SPINE_TEXT_MIN_MM, millimetres, pages_text, spine_formula

    edition = result.edition
    if edition is None:
        return
    on_spine = (
        "z tytułem na grzbiecie"
        if edition.spine_text
        else f"bez napisu na grzbiecie (węższym niż {millimetres(SPINE_TEXT_MIN_MM)})"
    )
    print(f"Wydanie dla drukarni gotowe: {settings.press_dir}")
    print(f"  środek: {edition.interior.name}, {pages_text(edition)}")
    print(f"  okładka: {edition.cover.name}, {on_spine}")
    print(f"  grzbiet: {spine_formula(edition, settings.press)}")
    print(f"  dla drukarni: {edition.note.name}")


def _pdf_times(result: BuildResult, args: argparse.Namespace) -> None:
    if not args.quiet:
        print(
            f"  w tym: źródło Typst {result.timings.get('typst_source', 0):.2f} s, "
            f"kompilacja Typst {result.timings.get('typst_compile', 0):.2f} s"
        )


def _unfinished_chapters(settings: Settings) -> list[tuple[str, str]]:
    import yaml

    from handbook.declared import read_text
    from handbook.sphinxext.frontmatter import find_block

    result = []
    for path in sorted(settings.source_dir.glob("*.md")):
        block = find_block(read_text(path, "rozdział"))
        if block is None:
            continue
        try:
            data = yaml.safe_load(block.text)
        except yaml.YAMLError:
            continue  # the build itself reports a broken front matter at its line
        status = data.get("status") if isinstance(data, dict) else None
        if status is not None and status != "gotowy":
            result.append((path.stem, str(status)))
    return result


def problems(warnings: tuple[str, ...]) -> int:
    """How many problems the lines say: a problem's further lines are indented under it."""
    return sum(1 for line in warnings if not line.startswith(" "))


def _failed(what: str, warnings: tuple[str, ...], outputs: list[Path]) -> int:
    kept = " i ".join(str(output) for output in outputs)
    which = "Poprzednia wersja" if len(outputs) == 1 else "Poprzednie wersje"
    left = "pozostała" if len(outputs) == 1 else "pozostały"
    print(
        f"\nBudowanie {what} przerwane: {fmt.count(problems(warnings), PROBLEMS)} powyżej. "
        f"{which} ({kept}) {left} bez zmian.",
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

    try:
        cmd_charts(settings, args)
        serve(settings, args.port)  # returns when the server is stopped: it handles Ctrl+C itself
    except KeyboardInterrupt:  # stopped before the server started
        pass
    _say("\nPodgląd zatrzymany.")
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
                "--druk",
                action="store_true",
                help="także wydanie dla drukarni w _build/druk: środek ze spadami i znacznikami cięcia "
                "oraz okładka z grzbietem",
            )
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
    if argv is None:
        # Run as the command, not called by a test: it ends when whatever started it ends (a
        # killed `make`, a closed terminal) instead of building on unseen. Under `nohup`
        # SIGHUP is ignored, and so is this.
        die_with_parent(signal.SIGHUP)
    if _COMMAND and signal.getsignal(signal.SIGINT) is _early_stop:
        if _early_stops:  # Ctrl+C while loading, and the exception lost on the way
            _say("\nPrzerwano.")
            _leave(128 + _early_stops[0])
        signal.signal(signal.SIGINT, signal.default_int_handler)
    args = parser().parse_args(argv)
    try:
        with stopping_cleanly() as received:
            code = _run(args)
            if received and code <= 128 and args.func in (cmd_build, cmd_charts):
                # The stop was swallowed on the way (see stopping_cleanly): it still stops. (The
                # preview ends on a stop as its normal end, and says so itself.)
                code = _stopped(Stopped(received[0]), args)
    finally:
        if argv is None and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            # The work is done and said: Ctrl+C from now on ends the process as SIGTERM and
            # SIGHUP do, without the traceback Python prints outside main().
            signal.signal(signal.SIGINT, signal.SIG_DFL)
    if argv is None and code > 128:
        # Stopped, cleaned up and said. Python would turn the exit code into its own death by
        # SIGINT if the interrupt once passed through C code that runs Python (a Cython
        # module's import does): the code 128+N is given here, as promised.
        _leave(code)
    return code


def _run(args: argparse.Namespace) -> int:
    try:
        if not getattr(args, "needs_settings", True):
            return int(args.func(None, args))
        from handbook.settings import load_settings  # pydantic: loaded only when needed

        settings = load_settings(args.katalog)
        return int(args.func(settings, args))
    except HandbookError as error:
        print(f"Błąd: {error.relative_to(args.katalog.resolve())}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt as stop:
        return _stopped(stop, args)
    except BrokenPipeError:  # `handbook liczby | head`: the reader left, nothing is wrong
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except Exception as error:
        stop = _interrupt_behind(error)
        if stop is not None:
            return _stopped(stop, args)
        if isinstance(error, OSError):
            return _os_error(error, args)
        raise


def _interrupt_behind(error: BaseException) -> KeyboardInterrupt | None:
    """The interrupt a library turned into another error on its way out, if any.

    Ctrl+C while matplotlib's C extension initialises surfaces as "ImportError: initialization
    failed"; a `finally` that reads a variable the interrupt left unset (Sphinx's docutils.conf
    patch) as UnboundLocalError. Either way the command was stopped, not broken.
    """
    seen: BaseException | None = error
    visited: set[int] = set()
    while seen is not None and id(seen) not in visited:  # a chain may loop back on itself
        if isinstance(seen, KeyboardInterrupt):
            return seen
        visited.add(id(seen))
        seen = seen.__cause__ or seen.__context__
    return None


def _os_error(error: OSError, args: argparse.Namespace) -> int:
    # Rust libraries (Typst) give no errno, only "… (os error 28)" in the text.
    number = error.errno if error.errno in DISK_PROBLEMS else disk_problem(str(error))
    if number is None:
        raise error
    where = ""
    if error.filename:
        path, root = Path(error.filename).resolve(), args.katalog.resolve()
        where = f"{path.relative_to(root) if path.is_relative_to(root) else path}: "
    # Missing rights may be a read's too: said in general, not only of writing.
    cause = (
        RIGHTS
        if number in (errno.EACCES, errno.EPERM)
        else (f"nie można zapisać plików podręcznika: {DISK_PROBLEMS[number]}")
    )
    print(f"Błąd: {where}{cause}. Poprzednie wyniki budowania pozostały bez zmian.", file=sys.stderr)
    return EXIT_PROBLEMS


def _stopped(stop: KeyboardInterrupt, args: argparse.Namespace) -> int:
    """Say what stopped the command and what it left; the exit code tells the shell the signal."""
    signum = stop.signum if isinstance(stop, Stopped) else signal.SIGINT
    message = f"\nPrzerwano ({STOP_CAUSES.get(signum, signal.Signals(signum).name)})."
    if args.func in (cmd_build, cmd_charts):
        message += (
            " W folderze _build została ostatnia kompletna wersja podręcznika: "
            "poprzednia albo ta właśnie zbudowana, nigdy ich mieszanina."
        )
    _say(message)
    return 128 + signum


def _say(message: str) -> None:
    """Print to stderr, which may be a terminal that is already closed (SIGHUP)."""
    with suppress(OSError):
        print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
