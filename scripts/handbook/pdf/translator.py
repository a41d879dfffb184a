"""Docutils/Sphinx doctree → Typst markup, one visitor per node kind.

Anything the translator does not know stops the build with the document and line: nothing
is dropped silently from the printed book.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import admonitionlabels
from sphinx.util import logging
from sphinx.util.docutils import SphinxTranslator

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


class TypstTranslator(SphinxTranslator):
    """Writes the assembled book as the body of a Typst document."""

    def __init__(self, document: nodes.document, builder: Any) -> None:
        super().__init__(document, builder)
        self.buffers: list[list[str]] = [[]]
        self.docnames: list[str] = [builder.config.root_doc]
        self.section_depth: dict[str, int] = {}
        self.pending_doc_label: str | None = None
        self.footnotes = self._collect_footnotes(document)
        self.footnotes_done: set[tuple[str, str]] = set()
        self.errors = 0

    # --- output helpers -----------------------------------------------------------------

    @property
    def docname(self) -> str:
        return self.docnames[-1]

    def add(self, *parts: str) -> None:
        self.buffers[-1].extend(parts)

    def block(self, text: str) -> None:
        """Start a block-level element on its own paragraph."""
        self.add("\n\n", text)

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
        self.docnames.append(node["docname"])
        self.pending_doc_label = self.label("", node["docname"])

    def depart_start_of_file(self, node: addnodes.start_of_file) -> None:
        self.docnames.pop()

    def visit_section(self, node: nodes.section) -> None:
        self.section_depth[self.docname] = self.section_depth.get(self.docname, 0) + 1

    def depart_section(self, node: nodes.section) -> None:
        self.section_depth[self.docname] -= 1

    def _heading_level(self) -> int:
        depth = self.section_depth[self.docname]
        # The root document's own title is the cover; its sections sit at chapter level.
        return depth - 1 if self.docname == self.config.root_doc else depth

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
        if level < 1 or self._holds_chapters(section):
            # The root title is on the cover, and the root section that held the table of
            # contents now holds the chapters themselves: neither prints a heading.
            self.add(self.anchors(section))
            return
        number = self._section_number(section)
        numbering = (
            f'(..) => "{number}."' if level == 1 and number else (f'(..) => "{number}"' if number else "none")
        )
        body = self.render(title.children)
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
        self._wrap(node, "super")

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
        self.add(self.anchors(node))

    def depart_inline(self, node: nodes.inline) -> None:
        pass

    def visit_abbreviation(self, node: nodes.abbreviation) -> None:
        pass

    def depart_abbreviation(self, node: nodes.abbreviation) -> None:
        pass

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
            self.add(text)
            raise nodes.SkipNode
        self.add(f"#link({target})[{text}];")
        raise nodes.SkipNode

    def visit_download_reference(self, node: addnodes.download_reference) -> None:
        # A file offered for download on the site; in print its name says where to look.
        self.add(self.render(node.children, inline=True))
        raise nodes.SkipNode

    def visit_footnote_reference(self, node: nodes.footnote_reference) -> None:
        key = (self.docname, node["refid"])
        footnote = self.footnotes.get(key)
        if footnote is None:
            self.fail(node, f"przypis [{node.astext()}] nie ma treści.")
        elif key in self.footnotes_done:
            self.add(f"#footnote({self.label('fn-' + node['refid'])});")
        else:
            self.footnotes_done.add(key)
            body = self.render(c for c in footnote.children if not isinstance(c, nodes.label))
            self.add(f"#footnote[{body}]{self.label('fn-' + node['refid'])}")
        raise nodes.SkipNode

    def visit_footnote(self, node: nodes.footnote) -> None:
        raise nodes.SkipNode  # printed at its reference, as a page footnote

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
        self.block(self._equation(node, block=True) + self.anchors(node))
        raise nodes.SkipNode

    def _equation(self, node: nodes.Element, block: bool) -> str:
        # The tagged PDF needs an alternative text for every formula: its LaTeX source.
        alt = markup.string(node.astext().strip())
        space = " " if block else ""
        flag = "true" if block else "false"
        return f"#math.equation(block: {flag}, alt: {alt}, ${space}{self._math(node)}{space}$);"

    def _math(self, node: nodes.Element) -> str:
        try:
            return latex_to_typst(node.astext())
        except UnsupportedMath as error:
            self.fail(node, f"wzoru nie da się złożyć w PDF: {error}.")
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
            terms = [c for c in item.children if isinstance(c, nodes.term)]
            classifiers = [c for c in item.children if isinstance(c, nodes.classifier)]
            definition = [c for c in item.children if isinstance(c, nodes.definition)]
            term = " ".join(f"{self.anchors(t)}{self.render(t.children)}" for t in terms)
            if classifiers:
                term += " (" + ", ".join(self.render(c.children) for c in classifiers) + ")"
            body = self.render(definition[0].children) if definition else ""
            self.block(f"#definicja([{term}], [{body}])")
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
        kind = markup.string(node.tagname)
        self.block(f"#ramka({kind}, [{title}])[{body}]{self.anchors(node)}")
        raise nodes.SkipNode

    def visit_seealso(self, node: nodes.Element) -> None:
        self.visit_Admonition(node)

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
        language = node.get("language", "")
        lang = f", lang: {markup.string(language)}" if language and language != "default" else ""
        self.block(f"#raw(block: true{lang}, {markup.string(node.astext())}){self.anchors(node)}")
        raise nodes.SkipNode

    def visit_doctest_block(self, node: nodes.doctest_block) -> None:
        self.visit_literal_block(node)  # type: ignore[arg-type]

    def visit_line_block(self, node: nodes.line_block) -> None:
        lines = [self.render(line.children) for line in node.findall(nodes.line)]
        self.block("#block[" + " \\\n".join(lines) + "]" + self.anchors(node))
        raise nodes.SkipNode

    # --- figures, images, tables ----------------------------------------------------------

    def _image(self, node: nodes.image, width: str = "100%") -> str:
        alt = node.get("alt", "").strip()
        if not alt:
            self.fail(
                node,
                "obraz nie ma tekstu alternatywnego (alt), a dostępny PDF go wymaga; "
                "dodaj opis tego, co przedstawia.",
            )
        uri = posixpath.normpath(node["uri"])
        return f"image({markup.string(uri)}, alt: {markup.string(alt)}, width: {width})"

    def visit_image(self, node: nodes.image) -> None:
        self.block(f"#align(center, {self._image(node, '80%')}){self.anchors(node)}")
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
        body = self._image(images[0]) + (f" + block[{legend}]" if legend else "")
        ids = node.get("ids", [])
        label = self.label(ids[0]) if ids else ""
        self.block(
            f"#figure({body}, kind: image, supplement: [Rys.], "
            f"numbering: {self._number('figure', node)}, caption: [{caption}]) {label}"
            f"{self.anchors(node, skip=1)}"
        )
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
        widths = [int(s.get("colwidth", 1)) or 1 for s in specs]
        columns = "(" + ", ".join(f"{w}fr" for w in widths) + ("," if len(widths) == 1 else "") + ")"
        parts = [f"columns: {columns}"]
        for section in group.children:
            if isinstance(section, nodes.thead):
                parts.append(f"table.header({', '.join(self._cells(section))})")
            elif isinstance(section, nodes.tbody):
                parts.extend(self._cells(section))
        return "table(" + ", ".join(parts) + ")"

    def _cells(self, section: nodes.Element) -> list[str]:
        cells = []
        for row in section.children:
            for entry in row.children:
                options = []
                if entry.get("morecols"):
                    options.append(f"colspan: {entry['morecols'] + 1}")
                if entry.get("morerows"):
                    options.append(f"rowspan: {entry['morerows'] + 1}")
                align = next((ALIGN[c] for c in entry.get("classes", []) if c in ALIGN), None)
                if align:
                    options.append(f"align: {align}")
                body = self.render(entry.children)
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
