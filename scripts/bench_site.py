"""Benchmark of the published site as a reader's phone gets it (`make bench`, after bench.py).

Builds a copy of the book (or takes an already built html folder with ``--site``), serves it
gzip-compressed from a sub-path of a local server (as a county's web server would), and for the
home page and the longest chapter page measures a first visit (fresh browser context, empty
cache) in Debian's Chromium through Playwright:

- bytes the server sent (compressed bodies; uncompressed in brackets) and the number of requests,
- render-blocking resources in <head> (stylesheets for the current media, classic scripts
  without async/defer),
- Lighthouse mobile scores (default mobile emulation and throttling), the median of ``--runs``.

Nothing is fetched from the internet: Lighthouse comes from node_modules (`npm ci`), Chromium
from Debian, and every request the pages make is checked to stay on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import http.server
import json
import mimetypes
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PREFIX = "/standardy/"
# Text worth compressing. Pagefind's index files (.pf_*, .pagefind) and fonts (woff2) are already
# compressed and are served as they are.
COMPRESS = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".map", ".inv"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CATEGORY_NAMES = {
    "performance": "Lighthouse: wydajność",
    "accessibility": "Lighthouse: dostępność",
    "best-practices": "Lighthouse: dobre praktyki",
    "seo": "Lighthouse: SEO",
}
METRICS = {
    "first-contentful-paint": "Lighthouse: FCP [s]",
    "largest-contentful-paint": "Lighthouse: LCP [s]",
    "total-blocking-time": "Lighthouse: TBT [ms]",
    "cumulative-layout-shift": "Lighthouse: CLS",
}
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]
# A render-blocking resource in <head>, as Chromium decides it for the initial render.
BLOCKING_JS = """() => {
    const blocking = [];
    for (const link of document.head.querySelectorAll('link[rel~="stylesheet"]')) {
        if (link.disabled || (link.media && !matchMedia(link.media).matches)) continue;
        blocking.push(link.getAttribute('href'));
    }
    for (const script of document.head.querySelectorAll('script[src]')) {
        if (script.async || script.defer || script.type === 'module') continue;
        blocking.push(script.getAttribute('src'));
    }
    return blocking;
}"""


@dataclass
class Log:
    """What the server sent: (path, bytes on the wire, bytes of the file) per response."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: list[tuple[str, int, int]] = field(default_factory=list)

    def add(self, path: str, wire: int, size: int) -> None:
        with self.lock:
            self.sent.append((path, wire, size))

    def take(self) -> list[tuple[str, int, int]]:
        with self.lock:
            sent, self.sent = self.sent, []
        return sent


def handler_for(site: Path, log: Log) -> type[http.server.BaseHTTPRequestHandler]:
    compressed: dict[Path, bytes] = {}
    cache_lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _file(self) -> Path | None:
            path = unquote(urlsplit(self.path).path)
            if not path.startswith(PREFIX):
                return None
            relative = path[len(PREFIX) :]
            if relative == "" or relative.endswith("/"):
                relative += "index.html"
            file = (site / relative).resolve()
            if not file.is_relative_to(site) or not file.is_file():
                return None
            return file

        def _send(self, head_only: bool) -> None:
            file = self._file()
            status = 200
            if file is None:
                status, file = 404, site / "404.html"
            body = file.read_bytes()
            size = len(body)
            ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype in {"application/javascript", "image/svg+xml"}:
                ctype += "; charset=utf-8"
            gzipped = file.suffix in COMPRESS and "gzip" in self.headers.get("Accept-Encoding", "")
            if gzipped:
                with cache_lock:
                    if file not in compressed:
                        compressed[file] = gzip.compress(body, compresslevel=6, mtime=0)
                    body = compressed[file]
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Last-Modified", email.utils.formatdate(file.stat().st_mtime, usegmt=True))
            if file.suffix in COMPRESS:
                self.send_header("Vary", "Accept-Encoding")
            if gzipped:
                self.send_header("Content-Encoding", "gzip")
            self.end_headers()
            if not head_only:
                self.wfile.write(body)
                log.add(urlsplit(self.path).path, len(body), size)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._send(head_only=False)

        def do_HEAD(self) -> None:  # noqa: N802
            self._send(head_only=True)

    return Handler


@contextmanager
def serve(site: Path) -> Iterator[tuple[str, Log]]:
    """The site under http://127.0.0.1:<port>/standardy/, gzip for text, one thread a request."""
    mimetypes.add_type("text/javascript", ".js")
    mimetypes.add_type("text/javascript", ".mjs")
    mimetypes.add_type("font/woff2", ".woff2")
    mimetypes.add_type("application/wasm", ".wasm")
    log = Log()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(site.resolve(), log))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}", log
    finally:
        server.shutdown()
        server.server_close()


class _TocLinks(HTMLParser):
    """Pages the home page's table of contents links to (its first-level entries)."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: list[str] = []
        self._in_l1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "li":
            self._in_l1 = "toctree-l1" in (attributes.get("class") or "").split()
        elif tag == "a" and self._in_l1:
            href = (attributes.get("href") or "").split("#")[0]
            if href.endswith(".html") and "://" not in href and href not in self.pages:
                self.pages.append(href)
            self._in_l1 = False


def longest_chapter(site: Path) -> str:
    parser = _TocLinks()
    parser.feed((site / "index.html").read_text(encoding="utf-8"))
    pages = [page for page in parser.pages if (site / page).is_file()]
    if not pages:
        raise SystemExit(f"Strona główna w {site} nie ma spisu treści z rozdziałami.")
    return max(pages, key=lambda page: (site / page).stat().st_size)


def first_visit(browser, url: str, log: Log) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """One visit with an empty cache, on a phone-sized screen, until the network is quiet."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    log.take()
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    blocking = page.evaluate(BLOCKING_JS)
    context.close()
    sent = log.take()
    foreign = sorted({r for r in requests if urlsplit(r).hostname not in {"127.0.0.1", None}})
    if foreign:
        raise SystemExit(f"Strona wysłała zapytania poza ten komputer: {foreign}")
    return {
        "wire": sum(wire for _, wire, _ in sent),
        "size": sum(size for _, _, size in sent),
        "requests": len([r for r in requests if not r.startswith("data:")]),
        "blocking": blocking,
    }


def lighthouse(url: str, runs: int) -> dict[str, float]:
    """Median Lighthouse mobile scores (0–100) and metrics over *runs* runs."""
    if not LIGHTHOUSE.exists():
        raise SystemExit(
            "Brak Lighthouse: uruchom `npm ci` w katalogu repozytorium (potrzebny Node.js i npm)."
        )
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Brak przeglądarki Chromium (Debian: apt install chromium).")
    values: dict[str, list[float]] = {}
    for _ in range(runs):
        result = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                f"--chrome-path={chromium}",
                f"--chrome-flags={' '.join(CHROME_FLAGS)}",
                "--output=json",
                "--output-path=stdout",
                "--quiet",
                "--form-factor=mobile",
                "--no-enable-error-reporting",
                f"--only-categories={','.join(CATEGORIES)}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"Lighthouse zakończył się błędem:\n{result.stderr[-2000:]}")
        report = json.loads(result.stdout)
        if report.get("runtimeError"):
            raise SystemExit(f"Lighthouse: {report['runtimeError']}")
        hosts = {
            urlsplit(item["url"]).hostname
            for item in report["audits"]["network-requests"]["details"]["items"]
            if not item["url"].startswith("data:")
        }
        if hosts - {"127.0.0.1"}:
            raise SystemExit(f"Strona wysłała zapytania poza ten komputer: {sorted(hosts)}")
        for name in CATEGORIES:
            values.setdefault(name, []).append(report["categories"][name]["score"] * 100)
        for name in METRICS:
            values.setdefault(name, []).append(report["audits"][name]["numericValue"])
    return {name: statistics.median(numbers) for name, numbers in values.items()}


def build(book: Path, target: Path) -> Path:
    for part in ("conf", "data", "handbook"):
        shutil.copytree(book / part, target / part, ignore=shutil.ignore_patterns("*.mo", "_build"))
    subprocess.run([str(BIN / "handbook"), "-q", "--katalog", str(target), "buduj"], check=True)
    return target / "_build" / "html"


def kilobytes(count: int) -> str:
    return f"{count / 1000:.1f}"


def measure(site: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Brak przeglądarki Chromium (Debian: apt install chromium).")
    pages = {"strona główna": "index.html", "najdłuższy rozdział": longest_chapter(site)}
    rows: dict[str, dict[str, str]] = {}
    with serve(site) as (base, log):
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROME_FLAGS[1:])
            visits = {label: first_visit(browser, base + page, log) for label, page in pages.items()}
            browser.close()
        scores = {label: lighthouse(base + page, runs) for label, page in pages.items()}
    for label, page in pages.items():
        visit, score = visits[label], scores[label]
        column = rows.setdefault(label, {})
        column["strona"] = page
        column["przesłane [kB] (gzip)"] = kilobytes(visit["wire"])  # type: ignore[arg-type]
        column["po rozpakowaniu [kB]"] = kilobytes(visit["size"])  # type: ignore[arg-type]
        column["liczba zapytań"] = str(visit["requests"])
        column["blokujące renderowanie w <head>"] = str(len(visit["blocking"]))  # type: ignore[arg-type]
        for name, title in CATEGORY_NAMES.items():
            column[title] = f"{score[name]:.0f}"
        for name, title in METRICS.items():
            value = score[name]
            if name in ("first-contentful-paint", "largest-contentful-paint"):
                column[title] = f"{value / 1000:.2f}"
            elif name == "total-blocking-time":
                column[title] = f"{value:.0f}"
            else:
                column[title] = f"{value:.3f}"
    report(rows, visits, runs)


def report(rows: dict[str, dict[str, str]], visits: dict[str, dict[str, object]], runs: int) -> None:
    labels = list(rows)
    keys = list(rows[labels[0]])
    title = "pierwsza wizyta (pusta pamięć podręczna)"
    width = max(len(title), *(len(key) for key in keys)) + 2
    columns = [max(len(label), *(len(rows[label][key]) for key in keys)) + 2 for label in labels]
    print(f"{title:<{width}}", end="")
    print("".join(f"{label:>{col}}" for label, col in zip(labels, columns, strict=True)))
    for key in keys:
        print(f"{key:<{width}}", end="")
        print("".join(f"{rows[label][key]:>{col}}" for label, col in zip(labels, columns, strict=True)))
    print(f"Lighthouse: telefon (emulacja i ograniczenie sieci domyślne), mediana z {runs} pomiarów.")
    for label in labels:
        blocking = visits[label]["blocking"]
        print(f"Blokujące renderowanie ({label}): {', '.join(blocking) or 'brak'}")  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="gotowy katalog strony (html); bez niego: budowanie kopii")
    parser.add_argument("--katalog", type=Path, default=ROOT, help="podręcznik do zbudowania (domyślnie ten)")
    parser.add_argument("--runs", type=int, default=3, help="pomiary Lighthouse na stronę (mediana)")
    args = parser.parse_args(argv)
    if args.site is not None:
        if not (args.site / "index.html").is_file():
            raise SystemExit(f"W {args.site} nie ma zbudowanej strony (index.html).")
        measure(args.site.resolve(), args.runs)
        return
    with tempfile.TemporaryDirectory() as tmp:
        measure(build(args.katalog.resolve(), Path(tmp)), args.runs)


if __name__ == "__main__":
    main()
