"""Process faults: builds stopped at any moment, killed, run at once, incremental and read-only.

Each case runs ``handbook`` (or ``make``) as a process of its own on a built copy of the test
book, with a chapter changed so that the new output differs from the old, and stops it at a
moment found from the outside: the build lock naming the process (the data stage), a stage
line it prints, a file of the staging folder, a running Pagefind. Whatever the signal and the
moment, ``_build/html`` and ``_build/pdf`` are each the last good output or the new one, byte
for byte, the next build succeeds, and no process started by the command is left.
"""

from __future__ import annotations

import fcntl
import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from adversarial import ENGLISH, append, digest, edit, fresh_copy, run
from conftest import REPO, copy_project
from handbook.build import staging
from handbook.build.staging import LOCK, STAGING, WAITING
from handbook.pdf.builder import MAIN

PARTS = ("html", "pdf")
SENTENCE = "\nZdanie dopisane przed przerwanym budowaniem.\n"
# `make` must not reinstall the environment in a test, whatever the stamp's age.
MAKE = ("make", "-s", "-C", str(REPO), "-o", ".venv/.installed")
AS_ROOT = os.geteuid() == 0

Outputs = dict[str, dict[str, str]]


# --- helpers -------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    # Unbuffered, so stage lines arrive as they are printed; no book named by an earlier
    # in-process build of this test session, no flags of a `make test` around pytest.
    env = {k: v for k, v in os.environ.items() if k not in ("HANDBOOK_ROOT", "MAKEFLAGS", "MFLAGS")}
    return {**env, "PYTHONUNBUFFERED": "1"}


class Command:
    """A command in a process of its own, its output collected as it comes."""

    def __init__(self, args: list[str], *, session: bool = False) -> None:
        # session: a process group of its own, as a terminal gives a command (make's Ctrl+C).
        self.process = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=_env(),
            start_new_session=session,
        )
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def wait_until(self, ready: Callable[[], bool], what: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if self.process.poll() is not None:
                pytest.fail(f"the command ended before {what}:\n{self.output}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {timeout} s:\n{self.output}")
            time.sleep(0.002)

    def wait_for(self, text: str, timeout: float = 120) -> None:
        self.wait_until(lambda: text in self.output, repr(text), timeout)

    def send(self, signum: int) -> None:
        self.process.send_signal(signum)

    def finish(self, timeout: float = 180) -> int:
        code = self.process.wait(timeout)
        self._reader.join(10)
        return code


def handbook(project: Path, *args: str) -> Command:
    return Command([sys.executable, "-m", "handbook.cli", "--katalog", str(project), *args])


def outputs(project: Path) -> Outputs:
    """Digest of each published output folder, apart."""
    found = digest(project)
    return {part: {k: v for k, v in found.items() if k.startswith(f"_build/{part}/")} for part in PARTS}


def processes_of(project: Path) -> list[str]:
    """Processes whose command line or environment names *project*: orphans are found too."""
    needle = str(project).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            environment = (entry / "environ").read_bytes()
        except OSError:
            continue  # ended meanwhile
        if needle in command or needle in environment:
            shown = command.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name}: {shown}")
    return found


def assert_no_processes(project: Path, grace: float = 10) -> None:
    deadline = time.monotonic() + grace
    while (left := processes_of(project)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert left == [], "processes outlived their command"


def pagefind_of(project: Path) -> int | None:
    needle = str(project).encode()
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes() if entry.name.isdigit() else b""
        except OSError:
            continue
        if needle in command and b"pagefind" in command and b"handbook.cli" not in command:
            return int(entry.name)
    return None


def assert_old_or_new(project: Path, old: Outputs, stopped: Outputs, *command: str) -> None:
    """The next build succeeds; each output was the old one or this new one when the build stopped."""
    result = run(project, *(command or ("buduj",)))
    assert result.code == 0, result.output
    new = outputs(project)
    assert new["html"] != old["html"], "the change must show in the new output"
    for part in PARTS:
        differ = sorted(n for n in {*stopped[part], *new[part]} if stopped[part].get(n) != new[part].get(n))
        assert stopped[part] in (old[part], new[part]), f"_build/{part}: neither old nor new: {differ}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local preview
            return str(response.read().decode("utf-8"))
    except (OSError, http.client.HTTPException):
        return None


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Iterator[Path]:
    copy = fresh_copy(built, tmp_path)
    yield copy
    assert_no_processes(copy)


# --- a build stopped at any moment -----------------------------------------------------------


def _lock_names(command: Command, project: Path) -> Callable[[], bool]:
    lock = project / "_build" / LOCK
    return lambda: lock.exists() and lock.read_text(encoding="utf-8").strip() == str(command.pid)


def _staged(project: Path, *parts: str) -> Callable[[], bool]:
    return lambda: project.joinpath("_build", STAGING, *parts).exists()


# (moment, how to find it, signal)
MOMENTS: list[tuple[str, Callable[[Command, Path], None], signal.Signals]] = [
    ("dane-ctrl-c", lambda c, p: c.wait_until(_lock_names(c, p), "the lock"), signal.SIGINT),
    ("dane-kill", lambda c, p: c.wait_until(_lock_names(c, p), "the lock"), signal.SIGKILL),
    ("sphinx-pdf-term", lambda c, p: c.wait_for("dane, wykresy i liczby do tekstu:"), signal.SIGTERM),
    ("typst-ctrl-c", lambda c, p: c.wait_until(_staged(p, "typst", MAIN), "the Typst source"), signal.SIGINT),
    ("sphinx-html-hup", lambda c, p: c.wait_for("kompilacja Typst"), signal.SIGHUP),
    (
        "sphinx-html-kill",
        lambda c, p: c.wait_until(_staged(p, "html", "index.html"), "a page"),
        signal.SIGKILL,
    ),
    ("po-zamianie-term", lambda c, p: c.wait_for("Strona gotowa"), signal.SIGTERM),
]


@pytest.mark.parametrize(("moment", "find", "signum"), MOMENTS, ids=[m[0] for m in MOMENTS])
def test_a_stopped_build_leaves_the_old_or_the_new_output(project, moment, find, signum):
    old = outputs(project)
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    command = handbook(project, "buduj")
    find(command, project)
    command.send(signum)
    code = command.finish()
    assert "Traceback" not in command.output
    if code in (0, -signum, 128 + signum) and "Strona gotowa" in command.output:
        # The build had ended: the signal found nothing left to stop, or only the interpreter's
        # exit (one line „Przerwano.”, cli._interrupted).
        pass
    elif signum != signal.SIGKILL:
        assert code == 128 + signum, command.output
        assert "Przerwano" in command.output and "ostatnia kompletna wersja" in command.output
        assert not (project / "_build" / STAGING).exists(), "an interrupted build clears its staging"
    assert (project / "_build" / "html" / "index.html").exists()
    stopped = outputs(project)
    assert_no_processes(project)
    assert_old_or_new(project, old, stopped)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["kill", "term"])
def test_a_build_stopped_while_pagefind_indexes_stops_pagefind(project, signum):
    old = outputs(project)
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    command = handbook(project, "buduj", "--html")
    command.wait_until(lambda: pagefind_of(project) is not None, "Pagefind", timeout=120)
    pagefind = pagefind_of(project)
    assert pagefind is not None
    # Held still, so that it is surely running when the build stops; only its end can free it.
    os.kill(pagefind, signal.SIGSTOP)
    command.send(signum)
    assert command.finish() != 0
    assert "Traceback" not in command.output
    stopped = outputs(project)
    assert stopped == old
    assert_no_processes(project)
    assert_old_or_new(project, old, stopped, "buduj", "--html")


WRAPPER = """
import os, sys
from handbook.build import staging
from handbook.cli import main

signum, whom = int(sys.argv.pop(1)), sys.argv.pop(1)
exchange = staging._exchange


def exchange_then_stop(new, final):
    exchange(new, final)
    if final.name == "html":  # the site is in place, the doctrees it came from not yet
        os.killpg(0, signum) if whom == "group" else os.kill(os.getpid(), signum)


staging._exchange = exchange_then_stop
sys.exit(main())
"""


@pytest.fixture
def stopping_handbook(tmp_path: Path) -> Callable[[int, str], list[str]]:
    """``handbook`` that signals itself (or its process group) between publishing the site and
    its doctrees: the moment when two renames used to leave a site of neither build."""
    script = tmp_path / "handbook_stopped_in_swap.py"
    script.write_text(WRAPPER, encoding="utf-8")
    return lambda signum, whom: [sys.executable, str(script), str(int(signum)), whom]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_a_signal_between_publishing_the_site_and_its_doctrees(project, stopping_handbook, signum):
    old = outputs(project)
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    command = Command([*stopping_handbook(signum, "self"), "--katalog", str(project), "buduj", "--html"])
    code = command.finish()
    assert code != 0 and "Traceback" not in command.output
    stopped = outputs(project)
    assert stopped["html"] != old["html"], "the site was published before the signal"
    if signum == signal.SIGINT:  # held back until the doctrees it came from were published too
        doctree = (project / "_build" / ".doctrees" / "rozdzial.doctree").read_bytes()
        assert SENTENCE.strip().encode() in doctree
    assert_no_processes(project)
    assert_old_or_new(project, old, stopped, "buduj", "--html")


def test_without_an_atomic_exchange_the_site_is_still_published_whole(project, monkeypatch):
    """Where renameat2 is missing (not Linux) or refused (some filesystems): two renames."""
    monkeypatch.setattr(staging, "_renameat2", None)
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    result = run(project, "buduj", "--html")
    assert result.code == 0, result.output
    assert SENTENCE.strip() in (project / "_build" / "html" / "rozdzial.html").read_text(encoding="utf-8")
    assert not (project / "_build" / STAGING).exists()


# --- make ------------------------------------------------------------------------------------


def test_ctrl_c_in_make_right_after_the_swap_keeps_the_new_site(project, stopping_handbook):
    """The original fault: make deleted html/index.html of an interrupted recipe."""
    old = outputs(project)
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    wrapped = " ".join([*stopping_handbook(signal.SIGINT, "group"), "--katalog", str(project)])
    command = Command([*MAKE, f"BOOK={project}", f"HANDBOOK={wrapped}"], session=True)
    assert command.finish() != 0
    assert "Traceback" not in command.output
    assert "Deleting file" not in command.output, command.output
    assert (project / "_build" / "html" / "index.html").exists()
    stopped = outputs(project)
    assert stopped["html"] != old["html"]
    assert_no_processes(project)
    assert_old_or_new(project, old, stopped)


@pytest.mark.parametrize(
    ("marker", "signum"),
    [("dane, wykresy i liczby do tekstu:", signal.SIGTERM), ("kompilacja Typst", signal.SIGKILL)],
    ids=["term-pdf", "kill-html"],
)
def test_make_stopped_alone_stops_its_build(project, marker, signum):
    """make forwards SIGTERM to its recipe; when make is killed, the build ends by itself."""
    old = outputs(project)
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    command = Command([*MAKE, f"BOOK={project}"], session=True)
    command.wait_for(marker)
    command.send(signum)
    assert command.finish() != 0
    assert "Traceback" not in command.output
    assert (project / "_build" / "html" / "index.html").exists()
    stopped = outputs(project)
    assert_no_processes(project)
    assert_old_or_new(project, old, stopped)


# --- at the same time ------------------------------------------------------------------------


def test_two_builds_at_once_wait_for_each_other_and_say_so(project):
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    first, second = handbook(project, "buduj"), handbook(project, "buduj")
    assert first.finish() == 0, first.output
    assert second.finish() == 0, second.output
    waited = [c for c in (first, second) if WAITING in c.output]
    assert len(waited) == 1, first.output + second.output
    # The holder's number is named when it has written it (a moment after taking the lock).
    assert re.search(rf"{WAITING}(?: \(proces \d+\))?…", waited[0].output)
    both = outputs(project)
    result = run(project, "buduj")  # a build after both: nothing of theirs mixed or missing
    assert result.code == 0 and outputs(project) == both
    assert "Zdanie dopisane przed przerwanym budowaniem." in (
        project / "_build/html/rozdzial.html"
    ).read_text(encoding="utf-8")


def test_make_buduj_and_the_preview_at_once(project):
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    port = _free_port()
    preview = handbook(project, "podglad", "--port", str(port))
    make = Command([*MAKE, f"BOOK={project}"])
    build = handbook(project, "buduj")
    try:
        assert make.finish() == 0, make.output
        assert build.finish() == 0, build.output
        preview.wait_for("Podgląd: http://")  # printed just before the server starts listening
        url = f"http://127.0.0.1:{port}/rozdzial.html"
        preview.wait_until(lambda: _get(url) is not None, "the page", timeout=30)
        page = _get(url)
        assert page is not None and "Zdanie dopisane przed przerwanym budowaniem." in page
        everything = make.output + build.output + preview.output
        assert WAITING in everything and "Traceback" not in everything
    finally:
        preview.send(signal.SIGTERM)
        assert preview.finish() == 0
    assert "Podgląd zatrzymany." in preview.output
    both = outputs(project)
    result = run(project, "buduj")
    assert result.code == 0 and outputs(project) == both


# --- the preview -----------------------------------------------------------------------------


def _preview_rebuilding(project: Path, port: int) -> Command:
    preview = handbook(project, "podglad", "--port", str(port))
    preview.wait_for("Podgląd: http://")
    preview.wait_until(lambda: _get(f"http://127.0.0.1:{port}/rozdzial.html") is not None, "the page")
    return preview


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["term", "hup"])
def test_a_stopped_preview_leaves_no_process(project, signum):
    """`terminate()` of the preview (as the authoring test does) or a closed terminal."""
    port = _free_port()
    preview = _preview_rebuilding(project, port)
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    preview.wait_for("Podgląd gotowy")
    preview.send(signum)
    assert preview.finish() == 0
    assert "Podgląd zatrzymany." in preview.output and "Traceback" not in preview.output
    assert_no_processes(project)


def test_a_killed_preview_takes_its_waiting_rebuild_along(project):
    """A rebuild waits visibly for another build; the preview killed meanwhile leaves nothing."""
    port = _free_port()
    preview = _preview_rebuilding(project, port)
    with (project / "_build" / LOCK).open("a+", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another build of this book is running
        append(project / "handbook" / "rozdzial.md", SENTENCE)
        preview.wait_for(WAITING)
        preview.send(signal.SIGKILL)
        preview.finish()
        assert_no_processes(project)


# --- incremental equals clean ----------------------------------------------------------------


def _chapter(title: str) -> str:
    return (
        f"---\ntytul: {title}\nautorzy:\n  - rola: redakcja\n"
        "    organizacja: Stowarzyszenie Przyjaciół Modrzewia\nstatus: gotowy\n"
        f"streszczenie: {title}.\nslowa_kluczowe: [test]\n---\n\n## Treść\n\n"
        f"Rozdział {title.lower()} z niepowtarzalnym słowem kaczeńcoporost{len(title)}.\n"
    )


def _add_chapter(project: Path, name: str, title: str) -> None:
    (project / "handbook" / f"{name}.md").write_text(_chapter(title), encoding="utf-8")
    edit(project / "handbook" / "index.md", "\nrozdzial\n", f"\nrozdzial\n{name}\n")


def _search_urls(site: Path) -> str:
    """Every page Pagefind's index can return, from its (gzip-compressed) fragments."""
    return " ".join(
        gzip.decompress(fragment.read_bytes()).decode("utf-8", errors="replace")
        for fragment in (site / "_pagefind" / "fragment").glob("*.pf_fragment")
    )


def test_an_incremental_build_gives_the_files_of_a_clean_one(project):
    _add_chapter(project, "przemijajacy", "Przemijający")
    assert run(project, "buduj").code == 0
    site = project / "_build" / "html"
    assert "przemijajacy.html" in _search_urls(site)
    # Then: that chapter deleted, another added, a CSV renamed, the PDF and the site apart.
    (project / "handbook" / "przemijajacy.md").unlink()
    edit(project / "handbook" / "index.md", "\nprzemijajacy\n", "\n")
    _add_chapter(project, "nowy", "Nowy")
    (project / "data" / "certyfikaty.csv").rename(project / "data" / "certyfikaty-2024.csv")
    edit(project / "data" / "datapackage.json", '"path": "certyfikaty.csv"', '"path": "certyfikaty-2024.csv"')
    for step in (("buduj", "--pdf"), ("buduj", "--html")):
        result = run(project, *step)
        assert result.code == 0, result.output
    incremental, searched = outputs(project), _search_urls(site)
    shutil.rmtree(project / "_build")  # a clean build, in the same folder (pages name their paths)
    assert run(project, "buduj").code == 0
    fresh = outputs(project)
    for part in PARTS:
        assert incremental[part].keys() == fresh[part].keys(), part
        differ = [name for name, sha in incremental[part].items() if fresh[part][name] != sha]
        assert differ == [], f"differ from a clean build: {differ}"
    # What used to stay: the deleted chapter's page, search entries and the old CSV's download.
    assert "_build/html/przemijajacy.html" not in incremental["html"]
    assert "przemijajacy.html" not in searched and "nowy.html" in searched
    downloads = [name.rsplit("/", 1)[-1] for name in incremental["html"] if "/_downloads/" in name]
    assert "certyfikaty-2024.csv" in downloads and "certyfikaty.csv" not in downloads


def test_the_sitemap_and_the_pdf_link_cover_every_page_after_html_pdf_html(tmp_path):
    project = copy_project(tmp_path / "p")
    for step in (("buduj", "--html"), ("buduj", "--pdf"), ("buduj", "--html")):
        result = run(project, *step)
        assert result.code == 0, result.output
    site = project / "_build" / "html"
    pages = sorted(p.stem for p in (project / "handbook").glob("*.md"))
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    # Every page of the book, the home page by the site's own address.
    listed = re.findall(r"<loc>https://example\.org/wolontariat/([^<]*)</loc>", sitemap)
    assert sorted(name.removesuffix(".html") or "index" for name in listed) == pages
    for page in pages:
        assert 'href="pdf/wolontariat-sasiedzki.pdf"' in (site / f"{page}.html").read_text(encoding="utf-8")
    assert (site / "pdf" / "wolontariat-sasiedzki.pdf").read_bytes() == (
        project / "_build" / "pdf" / "wolontariat-sasiedzki.pdf"
    ).read_bytes()


# --- a read-only output folder ---------------------------------------------------------------


@pytest.fixture(scope="module")
def read_only() -> Callable[[list[str], Path], Command]:
    """Run a command with a folder read-only for it.

    Root writes through any permission bits, so as root (CI) the folder is mounted read-only
    in a mount namespace of the command's own, which ends with it; otherwise its bits go.
    """
    if AS_ROOT and subprocess.run(["unshare", "--mount", "true"], check=False).returncode != 0:
        pytest.skip("root without a mount namespace of its own: no folder can be read-only")

    def start(args: list[str], folder: Path) -> Command:
        if AS_ROOT:
            script = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"'
            return Command(["unshare", "--mount", "sh", "-c", script, str(folder), *args])
        folder.chmod(0o555)
        try:
            command = Command(args)
            command.finish()
        finally:
            folder.chmod(0o755)
        return command

    return start


@pytest.mark.parametrize(
    ("folder", "command", "named"),
    [
        ("_build", ("buduj",), "_build: folder jest tylko do odczytu"),
        ("_build", ("wykresy",), "_build: folder jest tylko do odczytu"),
        ("_build", ("podglad", "--port", "0"), "_build: folder jest tylko do odczytu"),
        ("_build/html", ("buduj", "--html"), "_build/html: folder jest tylko do odczytu"),
        (".", ("buduj",), "_build: nie można utworzyć tego folderu: folder podręcznika jest tylko"),
    ],
    ids=["buduj", "wykresy", "podglad", "html", "bez-build"],
)
def test_a_read_only_output_folder_is_named_in_polish(project, read_only, folder, command, named):
    if folder == ".":
        shutil.rmtree(project / "_build")
    before = outputs(project)
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    args = [sys.executable, "-m", "handbook.cli", "--katalog", str(project), *command]
    refused = read_only(args, project / folder)
    assert refused.finish() == 1, refused.output
    assert named in refused.output and "chmod " in refused.output, refused.output
    assert "Traceback" not in refused.output
    assert outputs(project) == before


def test_make_with_a_read_only_output_folder(project, read_only):
    before = outputs(project)
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    refused = read_only([*MAKE, f"BOOK={project}"], project / "_build")
    assert refused.finish() != 0
    assert "_build: folder jest tylko do odczytu" in refused.output, refused.output
    assert "touch" not in refused.output and "Traceback" not in refused.output
    assert outputs(project) == before


# --- published together, or not at all ------------------------------------------------------


def test_an_input_only_the_site_refuses_keeps_the_pdf_too(project):
    """The PDF builds (Typst prints the text); the site refuses it: `buduj` publishes neither."""
    before = outputs(project)
    edit(
        project / "handbook" / "rozdzial.md",
        "## Liczby",
        "{math}`\\text{<script>alert(1)</script>}`\n\n## Liczby",
    )
    result = run(project, "buduj")
    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    assert "handbook/rozdzial.md:" in result.output and "Budowanie strony przerwane" in result.output
    assert "Poprzednie wersje" in result.output
    assert outputs(project) == before
    assert "PDF gotowy" not in result.output


# --- a full disk -----------------------------------------------------------------------------

FULL_DISK = """
set -e
build=$0 saved=$1 after=$2 size=$3
shift 3
mount -t tmpfs -o size=$size tmpfs "$build"
cp -a "$saved/." "$build/"
set +e
"$@"
code=$?
cp -a "$build/." "$after/"
exit $code
"""


def test_a_full_disk_is_said_once_in_polish_and_publishes_nothing(project, tmp_path):
    """`_build` on a disk with room for the old outputs and little more (a tmpfs of its own)."""
    if not AS_ROOT or subprocess.run(["unshare", "--mount", "true"], check=False).returncode != 0:
        pytest.skip("a small disk of its own needs root and a mount namespace")
    build = project / "_build"
    used = sum(f.stat().st_size for f in build.rglob("*") if f.is_file())
    saved, after = tmp_path / "zapisany", tmp_path / "po" / "_build"
    shutil.copytree(build, saved, symlinks=True)
    after.mkdir(parents=True)
    before = outputs(project)
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    size = int(used * 1.3) // 4096 * 4096 + 4096
    args = [sys.executable, "-m", "handbook.cli", "--katalog", str(project), "buduj"]
    command = Command(
        ["unshare", "--mount", "sh", "-c", FULL_DISK, str(build), str(saved), str(after), str(size), *args]
    )
    assert command.finish() == 1, command.output
    text = command.output
    assert "Traceback" not in text
    assert "brak miejsca na dysku; zwolnij miejsce i zbuduj ponownie" in text, text
    assert text.count("brak miejsca na dysku") <= 2, text  # once from Sphinx, at most once more at the end
    assert [m.group() for m in ENGLISH.finditer(text)] == [], text
    assert outputs(after.parent) == before
    assert not (after / STAGING).exists(), "the failed build's staging folder takes the space"


def test_typst_unable_to_write_the_pdf_is_said_in_polish(project, monkeypatch):
    """Typst (Rust) gives an OSError without errno, only "(os error 28)" in its text."""
    import typst

    def full(*args: object, **kwargs: object) -> None:
        raise OSError("No space left on device (os error 28)")

    monkeypatch.setattr(typst, "compile", full)
    before = outputs(project)
    append(project / "handbook" / "rozdzial.md", SENTENCE)
    result = run(project, "buduj")
    assert result.code == 1, result.output
    assert "nie można zapisać plików podręcznika: brak miejsca na dysku" in result.output
    assert [m.group() for m in ENGLISH.finditer(result.output)] == [], result.output
    assert outputs(project) == before
    assert not (project / "_build" / STAGING).exists()


# --- make sees a deleted file -----------------------------------------------------------------

SQUARE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>'


@pytest.mark.parametrize("deleted", ["data/certyfikaty.csv", "handbook/kwadrat.svg"], ids=["csv", "obraz"])
def test_make_sees_a_deleted_source(project, deleted):
    (project / "handbook" / "kwadrat.svg").write_text(SQUARE, encoding="utf-8")
    edit(project / "handbook" / "rozdzial.md", "## Liczby", "![Kwadrat](kwadrat.svg)\n\n## Liczby")
    first = Command([*MAKE, f"BOOK={project}"])
    assert first.finish() == 0, first.output
    again = Command([*MAKE, f"BOOK={project}"])
    assert again.finish() == 0 and again.output == "", "a make with nothing changed builds nothing"
    before = outputs(project)
    (project / deleted).unlink()
    refused = Command([*MAKE, f"BOOK={project}"])
    assert refused.finish() != 0, refused.output
    assert Path(deleted).name in refused.output, refused.output
    assert "Traceback" not in refused.output
    assert outputs(project) == before
