"""A chapter saved while Sphinx reads it is read again by the next build.

Sphinx records a document's read time after parsing it, and the next build re-reads only the
documents modified after that time. A save between the moment Sphinx read the file and the
moment it recorded the time is lost: the next build takes the old text as current, and the
preview keeps showing it until the chapter is saved once more. Here every document read in a
build is recorded as read at the start of the reading phase, before any file was opened, so a
save during the build always makes the document outdated (at worst one needless re-read).
"""

from __future__ import annotations

import time

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

_STARTED = "handbook_read_started"


def _before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    # The same clock and unit as Sphinx's own record (microseconds since the epoch). The list
    # itself, not a copy: handlers after this one add the documents they need read again.
    setattr(env, _STARTED, (time.time_ns() // 1_000, docnames))


def _after_read(app: Sphinx, env: BuildEnvironment) -> list[str]:
    started, docnames = getattr(env, _STARTED, (None, []))
    if started is not None:
        for docname in docnames:
            if docname in env.all_docs:
                env.all_docs[docname] = min(env.all_docs[docname], started)
        delattr(env, _STARTED)
    return []


def setup_readtime(app: Sphinx) -> None:
    app.connect("env-before-read-docs", _before_read, priority=100)
    app.connect("env-updated", _after_read)
