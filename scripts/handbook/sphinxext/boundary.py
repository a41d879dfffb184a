"""The book's trust boundary: which files a chapter may read or publish, and what they may hold."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.misc import Raw
from docutils.parsers.rst.directives.tables import CSVTable
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from handbook.images import image_problems
from handbook.sphinxext.html_policy import url_scheme

logger = logging.getLogger(__name__)

# Documents and data a reader opens in their own program. Never a type a browser shows as a
# page of the county's site and so runs in it (.html, .htm, .xhtml, .xml, .svg) or a script
# (.js), and no archive (.zip, .7z): an archive hides from the editor what it carries.
DOWNLOAD_TYPES = frozenset(
    {".csv", ".json", ".pdf", ".txt", ".xlsx", ".ods", ".odt", ".docx", ".png", ".jpg", ".jpeg"}
)


class Refused(Exception):
    """A file a chapter names that the book does not accept; the message is for the author."""


def book_folders(env: BuildEnvironment) -> tuple[Path, ...]:
    """The folders a chapter may take files from: sources, data, generated charts."""
    config = env.config
    folders = (env.srcdir, config.handbook_data_dir, config.handbook_charts_dir)
    return tuple(Path(folder).resolve() for folder in folders if folder)


def book_file(env: BuildEnvironment, reference: str, docname: str | None = None) -> Path:
    """The file *reference* names, resolved the way Sphinx resolves it, if the book may use it.

    A leading "/" starts from the source folder, anything else from the chapter's folder.
    """
    reference = reference.strip()
    if not reference:
        raise Refused("brak nazwy pliku")
    if url_scheme(reference) or reference.startswith("//"):
        raise Refused(
            f"„{reference[:60]}” to adres, a nie plik podręcznika; pliki spoza podręcznika "
            "(także z internetu) są niedozwolone — zapisz plik w folderze podręcznika"
        )
    docname = docname or env.docname
    _, resolved = env.relfn2path(reference, docname)
    path = Path(resolved).resolve()
    folders = book_folders(env)
    named = ", ".join(f"{folder.name}/" for folder in folders[:2])
    # "/etc/passwd" is the source folder's "etc/passwd" to Sphinx, but the author meant the
    # machine's file: say so rather than that the book has no such file.
    meant_outside = reference.startswith("/") and not path.exists() and Path(reference).exists()
    inside = not meant_outside and any(path.is_relative_to(folder) for folder in folders)
    lexically_inside = any(_unresolved(env, reference, docname).is_relative_to(f) for f in folders)
    if not inside and not meant_outside and lexically_inside:
        raise Refused(
            f"„{reference}” to dowiązanie (symlink) do pliku poza podręcznikiem; "
            f"skopiuj sam plik do folderu {named}"
        )
    if not inside:
        raise Refused(
            f"plik „{reference}” leży poza podręcznikiem; wolno wskazywać tylko pliki z folderów "
            f"{named} (ścieżka względem rozdziału albo od „/” — od folderu z rozdziałami)"
        )
    if not path.is_file():
        raise Refused(f"nie ma pliku „{reference}”; sprawdź nazwę i ścieżkę (względem rozdziału)")
    return path


def outside_chapter(env: BuildEnvironment, source: str) -> str | None:
    """Why a chapter file itself may not be read: a symbolic link out of the sources."""
    if Path(source).resolve().is_relative_to(Path(env.srcdir).resolve()):
        return None
    return (
        "ten plik rozdziału to dowiązanie (symlink) do pliku poza podręcznikiem; "
        "zapisz rozdział jako zwykły plik w folderze z rozdziałami"
    )


def _unresolved(env: BuildEnvironment, reference: str, docname: str) -> Path:
    """Where *reference* points before symbolic links are followed."""
    srcdir = Path(env.srcdir)
    if reference.startswith(("/", os.sep)):
        joined = srcdir / reference.lstrip("/" + os.sep)
    else:
        joined = srcdir / env.doc2path(docname, base=False).parent / reference
    return Path(os.path.normpath(srcdir.resolve() / joined.relative_to(srcdir)))


def sphinx_reference(env: BuildEnvironment, path: Path) -> str:
    """*path* as Sphinx names a file from the source folder ("/../data/x.csv")."""
    return "/" + Path(os.path.relpath(path, Path(env.srcdir).resolve())).as_posix()


def text_file(path: Path, reference: str) -> None:
    """Refuse a file that is not UTF-8 text before a directive reads it as text."""
    try:
        path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise Refused(f"plik „{reference}” nie jest tekstem w kodowaniu UTF-8") from error


def include_target(env: BuildEnvironment, reference: str) -> Path:
    """The checked file of ``{include}``; docutils' own "<…>" files are outside the book too."""
    if reference.startswith("<") and reference.endswith(">"):
        raise Refused(f"„{reference}” to plik spoza podręcznika (z biblioteki docutils)")
    path = book_file(env, reference)
    text_file(path, reference)
    return path


# --- images and downloads -------------------------------------------------------------------


def located(node: nodes.Node) -> nodes.Node:
    """The node itself or the nearest ancestor that knows its line (inline images do not)."""
    current: nodes.Node | None = node
    while current is not None and not current.line:
        current = current.parent
    return current or node


def refuse(node: nodes.Node, message: str) -> None:
    logger.warning(message + ".", location=located(node), type="handbook", subtype="boundary")


class BookFiles(SphinxTransform):
    """Images and downloads of a chapter: checked before Sphinx copies them into the site."""

    # After every directive and role has made its nodes, before the "doctree-read" event (880),
    # whose collectors copy images and downloads.
    default_priority = 870

    def apply(self, **kwargs: Any) -> None:
        charts = Path(self.config.handbook_charts_dir or self.env.srcdir).resolve()
        for image in list(self.document.findall(nodes.image)):
            problem = self._image(image, charts)
            if problem:
                refuse(image, problem)
                figure = image.parent if isinstance(image.parent, nodes.figure) else None
                (figure or image).parent.remove(figure or image)
        for download in list(self.document.findall(addnodes.download_reference)):
            problem = self._download(download)
            if problem:
                refuse(download, problem)
                download.replace_self(nodes.inline("", "", *download.children))

    def _image(self, image: nodes.image, charts: Path) -> str | None:
        uri = str(image.get("uri", ""))
        if uri.endswith(".*") or "*" in Path(uri).name:
            return f"obraz „{uri}”: podaj pełną nazwę pliku (bez „*”)"
        try:
            path = book_file(self.env, uri)
        except Refused as refusal:
            return f"obraz: {refusal}"
        problems = image_problems(path, charts)
        if not str(image.get("alt", "")).strip():
            # WCAG 1.1.1 on the site, PDF/UA in print: every image says what it shows.
            problems.append(
                f"obraz „{uri}” nie ma tekstu alternatywnego: opisz, co przedstawia, w nawiasach "
                "kwadratowych, np. ![Mapa gmin powiatu](mapa.png), albo opcją :alt: dyrektywy"
            )
        return "; ".join(problems) if problems else None

    def _download(self, download: addnodes.download_reference) -> str | None:
        reference = str(download.get("reftarget", ""))
        try:
            path = book_file(self.env, reference)
        except Refused as refusal:
            return f"plik do pobrania: {refusal}"
        if path.suffix.lower() not in DOWNLOAD_TYPES:
            allowed = ", ".join(sorted(DOWNLOAD_TYPES))
            return (
                f"plik do pobrania „{reference}” ma niedozwolony typ „{path.suffix or path.name}”; "
                f"dozwolone są: {allowed}"
            )
        return None


# --- directives that read a file while the chapter is parsed ---------------------------------


class _Gate:
    """A directive whose file is checked before it is read; a refusal stops only this directive."""

    name: str
    lineno: int
    options: dict[str, Any]
    state: Any
    state_machine: Any

    @property
    def _env(self) -> BuildEnvironment:
        return self.state.document.settings.env  # type: ignore[no-any-return]

    def _refuse(self, message: str) -> list[nodes.Node]:
        source, line = self.state_machine.get_source_and_line(self.lineno)
        logger.warning(
            f"{{{self.name}}}: {message}.",
            location=f"{source}:{line}",
            type="handbook",
            subtype="boundary",
        )
        return []

    def _no_remote(self, *options: str) -> str | None:
        for option in options:
            if option in self.options:
                return f"opcja :{option}: jest niedozwolona; wpisz treść w rozdziale"
        return None


# An option value docutils would import as a module while it reads the directive's options.
PARSER_OPTION_REFUSED = (
    "opcja :parser: jest niedozwolona (inny parser czytałby plik bez kontroli podręcznika); "
    "dołącz plik Markdown bez tej opcji albo wpisz treść w rozdziale"
)


class BookInclude(_Gate, Include):
    """``include`` in reStructuredText (``{eval-rst}``); MyST's own goes through the parser."""

    # docutils' converter for :parser: imports the module it names (any installed one) while
    # the options are read, before run(): here it is only text, refused below.
    option_spec = {**Include.option_spec, "parser": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        if "parser" in self.options:
            return self._refuse(PARSER_OPTION_REFUSED)
        try:
            path = include_target(self._env, self.arguments[0])
        except Refused as refusal:
            return self._refuse(str(refusal))
        self.arguments[0] = sphinx_reference(self._env, path)
        return super().run()


class BookLiteralInclude(_Gate, LiteralInclude):
    def run(self) -> list[nodes.Node]:
        try:
            if "diff" in self.options:  # the other file of the comparison
                other = book_file(self._env, self.options["diff"])
                text_file(other, self.options["diff"])
                self.options["diff"] = sphinx_reference(self._env, other)
            path = book_file(self._env, self.arguments[0])
            if "encoding" not in self.options:
                text_file(path, self.arguments[0])
        except Refused as refusal:
            return self._refuse(str(refusal))
        self.arguments[0] = sphinx_reference(self._env, path)
        return super().run()


class BookCSVTable(_Gate, CSVTable):
    """``csv-table``: Sphinx's version would read an absolute path that exists as it is."""

    def run(self) -> list[nodes.Node]:
        remote = self._no_remote("url")
        if remote:
            return self._refuse(remote)
        if "file" in self.options:
            try:
                path = book_file(self._env, self.options["file"])
                if "encoding" not in self.options:
                    text_file(path, self.options["file"])
            except Refused as refusal:
                return self._refuse(str(refusal))
            # docutils joins it with the chapter's folder: an absolute path stays itself.
            self.options["file"] = str(path)
        return super().run()  # type: ignore[no-any-return]


class BookRaw(_Gate, Raw):
    """``raw``: its content is checked in safety.py; it may not come from a file or a URL."""

    def run(self) -> list[nodes.Node]:
        remote = self._no_remote("file", "url")
        if remote:
            return self._refuse(remote)
        return super().run()  # type: ignore[no-any-return]


def setup_boundary(app: Sphinx) -> None:
    """Every construct of a chapter that names a file comes through :func:`book_file`.

    - ``include``, ``literalinclude`` (and its ``:diff:``), ``csv-table :file:``: the directives
      here, registered over Sphinx's and docutils' own, check the path *before* the file is read
      and hand the directive the checked path. MyST reads ``{include}`` itself, so the engine's
      parser (parser.py) calls :func:`include_target` first.
    - Images (``{image}``, ``{figure}``, ``![…](…)``, rST in ``{eval-rst}``) and downloads
      (``{download}``, a Markdown link to a file): :class:`BookFiles` checks the nodes after the
      chapter is parsed and before Sphinx's collectors copy the files into the site.
    - ``raw`` may not read a file or a URL at all; a chapter file may not be a link out of the
      sources (parser.py, :func:`outside_chapter`).

    A file is accepted when, with symbolic links resolved, it is a regular file in the book's
    sources, its data folder or the folder of generated charts; an image must be of an image
    type, an SVG free of active content, and a download of a document or data type.
    """
    app.add_directive("include", BookInclude, override=True)
    app.add_directive("literalinclude", BookLiteralInclude, override=True)
    app.add_directive("csv-table", BookCSVTable, override=True)
    app.add_directive("raw", BookRaw, override=True)
    app.add_transform(BookFiles)
