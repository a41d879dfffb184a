"""Safe Typst markup: escaped text, string literals and labels that never break the source."""

from __future__ import annotations

import re

# Every ASCII character with a meaning in Typst markup is escaped with a backslash. Quotes are
# not: smart quotes are switched off in the template, so they print as written.
_SPECIAL = re.compile(r"([\\#*_`$<>@\[\]~/=+\-{}])")
# "1." at a line start is a list and "..." an ellipsis shorthand: a dot after a digit or a
# dot is escaped too.
_DOT = re.compile(r"(?<=[0-9.])\.")
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def text(value: str) -> str:
    """Plain text as Typst markup that prints exactly *value* (line breaks become spaces)."""
    escaped = _SPECIAL.sub(r"\\\1", value.replace("\r", "").replace("\n", " "))
    return _DOT.sub(r"\\.", escaped)


def string(value: str) -> str:
    """A Typst string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'


def label(docname: str, anchor: str = "") -> str:
    """A Typst label unique in the book: document and anchor, reduced to safe characters.

    Unsafe characters are spelled as their code point, so distinct ids stay distinct.
    """
    raw = f"{docname}--{anchor}"
    safe = _LABEL_UNSAFE.sub(lambda m: f".{ord(m.group()):x}.", raw)
    return f"<{safe}>"
