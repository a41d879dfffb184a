"""Book numbering for both builders: appendices number their figures A.1, B.1…, and a numbered
reference reads as Polish prose („tab. 3.1”, „rys. 3.2”) while captions keep „Tabela 3.1.”.

Sphinx uses one `numfig_format` for captions and references; a caption names the object
(„Tabela 3.1.”), but in a sentence Polish declines the noun („Dane z Tabela 3.1” is wrong), so a
reference without its own text gets the abbreviation, which does not decline.
"""

from __future__ import annotations

import copy
import re
import string
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform

# What a reference says, per kind of numbered object; `{number}` is Sphinx's number.
# A no-break space keeps the abbreviation with its number.
REFERENCE_FORMAT = {
    "figure": "rys.\u00a0{number}",
    "table": "tab.\u00a0{number}",
    "code-block": "listing\u00a0{number}",
    "section": "rozdz.\u00a0{number}",
}
# A reference opening a sentence starts with a capital letter; a dot after one of these
# abbreviations ends no sentence („zob. tab. 2.1”).
ABBREVIATIONS = frozenset(
    [
        "zob",
        "por",
        "np",
        "tzn",
        "tj",
        "tzw",
        "m.in",
        "ok",
        "wg",
        "ww",
        "al",
        "ul",
        "nr",
        "pkt",
        "ust",
        "art",
        "str",
        "s",
        "r",
        "godz",
        "ds",
        "cyt",
        "red",
        "wyd",
        "jw",
        "ryc",
        "rys",
        "tab",
        "rozdz",
    ]
)
_LAST_WORD = re.compile(r"([\w.]+)\.\s*$")


def appendices(env: BuildEnvironment) -> list[str]:
    """Documents listed by the root document's unnumbered toctrees, in reading order."""
    numbered: set[str] = set()
    found: list[str] = []
    for toctree in env.get_doctree(env.config.root_doc).findall(addnodes.toctree):
        names = [name for _title, name in toctree["entries"] if name in env.all_docs]
        if toctree.get("numbered"):
            numbered.update(names)
        else:
            found += [name for name in names if name not in found]
    return [name for name in found if name not in numbered]


def appendix_letter(position: int) -> str:
    return string.ascii_uppercase[position] if position < 26 else f"Z{position - 25}"


def number_appendices(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Renumber the figures, tables and listings of each appendix as A.1, A.2…, B.1…

    Runs after Sphinx's TocTreeCollector has assigned `env.toc_fignumbers` (the same event, a
    later priority): unnumbered documents would otherwise continue the root's count (3, 4…).
    """
    if not env.config.numfig:
        return []
    before: dict[str, Any] = getattr(env, "handbook_appendix_numbers", {})
    raw, after = {}, {}
    for position, docname in enumerate(appendices(env)):
        if docname not in env.toc_fignumbers:
            continue
        raw[docname] = copy.deepcopy(env.toc_fignumbers[docname])
        letter = appendix_letter(position)
        for numbers in env.toc_fignumbers[docname].values():
            for index, figure_id in enumerate(numbers, start=1):  # document order
                numbers[figure_id] = (letter, index)
        after[docname] = copy.deepcopy(env.toc_fignumbers[docname])
    env.handbook_appendix_numbers = after  # type: ignore[attr-defined]
    env.handbook_raw_appendix_numbers = raw  # type: ignore[attr-defined]
    # Only the appendices whose letters and numbers are not what the previous build gave them.
    return sorted(
        doc for doc in set(before) | set(after) if before.get(doc) != after.get(doc) and doc in env.all_docs
    )


def unletter_appendices(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Before Sphinx numbers the figures: the appendices' numbers as Sphinx gave them last time.

    Sphinx finds the documents to write again by comparing its new numbers with the previous
    build's; compared with the letters, every appendix would be written by every build.
    """
    for docname, numbers in getattr(env, "handbook_raw_appendix_numbers", {}).items():
        if env.toc_fignumbers.get(docname) == getattr(env, "handbook_appendix_numbers", {}).get(docname):
            env.toc_fignumbers[docname] = copy.deepcopy(numbers)
    return []


class NumberedReferences(SphinxPostTransform):
    """Give each `{numref}` without its own text the reference form of its kind.

    Runs before Sphinx's ReferencesResolver (priority 10), which then fills in the number as it
    does for any reference whose author wrote the text („{number}”).
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain = self.env.domains.standard_domain
        for node in self.document.findall(addnodes.pending_xref):
            if node.get("reftype") != "numref" or node.get("refexplicit"):
                continue
            kind = self._kind(domain, node["reftarget"])
            if kind not in REFERENCE_FORMAT:
                continue
            text = REFERENCE_FORMAT[kind]
            if self._opens_sentence(node):
                text = text[0].upper() + text[1:]
            node["refexplicit"] = True
            node.children[0].replace_self(nodes.inline(text, text, classes=["std", "std-numref"]))

    def _kind(self, domain: Any, target: str) -> str | None:
        docname, labelid = domain.labels.get(target, domain.anonlabels.get(target, ("", "")))[:2]
        if not docname:
            return None
        # Figures, tables and listings from their numbers, without unpickling the document.
        for kind, numbers in self.env.toc_fignumbers.get(docname, {}).items():
            if labelid in numbers:
                return str(kind)
        target_node = self.env.get_doctree(docname).ids.get(labelid)
        return domain.get_enumerable_node_type(target_node) if target_node is not None else None

    @staticmethod
    def _opens_sentence(node: nodes.Element) -> bool:
        parent = node.parent
        if not isinstance(parent, nodes.paragraph):
            return False
        before = "".join(sibling.astext() for sibling in parent.children[: parent.index(node)]).rstrip()
        if not before or before.endswith(("!", "?", "…")):
            return True
        word = _LAST_WORD.search(before)
        return word is not None and word[1].lower() not in ABBREVIATIONS


def setup_numbering(app: Sphinx) -> None:
    app.connect("env-get-updated", unletter_appendices, priority=400)
    app.connect("env-get-updated", number_appendices, priority=900)
    app.add_post_transform(NumberedReferences)
