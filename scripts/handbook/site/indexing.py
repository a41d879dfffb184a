"""What the search index and the sitemap see of a page: which pages are for readers, and the
article's HTML prepared for Pagefind (ids on headings, navigation and anchors left out,
„ł” words findable without the Polish letter)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from sphinx.environment import BuildEnvironment

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Pagefind's own weights of headings: a folded heading word counts as much as the heading.
HEADING_WEIGHTS = {"h1": "7", "h2": "6", "h3": "5", "h4": "4", "h5": "3", "h6": "2"}
IGNORE = "data-pagefind-ignore"
# Parts of the article that are no reading text: the „#” anchors of headings and captions,
# the chapter's byline (authors, status, the draft notice) and tables of contents.
NOT_TEXT = ("a.headerlink", "div.handbook-byline", "div.toctree-wrapper")
FOLD_CLASS = "handbook-fold"
# Ends every folded word in the index's text: invisible, dropped by Pagefind from the word it
# indexes (not a word character), and the mark by which the search page drops the word from an
# excerpt, where the reader sees the word as written just before it.
FOLD_MARK = "\u2060"
# Text inside these is not prose: no folded spellings there.
NOT_PROSE = ("script", "style", "pre", "code", "math", "svg", *HEADINGS)
# Blocks read as units (a figure with its caption, a table, a glossary): their words' folded
# spellings follow the block, in one span, so the block's own text stays as written.
BLOCKS = ("figure", "table", "dl")
_WORD = re.compile(r"[^\W_]+")
_WHITESPACE = re.compile(r"(\s+)")


def reader_pages(env: BuildEnvironment, accessibility_page: str) -> set[str]:
    """The pages a search engine lists (sitemap) and, but for the home page, the site's search
    indexes (site/html.py): the book, as the PDF prints it.

    That is the home page and every page its toctrees reach, plus the accessibility statement
    named in the settings (an orphan the law requires). Any other orphan — the authors' guide —
    is a page for the book's makers: reachable by its address, absent from search and sitemap.
    A page whose front matter sets Sphinx's own ``nosearch`` flag is left out as well.
    """
    root = env.config.root_doc
    found: set[str] = set()
    todo = [root, accessibility_page]
    while todo:
        docname = todo.pop()
        if docname in found or docname not in env.found_docs:
            continue
        found.add(docname)
        todo.extend(env.toctree_includes.get(docname, ()))
    return {d for d in found if "nosearch" not in env.metadata.get(d, {})}


def prepare_body(body: str, *, fold: bool) -> str:
    """The article's HTML as Pagefind should index it; the page looks and links the same."""
    soup = BeautifulSoup(body, "html.parser")
    _ids_on_headings(soup)
    for selector in NOT_TEXT:
        for element in soup.select(selector):
            element[IGNORE] = ""
    if fold:
        _fold_l(soup)
    return str(soup)


def _ids_on_headings(soup: BeautifulSoup) -> None:
    """Pagefind makes a sub-result of a heading with an id; docutils puts the id on the section.

    The section's id moves to its heading (a link to it lands on the same line); the section's
    other ids stay where docutils wrote them, as empty spans just above the heading.
    """
    for section in soup.find_all("section", id=True):
        heading = section.find(HEADINGS, recursive=False)
        if heading is not None and not heading.get("id"):
            heading["id"] = section["id"]
            del section["id"]


def folded(word: str) -> str:
    return word.replace("ł", "l").replace("Ł", "L")


def _fold_l(soup: BeautifulSoup) -> None:
    """Each word with „ł” followed by its spelling with „l”, hidden, for the index only.

    Pagefind folds diacritics by Unicode decomposition, which turns „ą” into „a” but leaves „ł”
    alone (it has none), so „zwykle” would not find „zwykłe”. The folded word stands where the
    word stands, as often as it does, so a query typed without „ł” ranks a page and picks its
    excerpt as the query with „ł” would. A heading's words follow the heading, with its weight,
    so that titles in results stay as written.
    """
    for text in list(soup.find_all(string=True)):
        if not isinstance(text, NavigableString) or type(text) is not NavigableString:
            continue  # comments, CDATA, doctype
        if "ł" not in text.lower() or _inside(text, NOT_PROSE) or _ignored(text):
            continue
        if _inside(text, BLOCKS):
            continue
        pieces: list[NavigableString | Tag] = []
        rest = ""
        # After the whole run of non-blank characters, so the folded word does not come between
        # the word and its punctuation.
        for chunk in _WHITESPACE.split(str(text)):
            rest += chunk
            words = [w for w in _words(chunk) if "ł" in w.lower()]
            if words:
                pieces.append(NavigableString(rest))
                pieces.append(_fold_span(soup, words))
                rest = ""
        if rest:
            pieces.append(NavigableString(rest))
        text.replace_with(*pieces)
    for block in soup.find_all(BLOCKS):
        if _inside(block, BLOCKS) or _ignored(block):
            continue
        words = [
            word
            for piece in block.find_all(string=True)
            if type(piece) is NavigableString and not _ignored(piece) and not _inside(piece, NOT_PROSE)
            for word in _words(str(piece))
            if "ł" in word.lower()
        ]
        if words:
            block.insert_after(_fold_span(soup, words))
    for heading in soup.find_all(HEADINGS):
        if _ignored(heading):
            continue
        words = [
            word
            for piece in heading.find_all(string=True)
            if not _ignored(piece)
            for word in _words(str(piece))
            if "ł" in word.lower()
        ]
        if words:
            span = _fold_span(soup, words)
            span["data-pagefind-weight"] = HEADING_WEIGHTS[heading.name]
            heading.insert_after(span)


def _words(text: str) -> list[str]:
    """The words of a piece of text (not of HTML: the tree is parsed already)."""
    return _WORD.findall(text)


def _fold_span(soup: BeautifulSoup, words: list[str]) -> Tag:
    span = soup.new_tag("span", attrs={"class": FOLD_CLASS, "hidden": "", "aria-hidden": "true"})
    # The leading space keeps the folded word apart from the word before it in the index.
    span.string = "".join(f" {folded(w)}{FOLD_MARK}" for w in words)
    return span


def _inside(node: NavigableString | Tag, names: tuple[str, ...]) -> bool:
    return any(parent.name in names for parent in node.parents)


def _ignored(node: NavigableString | Tag) -> bool:
    nodes = [node] if isinstance(node, Tag) else []
    return any(IGNORE in element.attrs for element in [*nodes, *node.parents] if element.attrs is not None)
