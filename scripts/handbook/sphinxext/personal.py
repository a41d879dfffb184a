"""Personal data in chapters: an e-mail, phone number or PESEL in a page stops the build at its line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from handbook.data.privacy import ADVICE, Found, find_personal_data, public_contacts

# The byline is made from the front matter, which frontmatter.py checks at its own lines.
from handbook.sphinxext.frontmatter import BYLINE, front_matter

logger = logging.getLogger(__name__)

# What an author shows as code (an example address in the authors' guide) is not the page's prose.
_CODE = (
    nodes.literal,
    nodes.literal_block,
    nodes.doctest_block,
    nodes.raw,
    nodes.comment,
    nodes.math,
    nodes.math_block,
    nodes.system_message,
)


def allowed_contacts(config: Config) -> frozenset[str]:
    """The public contacts of the book (normalised), which the guard lets through."""
    return public_contacts(config.handbook_public_contacts)


def _statement_contacts(config: Config) -> list[str]:
    # By default, what the accessibility statement prints from the settings as its contact.
    values = getattr(config, "handbook_substitutions", None) or {}
    return [str(values.get(key, "")) for key in ("email", "telefon")]


class PersonalData(SphinxTransform):
    """Warn at the line of every e-mail, phone number or PESEL in a page's text, links and alt texts."""

    # After the byline is inserted (700), which is skipped; before typography (760) rewrites spaces.
    default_priority = 710

    def apply(self, **kwargs: object) -> None:
        allowed = allowed_contacts(self.config)
        title = self._front_matter_title()
        # A mailto: link usually shows its address too: one warning per address and line.
        self._warned: set[tuple[object, str]] = set()
        for text in list(self.document.findall(nodes.Text)):
            if _published_prose(text) and not (title is not None and _inside(text, title)):
                for found in find_personal_data(str(text), allowed):
                    self._warn(text, found, str(text)[: found.start].count("\n"))
        for node in self.document.findall(nodes.Element):
            if _inside_code(node):
                continue
            for value in _attributes(node):
                for found in find_personal_data(value, allowed):
                    self._warn(node, found, 0)

    def _front_matter_title(self) -> nodes.title | None:
        """The chapter title MyST made from the front matter: checked there, at its own line."""
        if front_matter(self.env, self.env.docname) is None:
            return None
        section = next(iter(self.document.findall(nodes.section)), None)
        return next(iter(section.findall(nodes.title)), None) if section is not None else None

    def _warn(self, node: nodes.Node, found: Found, newlines: int) -> None:
        block, line = _line(node)
        where: object = self.env.docname
        if block is not None and line is not None:
            # Text from an included file is reported where docutils places it; the page's own
            # text at its exact line, soft line breaks of the paragraph counted.
            own = not block.source or block.source == str(self.env.doc2path(self.env.docname))
            where = (self.env.docname, line + newlines) if own else block
        if (str(where), found.key) in self._warned:
            return
        self._warned.add((str(where), found.key))
        logger.warning(
            f"tekst zawiera {found.describe()}; {ADVICE}",
            location=where,
            type="handbook",
            subtype="personal",
        )


def _published_prose(text: nodes.Text) -> bool:
    return not _inside_code(text) and not any(
        BYLINE in ancestor.get("classes", ())
        for ancestor in _ancestors(text)
        if isinstance(ancestor, nodes.Element)
    )


def _inside_code(node: nodes.Node) -> bool:
    return any(isinstance(ancestor, _CODE) for ancestor in _ancestors(node))


def _inside(node: nodes.Node, container: nodes.Node) -> bool:
    return any(ancestor is container for ancestor in _ancestors(node))


def _ancestors(node: nodes.Node) -> Iterator[nodes.Node]:
    current: nodes.Node | None = node
    while current is not None:
        yield current
        current = current.parent


def _attributes(node: nodes.Element) -> Iterable[str]:
    """What a page publishes outside its text: mailto:/tel: link targets and images' alt texts."""
    if isinstance(node, nodes.reference):
        target = str(node.get("refuri", ""))
        if target.lower().startswith(("mailto:", "tel:", "callto:", "sms:")):
            yield target.split(":", 1)[1]
    if isinstance(node, nodes.image) and node.get("alt"):
        yield str(node["alt"])


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
