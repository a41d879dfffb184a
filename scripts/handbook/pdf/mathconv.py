"""A small LaTeX → Typst math converter for the formulas a handbook may contain.

No maintained Python library converts LaTeX math to Typst (the known converters are a
JavaScript library and a Typst package that Typst would download), so this covers the
common subset and rejects the rest with a message, instead of printing wrong mathematics.
"""

from __future__ import annotations

import re

_SYMBOLS = {
    "alpha": "alpha",
    "beta": "beta",
    "gamma": "gamma",
    "delta": "delta",
    "epsilon": "epsilon",
    "lambda": "lambda",
    "mu": "mu",
    "pi": "pi",
    "sigma": "sigma",
    "tau": "tau",
    "phi": "phi",
    "omega": "omega",
    "Delta": "Delta",
    "Sigma": "Sigma",
    "Omega": "Omega",
    "cdot": "dot",
    "times": "times",
    "div": "div",
    "pm": "plus.minus",
    "leq": "<=",
    "le": "<=",
    "geq": ">=",
    "ge": ">=",
    "neq": "!=",
    "ne": "!=",
    "approx": "approx",
    "infty": "infinity",
    "sum": "sum",
    "prod": "product",
    "int": "integral",
    "to": "->",
    "rightarrow": "->",
    "leftarrow": "<-",
    "ldots": "...",
    "dots": "...",
    "cdots": "dots.c",
    "in": "in",
    "percent": "%",
    "%": "%",
    ",": "thin",
    ";": "med",
    "quad": "quad",
    "qquad": "wide",
}
_FUNCTIONS = {"frac": 2, "sqrt": 1, "mathbf": 1, "overline": 1}
_TOKEN = re.compile(r"\\([A-Za-z]+|[%,;{}_^\\ ])|([{}])|([^\\{}]+)")


class UnsupportedMath(ValueError):
    """The formula uses LaTeX this converter does not know."""


def latex_to_typst(source: str) -> str:
    tokens = _TOKEN.findall(source.strip())
    result, _ = _sequence(tokens, 0, closing=False)
    # Attachments bind to what stands right before them: "sum _(i)" must be "sum_(i)".
    result = re.sub(r"\s+([_^])", r"\1", result)
    return re.sub(r"\s{2,}", " ", result).strip()


def _raw_argument(tokens: list[tuple[str, str, str]], index: int, command: str) -> tuple[str, int]:
    """The literal text of ``{…}`` after \\text: Typst prints it upright as a string."""
    if index >= len(tokens) or tokens[index][1] != "{":
        raise UnsupportedMath(f"polecenie \\{command} wymaga argumentu w {{…}}")
    words = []
    index += 1
    while index < len(tokens) and tokens[index][1] != "}":
        words.append(tokens[index][2] or tokens[index][0])
        index += 1
    if index >= len(tokens):
        raise UnsupportedMath("niezamknięty nawias klamrowy")
    return "".join(words).replace('"', '\\"'), index + 1


def _sequence(tokens: list[tuple[str, str, str]], index: int, closing: bool) -> tuple[str, int]:
    parts: list[str] = []
    while index < len(tokens):
        command, brace, plain = tokens[index]
        if brace == "}":
            if closing:
                return "".join(parts), index + 1
            raise UnsupportedMath("nadmiarowy nawias „}”")
        if brace == "{":
            inner, index = _sequence(tokens, index + 1, closing=True)
            parts.append(f"({inner})")
            continue
        if plain:
            parts.append(_plain(plain))
            index += 1
            continue
        if command in ("{", "}", "_", "^"):
            parts.append("\\" + command)
            index += 1
        elif command in ("text", "mathrm"):
            words, index = _raw_argument(tokens, index + 1, command)
            parts.append(f'"{words}"')
        elif command in _FUNCTIONS:
            args = []
            index += 1
            for _ in range(_FUNCTIONS[command]):
                if index >= len(tokens) or tokens[index][1] != "{":
                    raise UnsupportedMath(f"polecenie \\{command} wymaga argumentu w {{…}}")
                arg, index = _sequence(tokens, index + 1, closing=True)
                args.append(arg)
            parts.append(_function(command, args))
        elif command in _SYMBOLS:
            parts.append(f" {_SYMBOLS[command]} ")
            index += 1
        elif command in (" ", "\\"):
            parts.append(" ")
            index += 1
        else:
            raise UnsupportedMath(f"nieobsługiwane polecenie LaTeX-a \\{command}")
    if closing:
        raise UnsupportedMath("niezamknięty nawias klamrowy")
    return "".join(parts), index


def _plain(text: str) -> str:
    # Multi-letter runs are products of variables in LaTeX; Typst would read them as names.
    spaced = re.sub(r"(?<=[A-Za-z])(?=[A-Za-z])", " ", text)
    return spaced.replace('"', '\\"')


def _function(name: str, args: list[str]) -> str:
    if name == "frac":
        return f"frac({args[0]}, {args[1]})"
    if name == "sqrt":
        return f"sqrt({args[0]})"
    if name == "mathbf":
        return f"bold({args[0]})"
    return f"overline({args[0]})"
