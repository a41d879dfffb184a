"""Build in a staging folder and publish the result in one step, only if it is free of warnings."""

from __future__ import annotations

import ctypes
import fcntl
import io
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from handbook.build.messages import DISK_ERRNOS, LINE, disk_problem, translate
from handbook.errors import HandbookError, Problem
from handbook.processes import signals_held, stops_received
from handbook.settings import Settings
from handbook.site.html import PDF_FOLDER
from handbook.site.search import BUNDLE

if TYPE_CHECKING:
    from handbook.pdf.builder import PendingCompile
    from handbook.pdf.druk import PrintEdition

# conf.py and docutils.conf (Polish quotation marks) are the engine's, the same for every book.
ENGINE_CONF_DIR = Path(__file__).resolve().parent
# How the engine's conf.py learns which book it configures.
ROOT_VARIABLE = "HANDBOOK_ROOT"
# Inside the book's _build: where a build is made before it is published, and the build lock.
STAGING = ".staging"
LOCK = ".lock"
WAITING = "Czekam, aż skończy się inne budowanie tego podręcznika"
# Folders of _build a build writes into or replaces.
OUTPUT_FOLDERS = ("html", "pdf", "typst", "charts", ".doctrees", "druk")

# renameat2(2) with RENAME_EXCHANGE swaps two paths in one step; Python's os module lacks it.
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
if _renameat2 is not None:
    _renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]

# Books whose build lock this process holds, with the depth: `buduj` holds it for the whole
# command and build_site takes it again inside. A forked child (a preview rebuild) holds none.
_held: dict[Path, int] = {}
os.register_at_fork(after_in_child=_held.clear)


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    warnings: tuple[str, ...]
    outdir: Path
    timings: dict[str, float] = field(default_factory=dict)
    # The print-shop edition, when `buduj --druk` made one.
    edition: PrintEdition | None = None


class Warnings(io.StringIO):
    """Collect Sphinx's warnings in Polish and show each as it happens."""

    def __init__(self, echo: TextIO | None, root: Path) -> None:
        super().__init__()
        self._echo = echo
        self._root = f"{root}/"
        self._said: set[str] = set()
        # A write of the build failed for want of space or rights: the staging folder goes.
        self.disk_problem = False

    def write(self, text: str) -> int:
        lines = []
        for number, line in enumerate(text.splitlines()):
            if not line.strip():
                continue
            self.disk_problem = self.disk_problem or disk_problem(line) is not None
            # Paths relative to the project root: "handbook/03-....md:12: ..." is what authors open.
            polish_line = translate(line).replace(self._root, "", 1)
            if number and not LINE.match(line) and not polish_line.startswith(" "):
                # A warning's further lines (its cause, the text it quotes) are indented under it:
                # one problem, however many lines.
                polish_line = "  " + polish_line
            # A full disk fails every file the same way: said once.
            if polish_line not in self._said:
                self._said.add(polish_line)
                lines.append(polish_line)
        polish = "".join(line + "\n" for line in lines)
        if self._echo is not None:
            self._echo.write(polish)
        return super().write(polish)


def _unwritable(settings: Settings, folder: Path) -> HandbookError:
    build = _shown(settings, settings.build_dir)
    return HandbookError(
        "Nie można zapisać wyników budowania.",
        [
            Problem(
                folder,
                "folder jest tylko do odczytu (brak uprawnień do zapisu albo dysk tylko do odczytu). "
                f"Nadaj uprawnienia do zapisu (np. chmod -R u+w {build}) albo usuń folder {build}: "
                "następne budowanie utworzy go od nowa. Poprzednie wyniki pozostały bez zmian.",
            )
        ],
    )


def _not_a_folder(settings: Settings, path: Path) -> HandbookError:
    shown = _shown(settings, path)
    return HandbookError(
        "Nie można zapisać wyników budowania.",
        [
            Problem(
                path,
                f"to plik, a nie folder: wyniki budowania trafiają do folderu o tej nazwie. Usuń ten "
                f"plik albo zmień jego nazwę (np. mv {shown} {shown}.bak) i zbuduj ponownie.",
            )
        ],
    )


def _shown(settings: Settings, path: Path) -> Path:
    return path.relative_to(settings.root) if path.is_relative_to(settings.root) else path


def _check_writable(settings: Settings) -> None:
    """Stop before any work if the output folder cannot be written, naming the folder."""
    build = settings.build_dir
    for folder in (build, *(build / name for name in OUTPUT_FOLDERS)):
        if (folder.exists() or folder.is_symlink()) and not folder.is_dir():
            raise _not_a_folder(settings, folder)
    try:
        build.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise HandbookError(
            "Nie można zapisać wyników budowania.",
            [
                Problem(
                    build,
                    "nie można utworzyć tego folderu: folder podręcznika jest tylko do odczytu. "
                    f"Nadaj uprawnienia do zapisu (np. chmod u+w {settings.root}) albo skopiuj "
                    "podręcznik do folderu z prawem zapisu.",
                )
            ],
        ) from None
    # The folders a build replaces or writes into; a file in them may be read-only (it is
    # replaced, not written), a folder may not.
    folders = [build, *(p for p in build.iterdir() if p.is_dir() and not p.is_symlink())]
    for folder in folders:
        if not os.access(folder, os.W_OK):
            raise _unwritable(settings, folder)


@contextmanager
def exclusive(settings: Settings) -> Iterator[None]:
    """One build of a book at a time: another one (a terminal, `make`, the preview) waits and says so.

    Taken by every command that writes into ``_build``, for the whole command, so that the data
    stage, the PDF and the site of one command are never mixed with another's.
    """
    lock_file = settings.build_dir / LOCK
    if _held.get(lock_file):
        _held[lock_file] += 1
        try:
            yield
        finally:
            _held[lock_file] -= 1
        return
    _check_writable(settings)
    with lock_file.open("a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip()
            by = f" (proces {holder})" if holder.isdigit() else ""
            print(f"{WAITING}{by}…", file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        # Who holds the lock, for the message of the one that waits.
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        _held[lock_file] = 1
        try:
            yield
        finally:
            del _held[lock_file]
            lock.truncate(0)
            # Closing the file releases the lock; so does the end of the process, however it ends.


def build_site(settings: Settings, builder: str = "html", echo: bool = True) -> BuildResult:
    """Build the site (or another Sphinx output) and publish it only if it built cleanly."""
    with staged(settings) as book:
        result = book.build(builder, echo)
        if result.ok:
            book.publish()
        return result


def build_pdf(settings: Settings, echo: bool = True, press: bool = False) -> BuildResult:
    """Build the Typst book and publish ``_build/pdf/<name>.pdf`` only if it compiled cleanly.

    With *press*, also the print-shop edition made from it (``_build/druk``), published with it
    or, if it fails, neither.
    """
    with staged(settings) as book:
        result = book.build("typst", echo)
        if result.ok and press:
            edition = book.build_print(echo)
            result = replace(result, edition=edition.edition) if edition.ok else edition
        if result.ok:
            book.publish()
        return result


@contextmanager
def staged(settings: Settings) -> Iterator[Staged]:
    """Several outputs built in one staging folder and published together, or none of them.

    ``handbook buduj`` builds the PDF and the site this way: an input either builder refuses
    leaves both published outputs as they were.
    """
    with exclusive(settings), _staging(settings) as folder:
        book = Staged(settings, folder)
        try:
            yield book
        except OSError as error:
            if error.errno in DISK_ERRNOS:  # the space the failed build took is given back
                _clear(settings, folder)
            raise
        if book.disk_problem and not book.published:
            _clear(settings, folder)
        # On any other failure the staging copy stays for inspection (the Typst source named
        # in a message); the next build starts by removing it.


class Staged:
    """The builds of one command in the staging folder, before they are published."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        self.settings = settings
        self.folder = folder
        self.built: list[str] = []
        self.disk_problem = False
        self.published = False
        # A PDF compiling in the background (``build(..., compile_later=True)``), its warnings
        # and Sphinx's status; then the PDF's result once :meth:`finish_pdf` has it.
        self._pending: tuple[PendingCompile, Warnings, int] | None = None
        self._pdf_result: BuildResult | None = None

    def build(self, builder: str, echo: bool = True, compile_later: bool = False) -> BuildResult:
        """Build with *builder* into staging; published only by :meth:`publish`.

        With *compile_later* (the PDF, when the site is built next), Typst compiles in a thread
        while the site is built: the result says whether the PDF's source was made cleanly, and
        :meth:`finish_pdf` gives the PDF's own result when the compile has ended. A source with
        problems waits for the compile, so that Typst's own problems come in the same run.

        Sphinx does not repeat a warning for a document it does not re-read, so a failed build's
        environment must never be reused: the doctrees are copied into staging and published
        together with the output only after a clean build. Builders run one after another in
        one staging folder continue from each other's doctrees.

        The site starts as a copy of the published one. Sphinx reads only the chapters that
        changed, and writes only their pages unless something a page shows of other documents
        changed (a title, a number, a label…: ``site/incremental.py``); then the folder is
        emptied and every page written. Either way an incremental build gives the files of a
        clean one: no page, image, download or search entry of a source that is gone, every
        page with the current navigation, PDF link and date, a sitemap of every page.
        """
        from sphinx.errors import SphinxError  # heavy import, only when building

        settings = self.settings
        final = settings.pdf_file if builder == "typst" else settings.build_dir / builder
        out, doctrees = self.folder / builder, self.folder / "doctrees"
        if not doctrees.exists() and settings.doctrees_dir.exists():
            _copy_tree(settings.doctrees_dir, doctrees)
        warnings = Warnings(sys.stderr if echo else None, settings.root)
        # The site links the PDF it offers: the one built with it here, not yet published.
        pdf = self._pdf()
        overrides = {
            "handbook_pdf_link": f"{PDF_FOLDER}/{pdf.name}" if pdf.exists() or self._pending else "",
            "handbook_clear_site": True,
        }
        published = settings.build_dir / builder
        if builder == "html" and published.is_dir() and not out.exists():
            # Times kept: Sphinx compares them with the sources'. Not the search index, made anew.
            _copy_tree(published, out, ignore=shutil.ignore_patterns(BUNDLE))
        try:
            own = overrides if builder == "html" else {"handbook_compile_later": compile_later}
            statuscode = run_sphinx(settings, builder, out, doctrees, warnings, own)
        except SphinxError as error:
            # A broken template or configuration: reported like any other problem, in Polish,
            # and the previous output stays.
            warnings.write(f"(konfiguracja): Sphinx przerwał budowanie: {error}\n")
            return BuildResult(False, (f"Sphinx przerwał budowanie: {error}",), final)
        finally:
            self.disk_problem = self.disk_problem or warnings.disk_problem
        if builder == "typst":
            from handbook.pdf.builder import PENDING

            job = PENDING.pop(out.resolve(), None)
            if job is not None:
                self._pending = (job, warnings, statuscode)
                if statuscode != 0 or warnings.getvalue().strip():
                    return self.finish_pdf()
                self.built.append(builder)  # the PDF the site offers, once it is compiled
                return BuildResult(True, (), final)
        if builder == "html" and statuscode == 0 and not warnings.getvalue().strip():
            self.finish_pdf()  # the site copies the PDF: it must be there
            _finish_site(settings, out, pdf, warnings)
            self.disk_problem = self.disk_problem or warnings.disk_problem
        lines = tuple(line for line in warnings.getvalue().splitlines() if line.strip())
        ok = statuscode == 0 and not lines
        timings: dict[str, float] = {}
        if ok and builder == "typst":
            from handbook.pdf.builder import TIMINGS

            timings = json.loads((out / TIMINGS).read_text(encoding="utf-8"))
        if ok:
            self.built.append(builder)
        return BuildResult(ok, lines, final, timings)

    def finish_pdf(self) -> BuildResult | None:
        """The PDF's result once its background compile has ended; None if none was started."""
        if self._pending is None:
            return self._pdf_result
        job, warnings, statuscode = self._pending
        self._pending = None
        compiled = job.finish()  # Typst's problems into the PDF build's warnings
        self.disk_problem = self.disk_problem or warnings.disk_problem
        lines = tuple(line for line in warnings.getvalue().splitlines() if line.strip())
        ok = compiled and statuscode == 0 and not lines
        timings: dict[str, float] = {}
        if ok:
            from handbook.pdf.builder import TIMINGS

            timings = json.loads((self.folder / "typst" / TIMINGS).read_text(encoding="utf-8"))
        elif "typst" in self.built:
            self.built.remove("typst")
        self._pdf_result = BuildResult(ok, lines, self.settings.pdf_file, timings)
        return self._pdf_result

    def build_print(self, echo: bool = True) -> BuildResult:
        """The print-shop edition from the PDF built here, into staging; published by :meth:`publish`."""
        from handbook.build.config import pdf_config
        from handbook.identity import identity
        from handbook.pdf.druk import make_print_edition, release_timestamp

        settings = self.settings
        if "typst" not in self.built:
            raise RuntimeError("the print edition is made from the PDF built in the same staging folder")
        data = pdf_config(settings, identity(settings))
        name = settings.press_dir.name
        try:
            edition = make_print_edition(
                self._pdf(),
                self.folder / name,
                self.folder / "okladka",
                data,
                settings.press,
                release_timestamp(data["data_wydania"]),
            )
        except HandbookError as error:
            message = f"(druk): {error}"
            if echo:
                print(message, file=sys.stderr)
            return BuildResult(False, (message,), settings.press_dir)
        self.built.append(name)
        return BuildResult(True, (), settings.press_dir, edition=edition)

    def _pdf(self) -> Path:
        """The book the site offers for download: the one built with it, or the published one."""
        if "typst" in self.built:
            return self.folder / "typst" / self.settings.pdf_file.name
        return self.settings.pdf_file

    def publish(self) -> None:
        """Put every output built here in place of the published one, all of them together.

        Each folder is exchanged in one step, and the PDF renamed over the old one, so a
        reader, a web server or an interrupted build finds the old version or the new one,
        never none and never a mix. Stopping signals wait until every step is done: the site,
        the doctrees it came from and the PDF it offers are published together.
        """
        if self._pending is not None:
            raise RuntimeError("publish() before the PDF's compile was finished (finish_pdf)")
        settings = self.settings
        swaps = {self.folder / builder: settings.build_dir / builder for builder in self.built}
        swaps[self.folder / "doctrees"] = settings.doctrees_dir
        pdf = None
        if "typst" in self.built:
            settings.pdf_dir.mkdir(parents=True, exist_ok=True)
            # Copied next to its place first (the same disk), then renamed over the old PDF.
            pdf = self.folder / settings.pdf_file.name
            shutil.copyfile(self._pdf(), pdf)
        with signals_held():
            for new, final in swaps.items():
                _exchange(new, final)
            if pdf is not None:
                os.replace(pdf, settings.pdf_file)
        self.published = True
        _clear(settings, self.folder)  # the previous versions, swapped out
        if pdf is not None:
            for stale in settings.pdf_dir.iterdir():  # exactly one PDF, even after a rename
                if stale.is_dir():
                    _clear(settings, stale)
                elif stale != settings.pdf_file:
                    stale.unlink()


class _CopyFailed(Exception):
    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


def _copy_file(source: str, target: str) -> object:
    try:
        return shutil.copy2(source, target)
    except OSError as error:
        if error.errno in DISK_ERRNOS:  # shutil names the file it read; the write is what failed
            error.filename, error.filename2 = target, None
        raise _CopyFailed(error) from error  # not collected by copytree: see _copy_tree


def _copy_tree(
    source: Path, target: Path, ignore: Callable[[str, list[str]], set[str]] | None = None
) -> None:
    """A folder copied with its files' times, a failed write raised as the OSError it was.

    ``shutil.copytree`` collects its files' errors into one ``shutil.Error`` without an errno,
    so a full disk would not be told from any other failure (and the staging folder, which
    takes the space, would stay).
    """
    try:
        shutil.copytree(source, target, symlinks=True, copy_function=_copy_file, ignore=ignore)
        return
    except _CopyFailed as failed:
        error = failed.error
    # Raised outside the handler: the OSError's context is not the wrapper (whose cause it is).
    raise error


@contextmanager
def _staging(settings: Settings) -> Iterator[Path]:
    """An empty staging folder; a build stopped by a signal clears it on its way out.

    Also when a library swallowed the interrupt on its way up (see ``stopping_cleanly``) and
    the build ended as a failure instead: a signal that arrived meanwhile is what counts.
    """
    staging = settings.build_dir / STAGING
    before = stops_received()
    try:
        _clear(settings, staging)
        staging.mkdir()
        yield staging
    except KeyboardInterrupt:
        _clear(settings, staging)
        raise
    finally:
        if stops_received() != before:
            with signals_held():
                _clear(settings, staging)


def run_sphinx(
    settings: Settings,
    builder: str,
    outdir: Path,
    doctrees: Path,
    warning: TextIO,
    overrides: dict[str, object] | None = None,
) -> int:
    """One incremental Sphinx build of the project; returns Sphinx's status code."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    # As sphinx-build does: docutils' global registries are restored afterwards, so several
    # builds can run in one process (the tests, a preview server).
    os.environ[ROOT_VARIABLE] = str(settings.root)
    with patch_docutils(str(ENGINE_CONF_DIR)), docutils_namespace():
        app = Sphinx(
            srcdir=settings.source_dir,
            confdir=ENGINE_CONF_DIR,
            outdir=outdir,
            doctreedir=doctrees,
            buildername=builder,
            status=None,
            warning=warning,
            freshenv=False,
            confoverrides=overrides,
        )
        app.build()
        return int(app.statuscode)


def _finish_site(settings: Settings, out: Path, pdf: Path, warnings: Warnings) -> None:
    """What the site needs beyond Sphinx: the search index and the printed book to download."""
    from handbook.site.search import index_site

    if pdf.exists():
        target = out / PDF_FOLDER
        target.mkdir(exist_ok=True)
        shutil.copyfile(pdf, target / settings.pdf_file.name)
    # Pagefind indexes the staged folder, which holds exactly the pages of this build.
    problem = index_site(out)
    if problem and disk_problem(f"Pagefind nie zbudował indeksu: {problem}") is not None:
        # Said once, in Polish, whatever else Pagefind printed about it.
        warnings.write(f"Pagefind nie zbudował indeksu: {' '.join(problem.split())}\n")
    elif problem:
        warnings.write(f"(wyszukiwarka): Pagefind nie zbudował indeksu: {problem}\n")


def _exchange(new: Path, final: Path) -> None:
    if not final.exists():
        new.rename(final)
        return
    paths = (os.fsencode(new), os.fsencode(final))
    if _renameat2 is not None and _renameat2(_AT_FDCWD, paths[0], _AT_FDCWD, paths[1], _RENAME_EXCHANGE) == 0:
        return
    # No exchange on this system (not Linux, or a filesystem without it): two renames, with
    # the folder missing for the moment between them.
    aside = new.with_name(new.name + ".old")
    final.rename(aside)
    new.rename(final)


def _clear(settings: Settings, folder: Path) -> None:
    """Remove *folder* completely: a leftover would mix an old build into the next one."""
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        pass
    except PermissionError as error:
        raise _unwritable(settings, Path(error.filename or folder).parent) from None
