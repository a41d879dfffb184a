"""MyST as the engine runs it: one configuration, plain substitutions, links and includes checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.directives.misc import Include
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.substitution import substitution_plugin
from myst_parser.config.main import TopmatterReadError, read_topmatter
from myst_parser.mdit_to_docutils.base import token_line
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.directives import MarkupError, parse_directive_text
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from sphinx.application import Sphinx
from sphinx.util import logging

from handbook.sphinxext.boundary import (
    PARSER_OPTION_REFUSED,
    Refused,
    include_target,
    outside_chapter,
    sphinx_reference,
)
from handbook.sphinxext.html_policy import inline_attribute_problems, url_problem

logger = logging.getLogger(__name__)

# Front-matter keys with which MyST lets a single page change how it is parsed: re-enable Jinja
# substitutions, add <meta> tags, declare new link schemes…
FILE_LEVEL_KEYS = ("myst", "mystnb", "html_meta", "substitutions")
# Sphinx's page flags: all a page without a chapter's front matter may set in its own.
PAGE_FLAGS = ("orphan", "nosearch", "tocdepth")
# `:parser:` (or `parser:` in a YAML block) on a line of an include's options, however malformed.
_PARSER_LINE = re.compile(r"^\s*:?parser\s*:", re.MULTILINE | re.IGNORECASE)
# Tokens after which MyST's `attrs_inline` reads `{…}`.
_ATTRIBUTED = ("link", "image", "code_inline", "span")


def configure(md: MarkdownIt) -> MarkdownIt:
    """What the engine adds to MyST's Markdown parser, for the build and `handbook sprawdz` alike."""
    # `{{ name }}` becomes a token the renderer fills with a plain value; MyST's own extension
    # would evaluate it as a Jinja2 expression, which can run any code on the editor's machine.
    md.use(substitution_plugin, "{", "}")
    # markdown-it leaves a `javascript:` link as plain text; made a link, it reaches the one
    # scheme check below and is refused with its line.
    md.validateLink = _any_link  # type: ignore[method-assign]
    return md


def _any_link(url: str) -> bool:
    return True


def author_attributes(attrs: Mapping[str, Any], meta: Mapping[str, Any]) -> dict[str, Any]:
    """Everything an author wrote in ``{…}``, with what the attrs plugin set aside as unsafe."""
    return {**attrs, **meta.get("insecure_attrs", {})}


def substitution_value(expression: str, values: Mapping[str, str]) -> str:
    """The value of ``{{ expression }}``: a field name only, never an expression."""
    name = expression.strip()
    if not name.isidentifier():
        raise Refused(
            f"„{{{{ {name[:40]} }}}}”: w podwójnych nawiasach wolno podać tylko nazwę pola "
            "(np. {{ podmiot }}); wyrażenia, atrybuty, filtry i wywołania są niedozwolone"
        )
    if name not in values:
        raise Refused(f"nieznane pole „{{{{ {name} }}}}”; dostępne: {', '.join(sorted(values))}")
    return str(values[name])


class BookRenderer(SphinxRenderer):
    """MyST's renderer with the engine's checks at the points where MyST reads a chapter."""

    def __init__(self, parser: MarkdownIt) -> None:
        super().__init__(parser)
        # Files being included, outermost first: none may include itself, even indirectly.
        self._including: list[Path] = []

    def _warn(self, token: SyntaxTreeNode | int, message: str) -> None:
        line = token if isinstance(token, int) else token_line(token, 0)
        logger.warning(
            message + ".",
            location=f"{self.document['source']}:{line}",
            type="handbook",
            subtype="markdown",
        )

    # Substitutions --------------------------------------------------------------------------

    def render_substitution_inline(self, token: SyntaxTreeNode) -> None:
        text = self._substitution(token)
        if text is not None:
            self.current_node.append(text)

    def render_substitution_block(self, token: SyntaxTreeNode) -> None:
        text = self._substitution(token)
        if text is not None:
            paragraph = nodes.paragraph()
            self.add_line_and_source_path(paragraph, token)
            paragraph += text
            self.current_node.append(paragraph)

    def _substitution(self, token: SyntaxTreeNode) -> nodes.Text | None:
        try:
            # A text node: the value is never read as Markdown or HTML.
            return nodes.Text(
                substitution_value(token.content, self.sphinx_env.config.handbook_substitutions)
            )
        except Refused as refusal:
            self._warn(token, str(refusal))
            return None

    # Links and inline attributes --------------------------------------------------------------

    def render_link(self, token: SyntaxTreeNode) -> None:
        # As MyST will use it: percent-escapes undone, so "java%09script:" is seen as written.
        problem = url_problem(self.md.normalizeLinkText(str(token.attrGet("href") or "")))
        if problem:
            self._warn(token, problem)
            self.render_children(token)
            return
        super().render_link(token)

    def copy_attributes(self, token: SyntaxTreeNode, node: nodes.Element, *args: Any, **kwargs: Any) -> None:
        if token.type in _ATTRIBUTED:
            for problem in inline_attribute_problems(token.type, author_attributes(token.attrs, token.meta)):
                self._warn(token, problem)
        super().copy_attributes(token, node, *args, **kwargs)

    # {include} ------------------------------------------------------------------------------

    def run_directive(
        self,
        name: str,
        first_line: str,
        content: str,
        position: int,
        additional_options: dict[str, str] | None = None,
        *,
        block_text: str | None = None,
    ) -> list[nodes.Element]:
        klass, _ = directives.directive(name, self.language_module_rst, self.document)
        if klass is None or not issubclass(klass, Include):
            return super().run_directive(  # type: ignore[no-any-return]
                name, first_line, content, position, additional_options, block_text=block_text
            )
        # MyST reads an included file itself instead of running the directive.
        options = _options(klass, first_line, content, additional_options)
        if "parser" in options or _PARSER_LINE.search(content):
            # docutils would import the module it names; MyST would parse with it unchecked.
            self._warn(position, f"{{{name}}}: {PARSER_OPTION_REFUSED}")
            return []
        reference = "".join(part.strip() for part in first_line.splitlines())
        try:
            path = include_target(self.sphinx_env, reference)
        except Refused as refusal:
            self._warn(position, f"{{{name}}}: {refusal}")
            return []
        if path == Path(self.document["source"]).resolve() or path in self._including:
            self._warn(position, f"{{{name}}}: plik „{reference}” dołączałby sam siebie")
            return []
        self._including.append(path)
        try:
            return super().run_directive(  # type: ignore[no-any-return]
                name,
                sphinx_reference(self.sphinx_env, path),
                content,
                position,
                additional_options,
                block_text=block_text,
            )
        finally:
            self._including.pop()


def _options(
    klass: type[Directive], first_line: str, content: str, additional: dict[str, str] | None
) -> dict[str, Any]:
    """The options of a directive as written, none of them converted (a converter may import)."""
    try:
        parsed = parse_directive_text(
            klass, first_line, content, validate_options=False, additional_options=additional
        )
    except MarkupError:
        return {}  # MyST reports the broken directive itself
    return dict(parsed.options)


class BookParser(MystParser):
    """The ``.md`` parser: MyST with the book's configuration and the engine's renderer."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        outside = outside_chapter(env, document["source"])
        if outside:
            # Read already, but parsed as an empty page: nothing of it reaches the doctree.
            logger.warning(
                outside + ".", location=f"{document['source']}:1", type="handbook", subtype="boundary"
            )
            inputstring = ""
        self._refuse_file_level_config(inputstring, document)
        # The book's configuration only: MyST would merge a page's own `myst:` front matter.
        parser = configure(create_md_parser(env.myst_config, BookRenderer))
        parser.options["document"] = document
        parser.render(inputstring)

    @staticmethod
    def _refuse_file_level_config(inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        # Chapters are refused unknown front-matter keys by frontmatter.py already; pages without
        # a chapter's front matter may carry only Sphinx's own page flags.
        if env.docname not in env.config.handbook_frontmatter_exempt:
            return
        try:
            topmatter = read_topmatter(inputstring) or {}
        except TopmatterReadError:
            return
        lines = inputstring.splitlines()
        for key in (str(k) for k in topmatter if k not in PAGE_FLAGS):
            if key in FILE_LEVEL_KEYS:
                why = "ustawienia Markdownu są wspólne dla całego podręcznika"
            else:
                # Any other key becomes page metadata, which e.g. sphinxext-opengraph writes
                # into a <meta> tag of the page as it is.
                why = f"na tej stronie dozwolone są tylko: {', '.join(PAGE_FLAGS)}"
            line = next((n for n, text in enumerate(lines, 1) if text.lstrip("'\"").startswith(key[:20])), 1)
            logger.warning(
                f"pole „{key[:40]}” w metryczce jest niedozwolone: {why}.",
                location=f"{document['source']}:{line}",
                type="handbook",
                subtype="markdown",
            )


def setup_parser(app: Sphinx) -> None:
    app.add_config_value("handbook_substitutions", {}, "env", types=[dict])
    app.add_source_parser(BookParser, override=True)
