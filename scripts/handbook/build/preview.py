"""``handbook podglad``: sphinx-autobuild's server and live reload, with an in-process rebuild.

sphinx-autobuild starts a new ``python -m sphinx`` for every change, which spends most of its
time importing Sphinx, MyST, the theme and our extensions again. Here the modules are imported
once; each rebuild runs in a process forked from this one (sphinx-autobuild's own process pool),
so an edited chapter appears in the browser about a second after it is saved. A saved CSV,
Data Package, settings or chart/number declaration runs the data stage first, so a chart
being declared shows as it is written.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from handbook.settings import Settings


class InProcessBuilder:
    """The change callback sphinx-autobuild calls: an incremental Sphinx build, in Polish."""

    def __init__(self, settings: Settings, outdir: Path) -> None:
        self.settings = settings
        self.outdir = outdir

    def __call__(self, *, changed_paths: Sequence[Path]) -> None:
        from handbook.build.staging import run_sphinx

        start = time.perf_counter()
        names = ", ".join(p.name for p in changed_paths[:5])
        if names:
            print(f"Zmiana: {names} – odświeżam podgląd…", flush=True)
        if self._data_changed(changed_paths) and not self._data_stage():
            return  # the message is printed; the preview keeps its last good pages
        doctrees = self.settings.build_dir / ".preview-doctrees"
        run_sphinx(self.settings, "html", self.outdir, doctrees, sys.stderr)
        print(f"Podgląd gotowy ({time.perf_counter() - start:.1f} s).", flush=True)

    def _data_changed(self, paths: Sequence[Path]) -> bool:
        folders = (self.settings.conf_dir, self.settings.data_dir)
        return any(Path(p).resolve().is_relative_to(folder) for p in paths for folder in folders)

    def _data_stage(self) -> bool:
        """Charts and numbers again from the saved files; False (with a message) if they are wrong."""
        from handbook.errors import HandbookError
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


def serve(settings: Settings, port: int) -> None:
    import myst_parser.sphinx_  # noqa: F401
    import sphinx_book_theme  # noqa: F401
    import uvicorn
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from sphinx_autobuild.server import RebuildServer
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    import handbook.extension  # noqa: F401 - loaded once, inherited by every rebuild

    outdir = settings.build_dir / "preview"
    outdir.mkdir(parents=True, exist_ok=True)
    builder = InProcessBuilder(settings, outdir)
    builder(changed_paths=())
    url_host = f"127.0.0.1:{port}"
    watcher = RebuildServer(
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
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
