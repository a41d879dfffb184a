"""Docutils/Sphinx doctree → Typst markup, one visitor per node kind.

Anything the translator does not know stops the build with the document and line: nothing
is dropped silently from the printed book.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from itertools import takewhile
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import admonitionlabels
from sphinx.util import logging
from sphinx.util.docutils import SphinxTranslator

from handbook.images import image_size
from handbook.pdf import markup
from handbook.pdf.mathconv import UnsupportedMath, latex_to_typst

logger = logging.getLogger(__name__)

ENUM_FORMATS = {
    "arabic": "1.",
    "loweralpha": "a)",
    "upperalpha": "A.",
    "lowerroman": "i.",
    "upperroman": "I.",
}
ALIGN = {"text-left": "left", "text-right": "right", "text-center": "center"}
# A Typst comment before each block: "// źródło: 12" is the 12th entry of the file's list in
# TypstTranslator.sources.
SOURCE_MARKER = "// źródło: "
# What a chapter's own Typst file starts with: an included file sees only what it imports.
CHAPTER_PREAMBLE = '#import "szablon.typ": *\n\n'
CHAPTER_FILES = "rozdzial-*.typ"  # see chapter_file()
# A CSS length as docutils and MyST accept it for an image: number and unit (none: pixels).
LENGTH = re.compile(r"([0-9]*\.?[0-9]+)\s*(px|pt|pc|mm|cm|in|em|ex|%|)", re.IGNORECASE)
OPTION_NAMES = {"width": "szerokość", "height": "wysokość", "figwidth": "szerokość rysunku"}
# CSS units Typst lacks, in ones it has: a pixel is 0.75 pt (96 dpi), as a browser draws it.
CSS_UNITS = {"": (0.75, "pt"), "px": (0.75, "pt"), "pc": (12, "pt"), "ex": (0.5, "em")}


# Characters of table text (8.8 pt) on a line of the text block, and what a cell's inset takes.
TABLE_LINE = 80
CELL_PADDING = 2
# A column whose longest cell is this short, or holds numbers only, is as wide as its content.
SHORT_CELL = 12
NUMBER = re.compile(r"[-+−]?[0-9][0-9\s\u00a0.,]*%?")


def column_widths(group: nodes.tgroup, count: int) -> list[str]:
    """Typst column widths from the cells: short or numeric columns `auto`, text columns a
    share of the rest by their length, never narrower than their longest word (headers do not
    hyphenate, and a word broken in a narrow cell is hard to read)."""
    cells: list[list[str]] = [[] for _ in range(count)]
    words = [0] * count
    for section in group.children:
        if not isinstance(section, (nodes.thead, nodes.tbody)):
            continue
        for row in section.children:
            column = 0
            for entry in row.children:
                span = entry.get("morecols", 0) + 1
                text = " ".join(entry.astext().split())
                if span == 1 and column < count:
                    words[column] = max([len(w) for w in text.split()] + [words[column]])
                    if isinstance(section, nodes.tbody):
                        cells[column].append(text)
                column += span
    longest = [max([len(t) for t in texts] + [words[i]]) for i, texts in enumerate(cells)]
    fixed = [
        not texts or longest[i] <= SHORT_CELL or all(NUMBER.fullmatch(t) for t in texts if t)
        for i, texts in enumerate(cells)
    ]
    weights = {i: sum(map(len, texts)) / len(texts) for i, texts in enumerate(cells) if not fixed[i]}
    room = max(TABLE_LINE - sum(longest[i] + CELL_PADDING for i in range(count) if fixed[i]), 1)
    for _ in range(3):  # a share too narrow for the column's longest word is widened
        for i in weights:
            needed = min((words[i] + CELL_PADDING) / room, 0.9)
            if weights[i] / sum(weights.values()) < needed:
                weights[i] = needed * sum(w for j, w in weights.items() if j != i) / (1 - needed)
    return ["auto" if fixed[i] else f"{max(weights[i], 1):.1f}fr" for i in range(count)]


def chapter_file(docname: str) -> str:
    """The name of a chapter's Typst file, next to the main file (image paths stay the same)."""
    return f"rozdzial-{markup.label(docname).strip('<>').removesuffix('--')}.typ"


class TypstTranslator(SphinxTranslator):
    """Writes the assembled book as the body of a Typst document."""

    def __init__(self, document: nodes.document, builder: Any, main_file: str) -> None:
        super().__init__(document, builder)
        self.buffers: list[list[str]] = [[]]
        self.docnames: list[str] = [builder.config.root_doc]
        self.section_depth: dict[str, int] = {}
        # Heading level of the section a document's toctree stood in (0 for chapters).
        self.level_base: dict[str, int] = {}
        self.pending_doc_label: str | None = None
        self.footnotes = self._collect_footnotes(document)
        self.targets = self._collect_targets(document)
        self.footnotes_done: set[tuple[str, str]] = set()
        self.in_footnote = 0  # depth of footnote bodies being rendered
        self.in_heading = False  # a section title is being rendered
        self.abbreviations_done: set[tuple[str, str, str]] = set()
        self.downloads_done: set[str] = set()
        self.errors = 0
        self.visiting: list[nodes.Node] = []
        # Each chapter of the root's toctrees goes to a file of its own, included by the main
        # file: an edit changes one chapter's file (markers are numbered in each file).
        self.main_file = main_file
        self.file = main_file
        self.chapters: dict[str, str] = {}  # file name → its Typst text, in reading order
        # The node of each source marker, by file and by its number there (see block()).
        self.sources: dict[str, list[nodes.Node]] = {main_file: []}

    # --- output helpers -----------------------------------------------------------------

    @property
    def docname(self) -> str:
        return self.docnames[-1]

    def add(self, *parts: str) -> None:
        self.buffers[-1].extend(parts)

    def block(self, text: str) -> None:
        """Start a block-level element on its own paragraph, after its source marker.

        The marker (a Typst comment, so it prints nothing) names an entry of :attr:`sources`:
        a Typst error is traced back to the chapter's line with it (builder.compile_errors).
        Only a number goes into the comment, never a file name that could end the comment.
        """
        located = next((n for n in reversed(self.visiting) if n.line), None)
        marker = ""
        if located is not None:
            sources = self.sources[self.file]
            marker = f"{SOURCE_MARKER}{len(sources)}\n"
            sources.append(located)
        self.add("\n\n", marker, text)

    def dispatch_visit(self, node: nodes.Node) -> None:
        # The nodes being visited, innermost last: block() names the one it comes from.
        self.visiting.append(node)
        try:
            super().dispatch_visit(node)
        except (nodes.SkipNode, nodes.SkipDeparture):
            self.visiting.pop()  # no departure follows
            raise

    def dispatch_departure(self, node: nodes.Node) -> None:
        try:
            super().dispatch_departure(node)
        finally:
            self.visiting.pop()

    def push(self) -> None:
        self.buffers.append([])

    def pop(self) -> str:
        return "".join(self.buffers.pop())

    def render(self, children: Iterable[nodes.Node], inline: bool = False) -> str:
        """Children as markup; block content is trimmed, inline keeps its edge spaces."""
        self.push()
        for child in children:
            child.walkabout(self)
        text = self.pop()
        return text if inline else text.strip()

    def astext(self) -> str:
        return "".join(self.buffers[0]).strip() + "\n"

    def label(self, anchor: str, docname: str | None = None) -> str:
        return markup.label(docname or self.docname, anchor)

    def anchors(self, node: nodes.Element, skip: int = 0) -> str:
        """Invisible link targets for a node's ids (all but the first *skip*)."""
        return "".join(f"#metadata(none){self.label(i)}" for i in node.get("ids", [])[skip:])

    def fail(self, node: nodes.Node, message: str) -> None:
        self.errors += 1
        # Some nodes (an image in a paragraph) carry no line; their container does.
        located: nodes.Node | None = node
        while located is not None and not located.line:
            located = located.parent
        logger.warning(message, location=located or node, type="handbook", subtype="pdf")

    def unknown_visit(self, node: nodes.Node) -> None:
        self.fail(
            node,
            f"element „{node.tagname}” nie ma odpowiednika w PDF, więc zniknąłby z druku; "
            "usuń go albo zgłoś potrzebę zespołowi technicznemu.",
        )
        raise nodes.SkipNode

    def unknown_departure(self, node: nodes.Node) -> None:
        pass

    # --- document structure ---------------------------------------------------------------

    def visit_document(self, node: nodes.document) -> None:
        pass

    def depart_document(self, node: nodes.document) -> None:
        pass

    def visit_start_of_file(self, node: addnodes.start_of_file) -> None:
        # A document listed in a chapter's own toctree is a section of that chapter: its title
        # sits one level below the section that held the toctree. The root's toctrees list
        # chapters, wherever in the root they stand.
        parent = self.docname
        base = 0 if parent == self.config.root_doc else self.level_base[parent] + self.section_depth[parent]
        self.level_base[node["docname"]] = base
        self.docnames.append(node["docname"])
        self.pending_doc_label = self.label("", node["docname"])
        if parent == self.config.root_doc:
            self.file = chapter_file(node["docname"])
            self.sources[self.file] = []
            self.push()

    def depart_start_of_file(self, node: addnodes.start_of_file) -> None:
        self.docnames.pop()
        if self.docname == self.config.root_doc:
            self.chapters[self.file] = CHAPTER_PREAMBLE + self.pop().strip() + "\n"
            self.add("\n\n", f"#include {markup.string(self.file)}")
            self.file = self.main_file

    def visit_section(self, node: nodes.section) -> None:
        self.section_depth[self.docname] = self.section_depth.get(self.docname, 0) + 1

    def depart_section(self, node: nodes.section) -> None:
        self.section_depth[self.docname] -= 1

    def _heading_level(self) -> int:
        depth = self.section_depth[self.docname]
        # The root document's own title is the cover; its sections sit at chapter level.
        return depth - 1 if self.docname == self.config.root_doc else self.level_base[self.docname] + depth

    def _section_number(self, node: nodes.section) -> str:
        numbers = self.builder.env.toc_secnumbers.get(self.docname, {})
        ids = node.get("ids", [])
        anchor = "" if self._is_document_top(node) else f"#{ids[0]}" if ids else ""
        number = numbers.get(anchor)
        return ".".join(map(str, number)) if number else ""

    def _is_document_top(self, node: nodes.section) -> bool:
        return self.section_depth[self.docname] == 1

    def visit_title(self, node: nodes.title) -> None:
        parent = node.parent
        if isinstance(parent, nodes.section):
            self._heading(parent, node)
        elif isinstance(parent, (nodes.topic, nodes.sidebar, nodes.table, nodes.Admonition)):
            pass  # rendered by the parent
        else:
            self.unknown_visit(node)
        raise nodes.SkipNode

    def _heading(self, section: nodes.section, title: nodes.title) -> None:
        level = self._heading_level()
        if level < 1 or (self.docname == self.config.root_doc and self._holds_chapters(section)):
            # The root title is on the cover, and the root section that held the table of
            # contents now holds the chapters themselves: neither prints a heading. A chapter
            # that lists its own sections in a toctree keeps its title.
            self.add(self.anchors(section))
            return
        number = self._section_number(section)
        numbering = (
            f'(..) => "{number}."' if level == 1 and number else (f'(..) => "{number}"' if number else "none")
        )
        self.in_heading = True
        body = self.render(title.children)
        self.in_heading = False
        labels = list(section.get("ids", []))
        primary = self.pending_doc_label or (self.label(labels.pop(0)) if labels else "")
        self.pending_doc_label = None
        extra = "".join(f"#metadata(none){self.label(i)}" for i in labels)
        # A chapter that is not final is marked so the template watermarks its pages.
        draft = ", supplement: [robocza]" if level == 1 and self._is_draft() else ""
        self.block(f"#heading(level: {level}, numbering: {numbering}{draft})[{body}] {primary}{extra}")

    def _is_draft(self) -> bool:
        front = getattr(self.builder.env, "handbook_front_matter", {}).get(self.docname)
        return front is not None and front.status != "gotowy"

    @staticmethod
    def _holds_chapters(section: nodes.section) -> bool:
        return any(True for _ in section.findall(addnodes.start_of_file))

    def visit_paragraph(self, node: nodes.paragraph) -> None:
        self.block(self.anchors(node))

    def depart_paragraph(self, node: nodes.paragraph) -> None:
        pass

    def visit_glossary(self, node: addnodes.glossary) -> None:
        self.add(self.anchors(node))

    def depart_glossary(self, node: addnodes.glossary) -> None:
        pass

    def visit_compound(self, node: nodes.compound) -> None:
        self.add(self.anchors(node))

    def depart_compound(self, node: nodes.compound) -> None:
        pass

    def visit_container(self, node: nodes.container) -> None:
        if "handbook-byline" in node["classes"]:
            self.block(f"#byline[{self.render(node.children)}]")
            raise nodes.SkipNode
        if node.get("literal_block"):
            self._listing(node)
            raise nodes.SkipNode
        self.add(self.anchors(node))

    def depart_container(self, node: nodes.container) -> None:
        pass

    def visit_target(self, node: nodes.target) -> None:
        self.add(self.anchors(node))
        raise nodes.SkipNode

    def visit_transition(self, node: nodes.transition) -> None:
        self.block("#line(length: 100%, stroke: 0.5pt)")
        raise nodes.SkipNode

    # --- inline ---------------------------------------------------------------------------

    def visit_Text(self, node: nodes.Text) -> None:
        self.add(markup.text(node.astext()))

    def depart_Text(self, node: nodes.Text) -> None:
        pass

    def _wrap(self, node: nodes.Element, function: str) -> None:
        self.add(f"#{function}[{self.render(node.children, inline=True)}];")
        raise nodes.SkipNode

    def visit_emphasis(self, node: nodes.emphasis) -> None:
        self._wrap(node, "emph")

    def visit_strong(self, node: nodes.strong) -> None:
        self._wrap(node, "strong")

    def visit_title_reference(self, node: nodes.title_reference) -> None:
        self._wrap(node, "emph")

    def visit_subscript(self, node: nodes.subscript) -> None:
        self._wrap(node, "sub")

    def visit_superscript(self, node: nodes.superscript) -> None:
        # In a footnote, the template sets the note's own number (a typographic superscript) in
        # a box of its own; an author's superscript there is told apart by being synthesised.
        self._wrap(node, "super(typographic: false)" if self.in_footnote else "super")

    def visit_literal(self, node: nodes.literal) -> None:
        self.add(f"#raw({markup.string(node.astext())});")
        raise nodes.SkipNode

    # The allowed inline HTML tags without a docutils node of their own (sphinxext/safety.py).
    INLINE_TAGS = {"small": "text(size: 0.85em)", "mark": "highlight", "s": "strike", "u": "underline"}

    def visit_inline_tag(self, node: nodes.Element) -> None:
        if node["tag"] == "br":
            self.add("#linebreak()")
            raise nodes.SkipNode
        self._wrap(node, self.INLINE_TAGS[node["tag"]])

    def visit_inline(self, node: nodes.inline) -> None:
        if "versionmodified" in node["classes"]:
            self.add(self.anchors(node))
            self._wrap(node, "emph")
        self.add(self.anchors(node))

    def depart_inline(self, node: nodes.inline) -> None:
        pass

    def visit_abbreviation(self, node: nodes.abbreviation) -> None:
        # Print has no tooltip: the expansion follows the first use in each chapter, which a
        # reader may open on its own; later uses in the chapter are the abbreviation alone.
        text = self.render(node.children, inline=True)
        explanation = node.get("explanation", "").strip()
        key = (self.docname, node.astext(), explanation)
        if explanation and key not in self.abbreviations_done:
            self.abbreviations_done.add(key)
            text += f" ({markup.text(explanation)})"
        self.add(text)
        raise nodes.SkipNode

    def visit_reference(self, node: nodes.reference) -> None:
        text = self.render(node.children, inline=True)
        uri = node.get("refuri", "")
        if "refid" in node:
            target = self.label(node["refid"])
        elif uri.startswith("%"):
            docname, _, anchor = uri[1:].partition("#")
            target = self.label(anchor, docname)
        elif uri:
            target = markup.string(uri)
        else:
            target = ""
        internal = "refid" in node or uri.startswith("%")
        if not target or (internal and target not in self.targets):
            # A reference to nothing: Sphinx or MyST has said so at its line already; in the
            # staging PDF it is plain text, so Typst does not say it again.
            self.add(text)
            raise nodes.SkipNode
        link = f"#link({target})[{text}];"
        # An image with `:target:` is a link of its own, between paragraphs.
        if isinstance(node.parent, nodes.TextElement):
            self.add(link)
        else:
            self.block(link)
        raise nodes.SkipNode

    def visit_download_reference(self, node: addnodes.download_reference) -> None:
        # A file offered for download on the site: in print, a link to the same file on the
        # site (the address the site's link has) and that address in a footnote.
        text = self.render(node.children, inline=True)
        if not node.get("filename"):
            self.add(text)
            raise nodes.SkipNode
        url = self.config.html_baseurl.rstrip("/") + "/_downloads/" + node["filename"]
        label = self.label("pobierz-" + node["filename"])
        if label in self.downloads_done:
            note = f"#footnote({label});"
        else:
            note = f"#footnote[{self._url(url)}]{label}"
        self.downloads_done.add(label)
        self.add(f"#link({markup.string(url)})[{text}]{note}")
        raise nodes.SkipNode

    @staticmethod
    def _url(url: str) -> str:
        return f"#link({markup.string(url)})[{markup.text(url)}]"

    def visit_footnote_reference(self, node: nodes.footnote_reference) -> None:
        key = (self.docname, node["refid"])
        footnote = self.footnotes.get(key)
        if footnote is None:
            self.fail(node, f"przypis [{node.astext()}] nie ma treści.")
        elif key in self.footnotes_done:
            self.add(f"#footnote({self.label('fn-' + node['refid'])});")
        elif self.in_heading:
            # The contents repeat a heading's text: its note is printed from the text only.
            self.in_footnote += 1
            body = self.render(c for c in footnote.children if not isinstance(c, nodes.label))
            self.in_footnote -= 1
            self.add(f"#przypis-naglowka[{body}];")
        else:
            self.footnotes_done.add(key)
            self.in_footnote += 1
            body = self.render(c for c in footnote.children if not isinstance(c, nodes.label))
            self.in_footnote -= 1
            self.add(f"#footnote[{body}]{self.label('fn-' + node['refid'])}")
        raise nodes.SkipNode

    def visit_footnote(self, node: nodes.footnote) -> None:
        raise nodes.SkipNode  # printed at its reference, as a page footnote

    @staticmethod
    def _collect_targets(document: nodes.document) -> set[str]:
        """The label of every document and of every id in it: what a link may point to."""
        targets = set()
        scopes: list[tuple[str, nodes.Element]] = [(document.get("docname", ""), document)]
        scopes += [(sof["docname"], sof) for sof in document.findall(addnodes.start_of_file)]
        for docname, scope in scopes:
            targets.add(markup.label(docname, ""))
            for node in scope.findall(nodes.Element):
                targets.update(markup.label(docname, anchor) for anchor in node.get("ids", []))
        return targets

    @staticmethod
    def _collect_footnotes(document: nodes.document) -> dict[tuple[str, str], nodes.footnote]:
        # Walk down, not up: inlined chapters keep stale parent pointers. A chapter's own
        # footnotes are seen last for it, so nested documents get their own name.
        found: dict[tuple[str, str], nodes.footnote] = {}
        scopes: list[tuple[str, nodes.Element]] = [(document.get("docname", ""), document)]
        scopes += [(sof["docname"], sof) for sof in document.findall(addnodes.start_of_file)]
        for docname, scope in scopes:
            for footnote in scope.findall(nodes.footnote):
                for anchor in footnote["ids"]:
                    found[(docname, anchor)] = footnote
        return found

    def visit_math(self, node: nodes.math) -> None:
        self.add(self._equation(node, block=False))
        raise nodes.SkipNode

    def visit_math_block(self, node: nodes.math_block) -> None:
        self.block(self._equation(node, block=True))
        raise nodes.SkipNode

    def _equation(self, node: nodes.Element, block: bool) -> str:
        # The tagged PDF needs an alternative text for every formula: its LaTeX source.
        alt = markup.string(node.astext().strip())
        if not block:
            return f"#math.equation(block: false, alt: {alt}, ${self._math(node, block)}$);"
        # A labelled equation: the number the site prints, and the label {eq} links to.
        number = self._equation_number(node)
        numbering = f'(..) => "({number})"' if number else "none"
        ids = node.get("ids", [])
        label = f" {self.label(ids[0])}{self.anchors(node, skip=1)}" if ids else ""
        return (
            f"#math.equation(block: true, numbering: {numbering}, alt: {alt}, $ {self._math(node, block)} $)"
            f"{label}"
        )

    def _equation_number(self, node: nodes.Element) -> str:
        """The equation's number as the site shows it (sphinx.util.math.get_node_equation_number)."""
        if not node.get("number") or not node.get("ids"):
            return ""
        config = self.config
        if not (config.math_numfig and config.numfig):
            return str(node["number"])
        numbers = self.builder.env.toc_fignumbers.get(self.docname, {}).get("displaymath", {})
        number = ".".join(map(str, numbers.get(node["ids"][0], ())))
        return config.math_numsep.join(number.rsplit(".", 1))

    def _math(self, node: nodes.Element, block: bool) -> str:
        latex = node.astext()
        # Equations separated by a blank line are lines of one display, as Sphinx makes them.
        parts = [p for p in latex.split("\n\n") if p.strip()] if block else [latex]
        try:
            return " \\ ".join(latex_to_typst(part, block=block) for part in parts)
        except UnsupportedMath as error:
            self.fail(
                node,
                f"wzoru nie da się złożyć w PDF: {error} — napisz go poleceniami z poradnika autora "
                "(rozdział „Wzory”) albo opisz słowami.",
            )
            return ""

    # --- lists ----------------------------------------------------------------------------

    def _items(self, node: nodes.Element) -> str:
        return ", ".join(f"[{self.render(item.children)}]" for item in node.children)

    def visit_bullet_list(self, node: nodes.bullet_list) -> None:
        self.block(f"#list({self._items(node)}){self.anchors(node)}")
        raise nodes.SkipNode

    def visit_enumerated_list(self, node: nodes.enumerated_list) -> None:
        numbering = ENUM_FORMATS.get(node.get("enumtype", "arabic"), "1.")
        start = node.get("start", 1)
        self.block(
            f"#enum(numbering: {markup.string(numbering)}, start: {start}, {self._items(node)})"
            f"{self.anchors(node)}"
        )
        raise nodes.SkipNode

    def visit_definition_list(self, node: nodes.definition_list) -> None:
        for item in node.children:
            # A glossary entry may have several terms (synonyms), each on its own line as on
            # the site, and a MyST term several definitions: every one of them is printed.
            terms: list[str] = []
            for child in item.children:
                if isinstance(child, nodes.term):
                    terms.append(f"{self.anchors(child)}{self.render(child.children)}")
                elif isinstance(child, nodes.classifier) and terms:
                    terms[-1] += f" (#emph[{self.render(child.children)}])"
            definitions = [self.render(c.children) for c in item.children if isinstance(c, nodes.definition)]
            body = "".join(f"#block[{d}]" for d in definitions)
            self.block(f"#definicja([{'#linebreak()'.join(terms)}], [{body}])")
        raise nodes.SkipNode

    def visit_field_list(self, node: nodes.field_list) -> None:
        for field in node.children:
            name, body = field.children[0], field.children[1]
            self.block(f"#definicja([{self.render(name.children)}], [{self.render(body.children)}])")
        raise nodes.SkipNode

    # --- blocks ---------------------------------------------------------------------------

    def visit_Admonition(self, node: nodes.Element) -> None:
        titles = [c for c in node.children if isinstance(c, nodes.title)]
        if titles:
            title = self.render(titles[0].children)
        else:
            title = markup.text(admonitionlabels.get(node.tagname, node.tagname))
        body = self.render(c for c in node.children if not isinstance(c, nodes.title))
        # ```{admonition}``` with `:class: tip` looks like a tip on the site: in print too.
        styled = [c for c in node["classes"] if c in admonitionlabels and node.tagname == "admonition"]
        kind = markup.string(styled[0] if styled else node.tagname)
        self.block(f"#ramka({kind}, [{title}])[{body}]{self.anchors(node)}")
        raise nodes.SkipNode

    def visit_seealso(self, node: nodes.Element) -> None:
        self.visit_Admonition(node)

    def visit_versionmodified(self, node: addnodes.versionmodified) -> None:
        # Not a box on the site either: a paragraph led by „Dodane w wersji 2.0:” in italics
        # (the lead is an inline of class "versionmodified", see visit_inline).
        self.block(f"#block[{self.render(node.children)}]{self.anchors(node)}")
        raise nodes.SkipNode

    def visit_centered(self, node: addnodes.centered) -> None:
        self.block(f"#align(center, strong[{self.render(node.children)}]){self.anchors(node)}")
        raise nodes.SkipNode

    def visit_hlist(self, node: addnodes.hlist) -> None:
        columns = [f"[{self.render(column.children)}]" for column in node.children]
        grid = f"#grid(columns: {len(columns)} * (1fr,), gutter: 1em, {', '.join(columns)})"
        self.block(grid + self.anchors(node))
        raise nodes.SkipNode

    def visit_option_list(self, node: nodes.option_list) -> None:
        # As on the site: the options in a code font, their description indented below.
        for item in node.children:
            groups = [c for c in item.children if isinstance(c, nodes.option_group)]
            options = ", ".join(f"#raw({markup.string(o.astext())})" for g in groups for o in g.children)
            body = "".join(self.render(c.children) for c in item.children if isinstance(c, nodes.description))
            self.block(f"#definicja([{options}], [{body}])")
        raise nodes.SkipNode

    def visit_citation(self, node: nodes.citation) -> None:
        # Where the author put it, as on the site: „[ŹRÓDŁO] opis”, the target of its citations.
        labels = [c for c in node.children if isinstance(c, nodes.label)]
        name = markup.text(f"[{labels[0].astext()}]") if labels else ""
        body = self.render(c for c in node.children if not isinstance(c, nodes.label))
        self.block(f"#definicja([{name}], [{body}]){self.anchors(node)}")
        raise nodes.SkipNode

    def visit_topic(self, node: nodes.topic) -> None:
        titles = [c for c in node.children if isinstance(c, nodes.title)]
        title = self.render(titles[0].children) if titles else ""
        body = self.render(c for c in node.children if not isinstance(c, nodes.title))
        function = "ramka-boczna" if isinstance(node, nodes.sidebar) else "temat"
        self.block(f"#{function}([{title}])[{body}]{self.anchors(node)}")
        raise nodes.SkipNode

    def visit_sidebar(self, node: nodes.sidebar) -> None:
        self.visit_topic(node)  # type: ignore[arg-type]

    def visit_rubric(self, node: nodes.rubric) -> None:
        self.block(f"#rubryka[{self.render(node.children)}]{self.anchors(node)}")
        raise nodes.SkipNode

    def visit_block_quote(self, node: nodes.block_quote) -> None:
        attributions = [c for c in node.children if isinstance(c, nodes.attribution)]
        body = self.render(c for c in node.children if not isinstance(c, nodes.attribution))
        attribution = f", attribution: [{self.render(attributions[0].children)}]" if attributions else ""
        self.block(f"#quote(block: true{attribution})[{body}]{self.anchors(node)}")
        raise nodes.SkipNode

    def visit_literal_block(self, node: nodes.literal_block) -> None:
        self.block(self._code(node) + self.anchors(node))
        raise nodes.SkipNode

    def _code(self, node: nodes.literal_block) -> str:
        """A code block; with `:linenos:` or `:emphasize-lines:` its lines numbered and marked."""
        language = node.get("language", "")
        lang = f", lang: {markup.string(language)}" if language not in ("", "default", "none") else ""
        code = f"raw(block: true{lang}, {markup.string(node.astext())})"
        options = node.get("highlight_args", {})
        marked = [int(n) for n in options.get("hl_lines", [])]
        if not node.get("linenos") and not marked:
            return f"#{code}"
        start = int(options.get("linenostart", 1))
        numbers = "true" if node.get("linenos") else "false"
        lines = "(" + "".join(f"{n}, " for n in marked) + ")"
        return f"#kod(numery: {numbers}, start: {start}, wyroznione: {lines}, {code})"

    def _listing(self, node: nodes.container) -> None:
        """A code block with `:caption:`: a numbered „Listing 3.1”, as on the site."""
        captions = [c for c in node.children if isinstance(c, nodes.caption)]
        blocks = [c for c in node.children if isinstance(c, nodes.literal_block)]
        if len(blocks) != 1:
            self.fail(node, "blok kodu z podpisem musi zawierać dokładnie jeden blok kodu.")
            return
        caption = self.render(captions[0].children) if captions else ""
        ids = node.get("ids", [])
        label = self.label(ids[0]) if ids else ""
        # The caption above the code, as on the site; the code keeps its own left alignment.
        self.block(
            f"#figure(align(left, {self._code(blocks[0])[1:]}), kind: raw, supplement: [Listing], "
            f"numbering: {self._number('code-block', node)}, "
            f"caption: figure.caption(position: top)[{caption}]) {label}"
            f"{self.anchors(node, skip=1)}{self.anchors(blocks[0])}"
        )

    def visit_doctest_block(self, node: nodes.doctest_block) -> None:
        self.visit_literal_block(node)  # type: ignore[arg-type]

    def visit_line_block(self, node: nodes.line_block) -> None:
        self.block(f"#wiersze[{self._lines(node)}]{self.anchors(node)}")
        raise nodes.SkipNode

    def _lines(self, node: nodes.line_block) -> str:
        """A line block's lines, one paragraph each; a nested block is indented one step more."""
        parts = []
        for child in node.children:
            if isinstance(child, nodes.line_block):
                parts.append(f"#pad(left: 1.5em)[{self._lines(child)}]")
            else:  # an empty line keeps its height, as on the site
                parts.append(f"#par[{self.render(child.children) or '#hide[.]'}]")
        return "".join(parts)

    # --- figures, images, tables ----------------------------------------------------------

    def _image(self, node: nodes.image) -> str:
        """The image at the size the site shows it, as a Typst expression."""
        alt = node.get("alt", "").strip()
        if not alt:
            self.fail(
                node,
                "obraz nie ma tekstu alternatywnego (alt), a dostępny PDF go wymaga; "
                "dodaj opis tego, co przedstawia.",
            )
        uri = posixpath.normpath(node["uri"])
        call = f"image({markup.string(uri)}, alt: {markup.string(alt)}"
        size = self._image_size(node)
        if size is None:
            return call + ", width: 100%)"  # a chart: drawn for the column's width
        width, height, scale = size
        if width and height:
            call += ', fit: "stretch"'  # as a browser does with both set
        if height:
            call += f", height: {height}"
        if width and width.endswith("%"):
            return call + f", width: {width})"
        if width:
            # Never wider than the column, like `max-width: 100%` on the site.
            return f"layout(size => {call}, width: calc.min(({width}).to-absolute(), size.width)))"
        call += ")"
        return f"scale({scale}, reflow: true, {call})" if scale else call

    def _image_size(self, node: nodes.image) -> tuple[str | None, str | None, str | None] | None:
        """Typst width, height and (for an SVG of its own size) scale from the image's options.

        Lengths are CSS lengths (a bare number is pixels); a pixel is 0.75 pt, as at 96 dpi.
        """
        if "handbook-chart" in node["classes"]:
            return None
        scale = node.get("scale", 100) / 100
        width = self._length(node, "width", node.get("width"), scale)
        height = self._length(node, "height", node.get("height"), scale)
        if width or height:
            return width, height, None
        pixels = self._raster_size(node)
        if pixels:  # a raster's own size: its pixels at 96 dpi, as a browser shows it
            return self._length(node, "width", str(pixels[0]), scale), None, None
        return None, None, (f"{scale * 100:g}%" if scale != 1 else None)

    def _raster_size(self, node: nodes.image) -> tuple[int, int] | None:
        path = self.builder.outdir / node["uri"]
        if path.suffix.lower() == ".svg" or not path.is_file():
            return None  # Typst sizes an SVG by its own width and height, in CSS pixels
        return image_size(path)

    def _length(self, node: nodes.Element, option: str, value: str | None, scale: float = 1) -> str | None:
        """A CSS length (50%, 200px, 5cm, 3em, 120) as a Typst length; a located refusal if it is none."""
        if not value:
            return None
        match = LENGTH.fullmatch(value.strip())
        if match is None or float(match[1]) <= 0:
            self.fail(
                node,
                f"{OPTION_NAMES[option]} obrazu „{value}” nie jest długością; podaj np. 50% "
                "(części szerokości kolumny), 200px, 5cm albo 30mm.",
            )
            return None
        number, unit = float(match[1]) * scale, match[2].lower()
        if unit == "%" and number > 100:
            name = OPTION_NAMES[option]
            self.fail(node, f"{name} obrazu „{value}” przekracza szerokość kolumny; podaj najwyżej 100%.")
            return None
        factor, unit = CSS_UNITS.get(unit, (1, unit))
        return f"{round(number * factor, 3):g}{unit}"

    def visit_image(self, node: nodes.image) -> None:
        image = self._image(node)
        parent = node.parent
        if isinstance(parent, nodes.reference) and not isinstance(parent.parent, nodes.TextElement):
            parent = parent.parent  # an image with `:target:`: placed as the image alone would be
        if isinstance(parent, nodes.TextElement):
            # An image in a line of text stays in the line, as on the site.
            self.add(f"#box({image}){self.anchors(node)}")
            raise nodes.SkipNode
        align = node.get("align", "left") if node.get("align") in ("left", "center", "right") else "left"
        self.block(f"#align({align}, {image}){self.anchors(node)}")
        raise nodes.SkipNode

    def _number(self, kind: str, node: nodes.Element) -> str:
        ids = node.get("ids", [])
        numbers = self.builder.env.toc_fignumbers.get(self.docname, {}).get(kind, {})
        number = numbers.get(ids[0]) if ids else None
        return f'(..) => "{".".join(map(str, number))}"' if number else "none"

    def visit_figure(self, node: nodes.figure) -> None:
        images = list(node.findall(nodes.image))
        if len(images) != 1:
            self.fail(node, "rysunek musi zawierać dokładnie jeden obraz.")
            raise nodes.SkipNode
        captions = [c for c in node.children if isinstance(c, nodes.caption)]
        legends = [c for c in node.children if isinstance(c, nodes.legend)]
        caption = self.render(captions[0].children) if captions else ""
        legend = self.render(legends[0].children) if legends else ""
        if legend:  # the site's <figcaption> holds the legend under the caption
            caption += f"#block(above: 0.6em, align(left, [{legend}]))"
        body = self._image(images[0])
        ids = node.get("ids", [])
        label = self.label(ids[0]) if ids else ""
        figure = (
            f"figure({body}, kind: image, supplement: [Rys.], "
            f"numbering: {self._number('figure', node)}, caption: [{caption}])"
        )
        # `:figwidth:` narrows the figure and its caption, `:align:` places it, as on the site.
        width = self._length(node, "figwidth", node.get("width"))
        align = node.get("align") if node.get("align") in ("left", "right") else "center"
        if width:
            figure = f"align({align}, block(width: {width})[#{figure} {label}])"
            label = ""
        elif align != "center":
            figure = f"align({align}, block[#{figure} {label}])"
            label = ""
        self.block(f"#{figure} {label}{self.anchors(node, skip=1)}")
        raise nodes.SkipNode

    def visit_table(self, node: nodes.table) -> None:
        titles = [c for c in node.children if isinstance(c, nodes.title)]
        groups = [c for c in node.children if isinstance(c, nodes.tgroup)]
        if len(groups) != 1:
            self.fail(node, "tabela musi mieć jedną grupę kolumn.")
            raise nodes.SkipNode
        table = self._tgroup(groups[0])
        ids = node.get("ids", [])
        if not titles:
            self.block(f"#{table}{self.anchors(node)}")
            raise nodes.SkipNode
        caption = self.render(titles[0].children)
        label = self.label(ids[0]) if ids else ""
        self.block(
            f"#figure({table}, kind: table, supplement: [Tabela], "
            f"numbering: {self._number('table', node)}, caption: [{caption}]) {label}"
            f"{self.anchors(node, skip=1)}"
        )
        raise nodes.SkipNode

    def _tgroup(self, group: nodes.tgroup) -> str:
        specs = [c for c in group.children if isinstance(c, nodes.colspec)]
        if "colwidths-given" in group.parent.get("classes", []):  # the author's `:widths:`
            widths = [f"{int(s.get('colwidth', 1)) or 1}fr" for s in specs]
        else:
            widths = column_widths(group, len(specs))
        columns = "(" + ", ".join(widths) + ("," if len(widths) == 1 else "") + ")"
        parts = [f"columns: {columns}"]
        for section in group.children:
            if isinstance(section, nodes.thead):
                parts.append(f"table.header({', '.join(self._cells(section))})")
            elif isinstance(section, nodes.tbody):
                # The stub columns (`:stub-columns:`) are the row headings: bold, as on the site.
                stubs = sum(1 for _ in takewhile(lambda spec: spec.get("stub"), specs))
                parts.extend(self._cells(section, stubs))
        return "table(" + ", ".join(parts) + ")"

    def _cells(self, section: nodes.Element, stubs: int = 0) -> list[str]:
        cells = []
        for row in section.children:
            column = 0
            for entry in row.children:
                stub = column < stubs
                column += entry.get("morecols", 0) + 1
                options = []
                if entry.get("morecols"):
                    options.append(f"colspan: {entry['morecols'] + 1}")
                if entry.get("morerows"):
                    options.append(f"rowspan: {entry['morerows'] + 1}")
                align = next((ALIGN[c] for c in entry.get("classes", []) if c in ALIGN), None)
                if align:
                    options.append(f"align: {align}")
                body = self.render(entry.children)
                if stub:
                    body = f"#strong[{body}]"
                if options:
                    cells.append(f"table.cell({', '.join(options)})[{body}]")
                else:
                    cells.append(f"[{body}]")
        return cells

    # --- what prints nothing --------------------------------------------------------------

    def _skip(self, node: nodes.Node) -> None:
        raise nodes.SkipNode

    visit_comment = _skip
    visit_substitution_definition = _skip
    visit_index = _skip
    visit_meta = _skip
    visit_system_message = _skip
    visit_toctree = _skip  # already replaced by the chapters it listed
    visit_docinfo = _skip
    visit_pending = _skip

    def visit_raw(self, node: nodes.raw) -> None:
        # Never copied into the Typst source: raw Typst could read files or fetch content
        # unchecked. The allowed HTML tags arrive as ordinary nodes (sphinxext/safety.py).
        self.fail(
            node,
            f"wstawka w formacie „{node.get('format')}” nie trafi do PDF; "
            "zastąp ją zwykłym tekstem Markdown.",
        )
        raise nodes.SkipNode

    def visit_problematic(self, node: nodes.problematic) -> None:
        self.fail(node, f"błędny fragment „{node.astext()}” (zob. wcześniejsze ostrzeżenia).")
        raise nodes.SkipNode
