"""After a change that touches only some pages, the site build writes only those pages.

Sphinx rewrites a page when its own source changed, and otherwise keeps it, even when what the
page shows of other documents changed: a retitled chapter in every page's navigation and in the
previous/next links, a figure renumbered in another chapter's „rys. 3.2”, a chapter added to the
contents. So the engine used to write every page of every build (about 90 % of an HTML build
after a one-chapter edit at 200 chapters).

Here every build takes a digest of what a page can show of the other documents: titles, tables
of contents and the toctree, section, figure and equation numbers, labels and terms, metadata
and front matter, images and downloads, the set of documents, the date pages carry, the asset
names, the engine's code. The digest is kept in the site folder (``STAMP``), so it travels
with the pages it describes. When it is unchanged, only the pages Sphinx itself finds outdated
are written; the others are the previous build's, byte for byte what a clean build writes.
When it changed, every page is written, and with ``handbook_clear_site`` (the staging build)
the folder is emptied first, so no page, image or download of a removed source stays.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path, PurePath
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.i18n import format_date

# In the site folder, a hidden file next to Sphinx's own .buildinfo; it holds only the digest.
STAMP = ".handbook-strony"


def cross_document_state(app: Sphinx, env: BuildEnvironment) -> str:
    """The digest of everything a page may show that comes from outside its own source."""
    config = app.config
    last_updated = None
    if config.html_last_updated_fmt is not None:
        last_updated = format_date(
            config.html_last_updated_fmt,
            language=config.language,
            local_time=not config.html_last_updated_use_utc,
        )
    state = {
        "documents": env.found_docs,
        "titles": env.titles,
        "longtitles": env.longtitles,
        "tocs": env.tocs,
        "toctree_includes": env.toctree_includes,
        "toc_secnumbers": env.toc_secnumbers,
        "toc_fignumbers": env.toc_fignumbers,
        "metadata": {doc: _shown_metadata(data) for doc, data in env.metadata.items()},
        "domaindata": env.domaindata,
        "images": dict(env.images),
        "downloads": dict(env.dlfiles),
        "extensions": {name: value for name, value in vars(env).items() if name.startswith("handbook_")},
        "last_updated": last_updated,
        "assets": getattr(app, "handbook_assets", {}).get("names"),
        "code": config.handbook_code_digest,
    }
    return hashlib.sha256(repr(_canonical(state)).encode("utf-8")).hexdigest()


def _shown_metadata(data: dict[str, Any]) -> dict[str, Any]:
    """A document's metadata without what changes with every edit and shows on no other page:
    MyST's word count, and the source line of each heading (its anchor and text stay in)."""
    shown = {key: value for key, value in data.items() if key != "wordcount"}
    if isinstance(shown.get("myst_slugs"), dict):
        shown["myst_slugs"] = {key: tuple(value)[1:] for key, value in shown["myst_slugs"].items()}
    return shown


def _canonical(value: Any) -> Any:
    """*value* in a form whose repr does not depend on the order documents were read in."""
    if isinstance(value, nodes.Node):
        return value.pformat()
    if isinstance(value, dict):
        return sorted(((repr(_canonical(k)), _canonical(v)) for k, v in value.items()), key=lambda kv: kv[0])
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(item) for item in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _canonical(dataclasses.asdict(value))
    if isinstance(value, PurePath):
        return str(value)
    return value


def pages_to_write(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: every document when what pages show of each other changed, else none."""
    if app.builder.format != "html":
        return []
    digest = cross_document_state(app, env)
    app.handbook_site_state = digest  # type: ignore[attr-defined]
    outdir = Path(app.outdir)
    try:
        unchanged = (outdir / STAMP).read_text(encoding="utf-8").strip() == digest
    except OSError:
        unchanged = False
    app.handbook_site_unchanged = unchanged  # type: ignore[attr-defined]
    if unchanged:
        return []
    if app.config.handbook_clear_site:
        _empty(outdir)
    return sorted(env.found_docs)


def _empty(folder: Path) -> None:
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def no_parents_again(app: Sphinx, builder: Any) -> None:
    """``write-started``: a page whose toctree lists an edited page is not written again for it.

    Sphinx writes it because the listed page's title or sections may have changed; they are in
    the digest, and when it is unchanged the listing page would be written byte for byte as it
    is (at 200 chapters the home page's contents list is the largest page of the site).
    """
    if getattr(app, "handbook_site_unchanged", False):
        app.handbook_parents = app.env.files_to_rebuild  # type: ignore[attr-defined]
        app.env.files_to_rebuild = {}


def _parents_back(app: Sphinx) -> None:
    parents = getattr(app, "handbook_parents", None)
    if parents is not None:
        app.env.files_to_rebuild = parents
        del app.handbook_parents  # type: ignore[attr-defined]


def write_stamp(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: the digest of the pages now in the folder."""
    _parents_back(app)
    digest = getattr(app, "handbook_site_state", None)
    if exception is None and digest is not None and app.builder.format == "html":
        (Path(app.outdir) / STAMP).write_text(digest + "\n", encoding="utf-8")


def setup_incremental(app: Sphinx) -> None:
    # True for a build into a staging folder that holds a copy of the published site.
    app.add_config_value("handbook_clear_site", False, "", types=[bool])
    # After the toctree collector (numbers) and the appendix numbering, which run at 500 and 900.
    app.connect("env-get-updated", pages_to_write, priority=950)
    app.connect("write-started", no_parents_again)
    app.connect("build-finished", write_stamp, priority=100)
