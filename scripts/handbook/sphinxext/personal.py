"""Personal data in chapters: an e-mail, phone number or PESEL in a page stops the build at its line.

Everything a page publishes is read: the text of each paragraph-level block as a whole (so
inline markup or a soft line break inside a number does not hide it), code and formulas (only
addresses at the domains reserved for examples pass there, as everywhere), link targets and
titles, images' alt texts, abbreviations' expansions and the captions of tables of contents.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from handbook.data.privacy import AMOUNT_COLUMN, EMAIL, PHONE, Found, find_personal_data, public_contacts

# The byline is made from the front matter, which frontmatter.py checks at its own lines.
from handbook.sphinxext.frontmatter import BYLINE, front_matter

logger = logging.getLogger(__name__)

# Never published: comments, substitution definitions, targets, the build's own messages.
_UNPUBLISHED = (nodes.Invisible, nodes.system_message)
# Shown as written, line by line: a line break ends a line there, it is not a soft break.
_CODE = (nodes.literal_block, nodes.doctest_block, nodes.raw)
_MATH = (nodes.math, nodes.math_block)
# Attributes a page publishes besides its text (a link's tooltip, an abbreviation's expansion…).
_PUBLISHED_ATTRIBUTES = ("alt", "title", "reftitle", "explanation", "caption")
# Link schemes whose target is a contact itself.
_CONTACT_SCHEMES = ("mailto:", "tel:", "callto:", "sms:")


def allowed_contacts(config: Config) -> frozenset[str]:
    """The public contacts of the book (normalised), which the guard lets through."""
    return public_contacts(config.handbook_public_contacts)


def _statement_contacts(config: Config) -> list[str]:
    # By default, what the accessibility statement prints from the settings as its contact.
    values = getattr(config, "handbook_substitutions", None) or {}
    return [str(values.get(key, "")) for key in ("email", "telefon")]


class PersonalData(SphinxTransform):
    """Warn at the line of every e-mail, phone number or PESEL a page publishes."""

    # After raw HTML became nodes (200) and the byline is inserted (700), which is skipped;
    # before typography (760) rewrites spaces.
    default_priority = 710

    def apply(self, **kwargs: object) -> None:
        self._allowed = allowed_contacts(self.config)
        self._source_lines: list[str] | None = None
        title = self._front_matter_title()
        # A mailto: link usually shows its address too: one warning per address and line.
        self._warned: set[tuple[str, str]] = set()
        for block in list(self.document.findall(nodes.TextElement)):
            if block is title or not _block(block) or _unpublished(block):
                continue
            self._check_block(block)
        for text in list(self.document.findall(nodes.Text)):
            # Text outside any paragraph-level element (rare): on its own.
            if not any(isinstance(a, nodes.TextElement) for a in _ancestors(text)) and not _unpublished(text):
                for found in find_personal_data(str(text), self._allowed):
                    self._warn(text, found, str(text)[: found.start].count("\n"))
        for math in list(self.document.findall(nodes.math)):
            if not _unpublished(math):
                for found in find_personal_data(math.astext(), self._allowed, math=True):
                    self._warn(math, found, 0)
        for node in list(self.document.findall(nodes.Element)):
            if isinstance(node, nodes.document) or _unpublished(node):
                continue
            for value, contacts_only in _attributes(node):
                for found in find_personal_data(value, self._allowed):
                    if not contacts_only or found.kind == EMAIL:
                        self._warn(node, found, 0)

    def _check_block(self, block: nodes.TextElement) -> None:
        code = isinstance(block, _CODE)
        math = isinstance(block, nodes.math_block)
        text = html.unescape(block.astext()) if isinstance(block, nodes.raw) else _block_text(block)
        amounts = _amount_cell(block)
        for found in find_personal_data(text, self._allowed, prose=not (code or math), math=math):
            if amounts and found.kind == PHONE and text.strip() == found.text.strip():
                continue
            if code or math:
                self._warn_code(block, found, text)
            else:
                self._warn(block, found, text[: found.start].count("\n"))

    def _front_matter_title(self) -> nodes.title | None:
        """The chapter title MyST made from the front matter: checked there, at its own line."""
        if front_matter(self.env, self.env.docname) is None:
            return None
        section = next(iter(self.document.findall(nodes.section)), None)
        return next(iter(section.findall(nodes.title)), None) if section is not None else None

    def _own(self, block: nodes.Element) -> bool:
        return not block.source or block.source == str(self.env.doc2path(self.env.docname))

    def _warn_code(self, block: nodes.Element, found: Found, text: str) -> None:
        """Code and formulas are verbatim: the line is where the page's source shows the find."""
        line = block.line
        included = block.get("source") and block.get("source") != block.source
        if line and self._own(block) and not included:
            first = found.text.splitlines()[0] if found.text.strip() else found.text
            lines = self._page_lines()
            span = text.count("\n") + 40
            line = next(
                (n + 1 for n in range(line - 1, min(len(lines), line - 1 + span)) if first in lines[n]),
                line,
            )
            self._report((self.env.docname, line), found)
        else:
            # A file shown by {literalinclude}: at the directive's line.
            self._warn(block, found, 0)

    def _page_lines(self) -> list[str]:
        if self._source_lines is None:
            try:
                path = Path(self.env.doc2path(self.env.docname))
                self._source_lines = path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError):
                self._source_lines = []
        return self._source_lines

    def _warn(self, node: nodes.Node, found: Found, newlines: int) -> None:
        block, line = _line(node)
        where: object = self.env.docname
        if block is not None and line is not None:
            # Text from an included file is reported where docutils places it; the page's own
            # text at its exact line, soft line breaks of the paragraph counted.
            where = (self.env.docname, line + newlines) if self._own(block) else block
        self._report(where, found)

    def _report(self, where: object, found: Found) -> None:
        if (str(where), found.key) in self._warned:
            return
        self._warned.add((str(where), found.key))
        logger.warning(found.message(), location=where, type="handbook", subtype="personal")


def _block(node: nodes.TextElement) -> bool:
    """A paragraph-level element: a paragraph, title, caption, term, code block… (not inside another)."""
    return not any(isinstance(a, nodes.TextElement) for a in _ancestors(node.parent))


def _block_text(block: nodes.Element) -> str:
    """The block's text as published: inline markup gone, soft line breaks kept as newlines."""
    return "".join(str(text) for text in block.findall(nodes.Text) if not _unpublished(text.parent))


def _unpublished(node: nodes.Node | None) -> bool:
    return any(
        isinstance(ancestor, _UNPUBLISHED)
        or (isinstance(ancestor, nodes.Element) and BYLINE in ancestor.get("classes", ()))
        for ancestor in _ancestors(node)
    )


def _amount_cell(block: nodes.Element) -> bool:
    """Whether *block* is a body cell of a table column headed by a unit of money or a count."""
    entry = block.parent
    row = entry.parent if isinstance(entry, nodes.entry) else None
    if row is None or not isinstance(row.parent, nodes.tbody):
        return False
    column = sum(1 + int(cell.get("morecols", 0)) for cell in row.children[: row.index(entry)])
    tgroup = row.parent.parent
    headers = []
    for thead in (child for child in tgroup.children if isinstance(child, nodes.thead)):
        for header_row in thead.children:
            position = 0
            for cell in header_row.children:
                span = 1 + int(cell.get("morecols", 0))
                if position <= column < position + span:
                    headers.append(cell.astext())
                position += span
    return any(AMOUNT_COLUMN.search(header) for header in headers)


def _ancestors(node: nodes.Node | None) -> Iterator[nodes.Node]:
    current = node
    while current is not None:
        yield current
        current = current.parent


def _attributes(node: nodes.Element) -> Iterable[tuple[str, bool]]:
    """What a page publishes outside its text, and whether only e-mail addresses count in it.

    A contact link's target (mailto:, tel:) is checked whole; any other link target for
    addresses only (…?kto=jan@…), since its path and query are full of numbers that are not
    phones. Then links' titles, images' alt texts, abbreviations' expansions, a table of
    contents' caption and its entries' own titles.
    """
    if isinstance(node, nodes.reference) and node.get("refuri"):
        target = unquote(str(node["refuri"]))
        if target.lower().startswith(_CONTACT_SCHEMES):
            yield target.split(":", 1)[1], False
        else:
            yield target, True
    for key in _PUBLISHED_ATTRIBUTES:
        value = node.get(key)
        if isinstance(value, str) and value:
            yield value, False
    if isinstance(node, addnodes.toctree):
        for title, _ in node.get("entries", ()):
            if title:
                yield str(title), False


def _line(node: nodes.Node) -> tuple[nodes.Element | None, int | None]:
    """The block that knows its line, and the line of *node* in it (soft breaks counted)."""
    block = next((a for a in _ancestors(node) if isinstance(a, nodes.Element) and a.line), None)
    if block is None:
        return None, None
    before = 0
    if isinstance(node, nodes.Text):
        for text in block.findall(nodes.Text):
            if text is node:
                break
            before += str(text).count("\n")
    return block, (block.line or 0) + before


def setup_personal(app: Sphinx) -> None:
    # E-mail and phone of the book that may be published (normalised or as written).
    app.add_config_value("handbook_public_contacts", _statement_contacts, "env", types=[list, tuple])
    app.add_transform(PersonalData)
