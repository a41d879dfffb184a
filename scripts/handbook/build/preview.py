"""``handbook podglad``: sphinx-autobuild's server and live reload, with an in-process rebuild.

sphinx-autobuild starts a new ``python -m sphinx`` for every change, which spends most of its
time importing Sphinx, MyST, the theme and our extensions again. Here the modules are imported
once; each rebuild runs in a process forked from this one, so an edited chapter appears in the
browser about a second after it is saved. A saved CSV, Data Package, settings or chart/number
declaration runs the data stage first, so a chart being declared shows as it is written. A
rebuild waits for a `buduj` or `make` of the same book (the build lock), and no rebuild outlives
the preview, however the preview ends.

After each refresh of the pages the PDF is rebuilt in the background (``PreviewPdf``), one build
at a time: a save during a PDF build queues one more. The pages link to the newest PDF that
built cleanly, served from the preview's own folder; the link says when it is being rebuilt or
when the last build failed (and the console says why).
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import watchfiles
from sphinx_autobuild.server import RebuildServer

from handbook.errors import HandbookError
from handbook.processes import die_with_parent, stopping_cleanly
from handbook.settings import Settings
from handbook.site.html import PDF_FOLDER

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Fork, whatever the platform's default: the child starts with Sphinx and the extensions imported.
_FORK = multiprocessing.get_context("fork")


class InProcessBuilder:
    """The change callback sphinx-autobuild calls: an incremental Sphinx build, in Polish."""

    def __init__(self, settings: Settings, outdir: Path) -> None:
        self.settings = settings
        self.outdir = outdir

    def __call__(self, *, changed_paths: Sequence[Path]) -> None:
        from handbook.build.staging import Warnings, exclusive, run_sphinx

        start = time.perf_counter()
        names = ", ".join(p.name for p in changed_paths[:5])
        if names:
            print(f"Zmiana: {names} – odświeżam podgląd…", flush=True)
        # The data stage's folder is shared with `buduj` and `make`: never written by two.
        with exclusive(self.settings):
            if self._data_changed(changed_paths) and not self._data_stage():
                return  # the message is printed; the preview keeps its last good pages
            doctrees = self.settings.build_dir / ".preview-doctrees"
            # Sphinx's warnings as `buduj` says them: in Polish, each once.
            warnings = Warnings(sys.stderr, self.settings.root)
            # Always the link to the preview's own PDF (PreviewPdf), so its state never rewrites pages.
            link = {"handbook_pdf_link": pdf_link(self.settings)}
            run_sphinx(self.settings, "html", self.outdir, doctrees, warnings, link)
        print(f"Podgląd gotowy ({time.perf_counter() - start:.1f} s).", flush=True)

    def _data_changed(self, paths: Sequence[Path]) -> bool:
        folders = (self.settings.conf_dir, self.settings.data_dir)
        return any(Path(p).resolve().is_relative_to(folder) for p in paths for folder in folders)

    def _data_stage(self) -> bool:
        """Charts and numbers again from the saved files; False (with a message) if they are wrong."""
        from handbook.pipeline import prepare_data
        from handbook.settings import load_settings

        try:
            self.settings = load_settings(self.settings.root)
            prepare_data(self.settings)
        except HandbookError as error:
            print(f"Błąd: {error.relative_to(self.settings.root)}", file=sys.stderr, flush=True)
            print("Podgląd pokazuje ostatnią poprawną wersję.", file=sys.stderr, flush=True)
            return False
        return True


def pdf_link(settings: Settings) -> str:
    """Where the preview's pages find its PDF, as the published site has it."""
    return f"{PDF_FOLDER}/{settings.pdf_file.name}"


class PreviewPdf:
    """The preview's PDF, rebuilt in a forked child after each refresh of the pages.

    Never two builds at once: a request during a build is remembered, and one more build starts
    when it ends, from the files as they are then. A build that fails leaves the last good PDF
    in place. The pages are reloaded when a build ends, so their link shows the new state.
    """

    # The link's title while the PDF is rebuilt or after a failure; nothing when it is fresh.
    BUILDING = "PDF jest właśnie budowany; do tego czasu link prowadzi do poprzedniej wersji."
    FAILED = "PDF nie zbudował się (błędy w konsoli podglądu); link prowadzi do ostatniej poprawnej wersji."
    # What the console says after a failure, below the build's own messages.
    FAILED_LINE = "PDF: błąd – podgląd nadal udostępnia ostatni poprawny PDF."
    # Added to the link's text in those two states.
    NOTES = {BUILDING: " (budowanie…)", FAILED: " (ostatnia poprawna wersja)"}

    def __init__(self, settings: Settings, site: Path) -> None:
        self.settings = settings
        self.site = site
        self.status = ""
        self._wanted = asyncio.Event()

    def request(self) -> None:
        self._wanted.set()

    async def run(self, reload: Callable[[], None]) -> None:
        """Build whenever asked, one build at a time, until cancelled with the preview."""
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            self.status = self.BUILDING
            print("PDF: odświeżam w tle…", flush=True)
            start = time.perf_counter()
            child = _FORK.Process(target=_pdf_child, args=(self.settings.root, self.site), daemon=True)
            child.start()
            try:
                await asyncio.to_thread(child.join)
            finally:
                _stop(child)
            if child.exitcode == 0:
                self.status = ""
                print(
                    f"PDF gotowy ({time.perf_counter() - start:.1f} s): /{pdf_link(self.settings)}",
                    flush=True,
                )
            else:
                self.status = self.FAILED
                print(self.FAILED_LINE, file=sys.stderr, flush=True)
            reload()

    def script(self) -> bytes:
        """For each page served: the PDF link's title and text in the current state."""
        if not self.status:
            return b""
        state = json.dumps({"tytul": self.status, "dopisek": self.NOTES[self.status]}, ensure_ascii=False)
        return (
            "<script>(function(){var s=" + state + ';document.querySelectorAll("a[download]").forEach('
            'function(a){if(!/\\.pdf$/.test(a.getAttribute("href")))return;a.title=s.tytul;'
            "a.appendChild(document.createTextNode(s.dopisek))})})();</script>"
        ).encode("utf-8")


def _pdf_child(root: Path, site: Path) -> None:
    """One PDF build, in the forked child: exit code 0 when the preview got a new PDF."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.nice(10)  # a refresh of the pages during the build gets the processor first
    from sphinx.errors import SphinxError

    with stopping_cleanly():
        try:
            ok = _build_pdf(root, site)
        except KeyboardInterrupt:
            ok = False
        except (HandbookError, SphinxError) as error:  # settings, a broken template or configuration
            print(f"Błąd: {error}", file=sys.stderr, flush=True)
            ok = False
    sys.exit(0 if ok else 1)


def _build_pdf(root: Path, site: Path) -> bool:
    """The PDF from the files as saved now, into the preview's site only if it built cleanly."""
    from handbook.build.staging import Warnings, run_sphinx
    from handbook.settings import load_settings

    settings = load_settings(root)
    work = settings.build_dir / ".preview-pdf"
    out = work / "typst"
    # Its own doctrees: the pages' rebuild may run at the same time. A build continues from a
    # copy, kept only if the build is clean, as `buduj` does: Sphinx saves the doctree of a
    # chapter it warned about, and the next build would take that chapter as read and say nothing.
    doctrees, trial = work / "doctrees", work / "doctrees.proba"
    shutil.rmtree(trial, ignore_errors=True)
    if doctrees.exists():
        shutil.copytree(doctrees, trial, copy_function=shutil.copy2)
    warnings = Warnings(sys.stderr, settings.root)
    status = run_sphinx(settings, "typst", out, trial, warnings)
    built = out / settings.pdf_file.name
    if status != 0 or warnings.getvalue().strip() or not built.exists():
        shutil.rmtree(trial, ignore_errors=True)
        return False
    shutil.rmtree(doctrees, ignore_errors=True)
    trial.rename(doctrees)
    target = site / pdf_link(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Renamed over the old one: the server sends the old PDF or the new one, never a part.
    partial = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(built, partial)
    os.replace(partial, target)
    return True


class _PdfStatus:
    """Middleware: the PDF link of every served page says what state the preview's PDF is in."""

    def __init__(self, app: ASGIApp, pdf: PreviewPdf) -> None:
        self.app = app
        self.pdf = pdf

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        script = b""

        async def send_with_status(message: Message) -> None:
            nonlocal script
            from starlette.datastructures import MutableHeaders

            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("Content-Type", "").startswith("text/html"):
                    script = self.pdf.script()
                    if script and "Content-Length" in headers:
                        headers["Content-Length"] = str(int(headers["Content-Length"]) + len(script))
            elif message["type"] == "http.response.body" and script and not message.get("more_body", False):
                message["body"] += script
            await send(message)

        await self.app(scope, receive, send_with_status)


class _Rebuilds(RebuildServer):
    """sphinx-autobuild's watcher, with each rebuild in a child forked from the preview.

    The library forks a process pool for every change, waits for it when the preview stops
    during a rebuild, and nothing ends the pool's processes when the preview is killed. Here
    a stopping preview stops its child, and a killed one takes it along (``die_with_parent``).
    """

    def __init__(self, *args: object, pdf: PreviewPdf, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.pdf = pdf

    async def watch(self) -> None:
        pdf = asyncio.create_task(self.pdf.run(reload=self.flag.set))
        try:
            async for changes in watchfiles.awatch(*self.paths, watch_filter=lambda _, p: not self.ignore(p)):
                changed = [Path(path).resolve() for _, path in changes]
                child = _FORK.Process(target=_rebuild, args=(self.change_callback, changed), daemon=True)
                child.start()
                try:
                    await asyncio.to_thread(child.join)
                finally:
                    _stop(child)
                self.flag.set()
                self.pdf.request()  # after the pages: the PDF never delays them
        finally:
            pdf.cancel()
            await asyncio.gather(pdf, return_exceptions=True)


def _rebuild(callback: Callable[..., None], changed_paths: list[Path]) -> None:
    """One rebuild, in the forked child."""
    die_with_parent()
    # The child inherits the server's handlers, which only tell the server to stop.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with stopping_cleanly():
        try:
            callback(changed_paths=changed_paths)
        except KeyboardInterrupt:
            pass  # the preview is stopping and says so
        except HandbookError as error:  # e.g. a read-only _build
            print(f"Błąd: {error}", file=sys.stderr, flush=True)


def _stop(child: multiprocessing.process.BaseProcess) -> None:
    if child.is_alive():
        child.terminate()  # SIGTERM: the rebuild unwinds, the build lock is released
        child.join(timeout=10)
    if child.is_alive():
        child.kill()
    child.join()


def serve(settings: Settings, port: int) -> None:
    import myst_parser.sphinx_  # noqa: F401
    import sphinx_book_theme  # noqa: F401
    import uvicorn
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    import handbook.extension  # noqa: F401 - loaded once, inherited by every rebuild

    # watchfiles reports every change in English at INFO; the preview says it in Polish.
    logging.getLogger("watchfiles").setLevel(logging.WARNING)
    outdir = settings.build_dir / "preview"
    outdir.mkdir(parents=True, exist_ok=True)
    builder = InProcessBuilder(settings, outdir)
    builder(changed_paths=())
    url_host = f"127.0.0.1:{port}"
    pdf = PreviewPdf(settings, outdir)
    pdf.request()  # the first one, as soon as the server runs
    watcher = _Rebuilds(
        [settings.source_dir, settings.charts_dir, settings.conf_dir, settings.data_dir],
        IgnoreFilter([outdir, settings.build_dir / ".preview-doctrees"], []),
        change_callback=builder,
        pdf=pdf,
    )
    app = Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=StaticFiles(directory=outdir, html=True), name="static"),
        ],
        middleware=[
            Middleware(JavascriptInjectorMiddleware, ws_url=url_host),
            Middleware(_PdfStatus, pdf=pdf),
        ],
        lifespan=watcher.lifespan,
    )
    print(f"Podgląd: http://{url_host}/ (zatrzymaj: Ctrl+C)", flush=True)
    # uvicorn stops gracefully (its rebuild child too) on SIGINT and SIGTERM; a closed terminal
    # or an ended parent (SIGHUP) asks the same. Ignored SIGHUP (nohup) stays ignored.
    hangup = signal.getsignal(signal.SIGHUP)
    if hangup is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, lambda signum, frame: signal.raise_signal(signal.SIGTERM))
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    finally:
        if hangup is not signal.SIG_IGN:
            signal.signal(signal.SIGHUP, signal.SIG_DFL if hangup is None else hangup)
