"""``handbook podglad``: sphinx-autobuild's server and live reload, with an in-process rebuild.

sphinx-autobuild starts a new ``python -m sphinx`` for every change, which spends most of its
time importing Sphinx, MyST, the theme and our extensions again. Here the modules are imported
once; each rebuild runs in a process forked from this one, so an edited chapter appears in the
browser about a second after it is saved. A saved CSV, Data Package, settings or chart/number
declaration runs the data stage first, so a chart being declared shows as it is written. A
rebuild waits for a `buduj` or `make` of the same book (the build lock), and no rebuild outlives
the preview, however the preview ends.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import watchfiles
from sphinx_autobuild.server import RebuildServer

from handbook.errors import HandbookError
from handbook.processes import die_with_parent, stopping_cleanly
from handbook.settings import Settings

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
            run_sphinx(self.settings, "html", self.outdir, doctrees, Warnings(sys.stderr, self.settings.root))
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


class _Rebuilds(RebuildServer):
    """sphinx-autobuild's watcher, with each rebuild in a child forked from the preview.

    The library forks a process pool for every change, waits for it when the preview stops
    during a rebuild, and nothing ends the pool's processes when the preview is killed. Here
    a stopping preview stops its child, and a killed one takes it along (``die_with_parent``).
    """

    async def watch(self) -> None:
        async for changes in watchfiles.awatch(*self.paths, watch_filter=lambda _, p: not self.ignore(p)):
            changed = [Path(path).resolve() for _, path in changes]
            child = _FORK.Process(target=_rebuild, args=(self.change_callback, changed), daemon=True)
            child.start()
            try:
                await asyncio.to_thread(child.join)
            finally:
                _stop(child)
            self.flag.set()


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
    watcher = _Rebuilds(
        [settings.source_dir, settings.charts_dir, settings.conf_dir, settings.data_dir],
        IgnoreFilter([outdir, settings.build_dir / ".preview-doctrees"], []),
        change_callback=builder,
    )
    app = Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=StaticFiles(directory=outdir, html=True), name="static"),
        ],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=url_host)],
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
