"""The ``typst`` builder: the whole toctree as one Typst document, compiled to a tagged PDF.

The main file holds the preamble and includes one file per chapter (``rozdzial-<name>.typ``).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.errors import NoUri
from sphinx.util import logging
from sphinx.util.nodes import inline_all_toctrees

from handbook.pdf import markup
from handbook.pdf.diagnostics import compile_problems
from handbook.pdf.druk import funder_logos, release_timestamp
from handbook.pdf.translator import CHAPTER_FILES, TypstTranslator
from handbook.sphinxext.typography import polish_spacing

logger = logging.getLogger(__name__)

TEMPLATE = "szablon.typ"
MAIN = "podrecznik.typ"
IMAGES = "obrazy"
TIMINGS = "czasy.json"
PDF_STANDARDS = ["a-2a", "ua-1"]


class TypstBuilder(Builder):
    """Assembles the book like Sphinx's LaTeX builder and writes ``<basename>.pdf``."""

    name = "typst"
    format = "typst"
    epilog = "PDF zapisano w %(outdir)s."
    supported_image_types = ["image/svg+xml", "image/png", "image/jpeg"]
    default_translator_class = TypstTranslator

    def init(self) -> None:
        self.timings: dict[str, float] = {}
        # The node of each source marker, by Typst file and marker number (translator.block).
        self.sources: dict[str, list[nodes.Node]] = {}

    def get_outdated_docs(self) -> str:
        return "wszystkie rozdziały"  # one document: always written whole

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname not in self.env.all_docs:
            raise NoUri(docname, typ)
        return "%" + docname

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return self.get_target_uri(to, typ)

    def prepare_writing(self, docnames: set[str]) -> None:
        pass

    def write_documents(self, docnames: set[str]) -> None:
        start = time.perf_counter()
        root = self.config.root_doc
        with _each_doctree_loaded_once(self.env):
            tree = inline_all_toctrees(self, set(), root, self.env.get_doctree(root), lambda s: s, [root])
            tree["docname"] = root
            _drop_root_lead(tree)
            self.env.resolve_references(tree, root, self)
        self.timings["typst_assemble"] = time.perf_counter() - start
        self._place_images(tree)
        translator = self.create_translator(tree, self, MAIN)  # with add_node() handlers applied
        tree.walkabout(translator)
        self.outdir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(str(files("handbook.pdf") / TEMPLATE), self.outdir / TEMPLATE)
        self._write_sources({**translator.chapters, MAIN: self._preamble() + translator.astext()})
        self.timings["typst_source"] = time.perf_counter() - start
        self.sources = translator.sources
        # Compiled even after the translator's or Sphinx's problems, so that Typst's own come in
        # the same run; any of them fails the build, and a failed build publishes nothing
        # (build/staging.py): this PDF stays in the staging folder.
        pdf = self.outdir / f"{self.config.handbook_pdf['nazwa_pliku']}.pdf"
        if self.config.handbook_compile_later:
            PENDING[self.outdir.resolve()] = PendingCompile(self, self.outdir / MAIN, pdf, PDF_STANDARDS)
        else:
            self._compile(self.outdir / MAIN, pdf, PDF_STANDARDS)

    def _write_sources(self, texts: dict[str, str]) -> None:
        """The main file and the chapters' files; one whose text is unchanged is left as it is
        (a compiler kept alive between builds sees no change), a chapter no longer in the book
        is removed."""
        for stale in self.outdir.glob(CHAPTER_FILES):
            if stale.name not in texts:
                stale.unlink()
        for name, text in texts.items():
            path = self.outdir / name
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")

    def _place_images(self, tree: nodes.document) -> None:
        self.post_process_images(tree)
        target = self.outdir / IMAGES
        target.mkdir(parents=True, exist_ok=True)
        for node in tree.findall(nodes.image):
            source = node["uri"]
            if source not in self.images:
                logger.warning(
                    f"brak pliku obrazu „{source}”.", location=node, type="handbook", subtype="pdf"
                )
                continue
            name = self.images[source]
            shutil.copyfile(self.srcdir / source, target / name)
            node["uri"] = f"{IMAGES}/{name}"
        logo = Path(self.config.handbook_pdf["logo"])
        if logo.is_file():
            shutil.copyfile(logo, target / logo.name)
        for source, name, _ in funder_logos(self.config.handbook_pdf):
            shutil.copyfile(source, target / name)

    def _preamble(self) -> str:
        data: dict[str, Any] = self.config.handbook_pdf
        # What the cover, the colophon and the running headers print gets the Polish spacing the
        # chapters get (U+00A0, which Typst keeps, like the translator's text); the rules are
        # idempotent, so text the configuration already typeset stays as it is. The document's
        # metadata and the keywords keep the settings' text.
        typeset = polish_spacing
        authors = []
        front = getattr(self.env, "handbook_front_matter", {})
        for docname in sorted(front):  # file names are numbered in reading order
            for author in front[docname].autorzy:
                who = f"{author.imie_nazwisko} — " if author.imie_nazwisko else ""
                entry = typeset(f"{who}{author.rola}, {author.organizacja}")
                if entry not in authors:
                    authors.append(entry)
        keywords = sorted({k for f in front.values() for k in f.slowa_kluczowe})
        orgs = ", ".join(
            f"({markup.string(typeset(o['nazwa']))}, {markup.string(typeset(o['rola']))}, "
            f"{markup.string(typeset(o['gmina']))})"
            for o in data["partnerzy"]
        )
        logo = Path(data["logo"])
        logo_arg = (
            f'image("{IMAGES}/{logo.name}", alt: {markup.string(data["logo_alt"])}, width: 62mm)'
            if logo.is_file()
            else "none"
        )
        funders = "".join(
            f"image({markup.string(f'{IMAGES}/{name}')}, alt: {markup.string(alt)}, height: 14mm), "
            for _, name, alt in funder_logos(data)
        )

        def seq(items: list[str]) -> str:
            return "(" + "".join(f"{markup.string(i)}, " for i in items) + ")"

        uwaga = f"[{markup.text(typeset(data['uwaga']))}]" if data["uwaga"] else "none"
        meta = data["metadane"]

        def printed(key: str) -> str:
            return markup.string(typeset(data[key]))

        return (
            "// Generated by the handbook's Typst builder from handbook/*.md — do not edit.\n"
            f'#import "{TEMPLATE}": *\n'
            "#show: ksiazka.with(\n"
            f"  metadane: (tytul: {markup.string(meta['tytul'])}, opis: {markup.string(meta['opis'])}, "
            f"autor: {markup.string(meta['autor'])}),\n"
            f"  tytul: {printed('tytul')},\n"
            f"  podtytul: {printed('podtytul')},\n"
            f"  powiat: {printed('powiat')},\n"
            f"  rok: {markup.string(str(data['rok']))},\n"
            f"  miejsce-wydania: {printed('miejsce_wydania')},\n"
            f"  wydawca: {printed('wydawca')},\n"
            f"  projekt: {printed('projekt')},\n"
            f"  partnerzy: ({orgs},),\n"
            f"  samorzad: {printed('samorzad')},\n"
            f"  finansowanie: [{markup.text(typeset(data['finansowanie']))}],\n"
            f"  licencja: {printed('licencja')},\n"
            f"  isbn: {markup.string(data['isbn'])},\n"
            f"  uwaga: {uwaga},\n"
            f"  autorzy: {seq(authors)},\n"
            f"  slowa: {seq(keywords)},\n"
            f"  format: {markup.string(data['format'])},\n"
            f"  rozdzialy-od-prawej: {'true' if data['rozdzialy_od_prawej'] else 'false'},\n"
            f"  kolor-glowny: rgb({markup.string(data['kolor'])}),\n"
            f"  logo: {logo_arg},\n"
            f"  logotypy: ({funders}),\n"
            ")\n\n"
        )

    def _compile(self, main: Path, pdf: Path, standards: list[str]) -> bool:
        """Compile *main* (a file in the output folder) to *pdf*; its errors located and in Polish."""
        import typst  # compiled only here; importing it costs little but is not always needed

        start = time.perf_counter()
        try:
            typst.compile(str(main), output=str(pdf), **self._typst_arguments(standards))
        except typst.TypstError as error:
            self._report(error)
            return False
        except OSError as error:  # the PDF cannot be written: Typst gives no errno, only its text
            self._unwritten(pdf, error)
            return False
        self.timings["typst_compile"] = time.perf_counter() - start
        return True

    def _typst_arguments(self, standards: list[str]) -> dict[str, Any]:
        """What every compile of the book passes to Typst besides the main file."""
        return {
            "root": str(self.outdir),
            "font_paths": [],
            "ignore_system_fonts": True,  # only Typst's embedded fonts: same PDF everywhere
            "pdf_standards": standards,
            "timestamp": self._timestamp(),
        }

    def _report(self, error: Any) -> None:
        """A Typst compile error, each problem at its chapter's line, in Polish."""
        for problem in compile_problems(error.diagnostic or f"error: {error.message}\n", self._generated):
            where = None
            if problem.source is not None and problem.file is not None:
                where = self.sources.get(Path(problem.file).name, [])[problem.source]
            logger.warning(problem.message, location=where, type="handbook", subtype="pdf")

    def _unwritten(self, pdf: Path, error: OSError) -> None:
        logger.warning(
            f"Typst nie złożył PDF: nie można zapisać pliku {pdf}: {error}", type="handbook", subtype="pdf"
        )

    def _generated(self, name: str) -> str | None:
        """The text of a Typst file the builder wrote, by the name a diagnostic gives it."""
        try:
            path = (Path.cwd() / name).resolve()  # Typst names it relative to the working folder
            if path.parent != self.outdir.resolve() or path.name == TEMPLATE or path.suffix != ".typ":
                return None
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def _timestamp(self) -> int:
        return release_timestamp(self.config.handbook_pdf["data_wydania"])

    def finish(self) -> None:
        (self.outdir / TIMINGS).write_text(json.dumps(self.timings, indent=2), encoding="utf-8")


class PendingCompile:
    """The compile of a book, running in a thread while the same command builds the site.

    Typst releases the GIL while it compiles, so the site's Sphinx build runs meanwhile on the
    other processor. The thread only computes the PDF's bytes: it writes no file, so a build
    stopped meanwhile clears its staging folder without a race, and the thread's result is
    dropped. :meth:`finish` joins it, writes the PDF and the timings, and reports a failure
    exactly as a compile in the builder would: through the PDF build's own Sphinx logging
    (set up again for it), each problem at its chapter's line.
    """

    def __init__(self, builder: TypstBuilder, main: Path, pdf: Path, standards: list[str]) -> None:
        self.builder = builder
        self.pdf = pdf
        self._start = time.perf_counter()
        self._result: bytes | None = None
        self._error: BaseException | None = None
        self._finished: bool | None = None
        arguments = builder._typst_arguments(standards)
        self._thread = threading.Thread(target=self._run, args=(str(main), arguments), daemon=True)
        self._thread.start()

    def _run(self, main: str, arguments: dict[str, Any]) -> None:
        import typst

        try:
            self._result = typst.compile(main, **arguments)
        except BaseException as error:  # noqa: BLE001 - handed to the thread that joins
            self._error = error

    def finish(self) -> bool:
        """Wait for the compile; True when the PDF is written. Said once, however often asked."""
        if self._finished is not None:
            return self._finished
        import typst

        self._thread.join()
        builder = self.builder
        app = builder._app  # the PDF build's application (``builder.app`` is deprecated)
        # The site's build set Sphinx's logging up for itself; the PDF's problems go to the PDF's.
        logging.setup(app, app._status, app._warning, verbosity=getattr(app, "verbosity", 0))
        self._finished = False
        if isinstance(self._error, typst.TypstError):
            builder._report(self._error)
        elif isinstance(self._error, OSError):
            builder._unwritten(self.pdf, self._error)
        elif self._error is not None:
            raise self._error
        else:
            try:
                self.pdf.write_bytes(self._result or b"")
            except OSError as error:
                builder._unwritten(self.pdf, error)
            else:
                builder.timings["typst_compile"] = time.perf_counter() - self._start
                builder.finish()  # the timings again, now with the compile
                self._finished = True
        return self._finished


# Compiles started by builds in this process, by output folder; taken by build/staging.py.
PENDING: dict[Path, PendingCompile] = {}


@contextmanager
def _each_doctree_loaded_once(env: Any) -> Iterator[None]:
    """Within the block, ``env.get_doctree`` unpickles each document once.

    Assembling the book reads every chapter's doctree, and resolving each ``{numref}`` reads
    its target's document again: at 200 chapters the unpickling alone took seconds. Sphinx's
    ``inline_all_toctrees`` works on deep copies, so the trees kept here stay as read.
    """
    loaded: dict[str, nodes.document] = {}
    read = env.get_doctree

    def get_doctree(docname: str) -> nodes.document:
        if docname not in loaded:
            loaded[docname] = read(docname)
        return loaded[docname]

    env.get_doctree = get_doctree
    try:
        yield
    finally:
        del env.get_doctree  # the class's method again


def _drop_root_lead(tree: nodes.document) -> None:
    """Leave out the home page's lead-in (title, subtitle, opening paragraphs).

    On the web it introduces the site; in print the cover and the colophon say the same,
    so the book starts with the root document's first section.
    """
    top = next(iter(tree.findall(nodes.section)), None)
    if top is None:
        return
    for child in list(top.children):
        if isinstance(child, nodes.section):
            break
        holds_chapters = any(True for _ in child.findall(addnodes.start_of_file))
        if not isinstance(child, (nodes.title, nodes.target)) and not holds_chapters:
            top.remove(child)


def setup_pdf(app: Sphinx) -> None:
    app.add_config_value("handbook_pdf", {}, "env", types=[dict])
    # True when the same command builds the site next: the compile runs meanwhile (PendingCompile).
    app.add_config_value("handbook_compile_later", False, "", types=[bool])
    app.add_builder(TypstBuilder)
