"""Personal-data guard (RODO): no e-mail, phone or PESEL anywhere, free text only if declared."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

SAFE_TEXT = "x-rodo-bezpieczne"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# +48 / 0048, then 9 digits (mobile 3-3-3 or landline 2-3-2-2), spaces or hyphens allowed.
_PHONE = re.compile(
    r"(?<![\d])(?:(?:\+|00)48[ -]?)?(?:\d{3}[ -]?\d{3}[ -]?\d{3}|\d{2}[ -]?\d{3}[ -]?\d{2}[ -]?\d{2})(?![\d])"
)
# Any 11-digit number: a PESEL with a typo in it is still personal data.
_PESEL = re.compile(r"(?<!\d)\d{11}(?!\d)")


def personal_data(value: str) -> str | None:
    """What kind of personal data *value* looks like, or None."""
    if _EMAIL.search(value):
        return "adres e-mail"
    if _PESEL.search(value):
        return "numer PESEL (liczba 11-cyfrowa)"
    if _PHONE.search(value):
        return "numer telefonu"
    return None


def undeclared_free_text(fields: list[Mapping[str, Any]], foreign: set[str]) -> Iterator[str]:
    """Names of free-text columns (no allowed values, no pattern, no reference) not declared safe."""
    for field in fields:
        if field["type"] != "string" or field["name"] in foreign:
            continue
        constraints = field.get("constraints", {})
        if "enum" in constraints or "pattern" in constraints:
            continue
        if field.get(SAFE_TEXT) is not True:
            yield field["name"]
