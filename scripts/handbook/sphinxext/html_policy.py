"""What raw HTML a chapter may contain: a few harmless inline tags, nothing that runs code.

Chapters come from many outside authors and are published on a county website, so raw HTML
is refused except for an allow-list of tags without attributes. A `<script>`, an event
handler (`onclick=`…) or a `javascript:` link is always an error.
"""

from __future__ import annotations

import re

ALLOWED_TAGS = frozenset({"br", "sub", "sup", "abbr", "kbd", "small", "mark", "s", "u"})
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_EVENT_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


def html_problems(html: str) -> list[str]:
    """Polish descriptions of what is not allowed in *html* (empty when it is harmless)."""
    problems = []
    text = _COMMENT.sub("", html)
    if re.search(r"<\s*script", text, re.IGNORECASE):
        problems.append("znacznik <script> jest zabroniony (skrypty na stronie powiatu są niedozwolone)")
    if _EVENT_HANDLER.search(text):
        problems.append("atrybuty zdarzeń (np. onclick=) są zabronione")
    if re.search(r"(javascript|vbscript):", text, re.IGNORECASE):
        problems.append("odnośniki „javascript:” są zabronione")
    for closing, name, attributes in _TAG.findall(text):
        name = name.lower()
        if name == "script":
            continue  # already reported
        if name not in ALLOWED_TAGS:
            problems.append(
                f"znacznik HTML <{name}> jest niedozwolony; użyj składni Markdown "
                f"(dozwolone tylko: {', '.join(sorted(ALLOWED_TAGS))})"
            )
        elif attributes.strip() and not closing:
            problems.append(f"znacznik <{name}> nie może mieć atrybutów")
    return list(dict.fromkeys(problems))


def unsafe_url(url: str) -> bool:
    return bool(_SCRIPT_URL.match(url))
