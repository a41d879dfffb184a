"""A small LaTeX → Typst math converter for the formulas a handbook may contain.

No maintained Python library converts LaTeX math to Typst (the known converters are a
JavaScript library and a Typst package that Typst would download), so this covers the
common subset and rejects the rest with a message, instead of printing wrong mathematics.

The formula is written by the author and goes into the Typst source between ``$…$``, so the
converter is an allow-list: what it emits is its own vocabulary (symbol and function names,
parentheses and commas it places itself), letters, digits, ``+ - = '``, escaped punctuation
(``\\#``) and string literals it escapes itself. Nothing the author writes reaches Typst as code
(``#``), as the end of the formula (``$``), as a comment (``//``) or as an argument separator.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Levels of {…}, arguments and attachments; deeper formulas are refused, not recursed into.
MAX_DEPTH = 40

_SYMBOLS = {
    "alpha": "alpha",
    "beta": "beta",
    "gamma": "gamma",
    "delta": "delta",
    "epsilon": "epsilon",
    "varepsilon": "epsilon.alt",
    "theta": "theta",
    "lambda": "lambda",
    "mu": "mu",
    "pi": "pi",
    "rho": "rho",
    "sigma": "sigma",
    "tau": "tau",
    "phi": "phi",
    "varphi": "phi.alt",
    "chi": "chi",
    "omega": "omega",
    "Gamma": "Gamma",
    "Delta": "Delta",
    "Pi": "Pi",
    "Sigma": "Sigma",
    "Phi": "Phi",
    "Omega": "Omega",
    "cdot": "dot",
    "times": "times",
    "div": "div",
    "pm": "plus.minus",
    "mp": "minus.plus",
    "leq": "lt.eq",
    "le": "lt.eq",
    "geq": "gt.eq",
    "ge": "gt.eq",
    "neq": "eq.not",
    "ne": "eq.not",
    "approx": "approx",
    "equiv": "equiv",
    "infty": "infinity",
    "sum": "sum",
    "prod": "product",
    "int": "integral",
    "to": "arrow.r",
    "rightarrow": "arrow.r",
    "leftarrow": "arrow.l",
    "Rightarrow": "arrow.r.double",
    "ldots": "dots.h",
    "dots": "dots.h",
    "cdots": "dots.c",
    "in": "in",
    "percent": "\\%",
    "quad": "quad",
    "qquad": "wide",
}
# Escaped characters: \X as written after the backslash, or as a space.
_ESCAPED_SYMBOLS = {
    "#": "\\#",
    "$": "\\$",
    "%": "\\%",
    "&": "\\&",
    "_": "\\_",
    "{": "\\{",
    "}": "\\}",
    "|": "bar.v.double",
    ",": " thin ",
    ";": " med ",
    ":": " med ",
    ">": " med ",
    "!": "",
    " ": " space ",
    "\\": " ",
}
_FUNCTIONS = {"frac": 2, "dfrac": 2, "tfrac": 2, "sqrt": 1, "mathbf": 1, "overline": 1}
# Commands whose argument is text: (Typst function around the string, or "" for none).
_TEXT_COMMANDS = {
    "text": "",
    "textrm": "",
    "textnormal": "",
    "textup": "",
    "mbox": "",
    "mathrm": "",
    "textbf": "bold",
    "textit": "italic",
    "operatorname": "op",
}
# Characters Typst reads in math as themselves, in any position (also inside an argument).
_BARE = frozenset("+-='")
# Characters that are an error in LaTeX unless escaped (\# shows "#").
_LATEX_SPECIAL = frozenset("#$&")
_TOKEN = re.compile(
    r"\\(?P<command>[A-Za-z]+)|\\(?P<escaped>.)|(?P<backslash>\\)|(?P<brace>[{}])|(?P<attach>[\^_])"
    r"|(?P<comment>%[^\n]*)|(?P<space>\s+)|(?P<number>[0-9]+(?:\.[0-9]+)?)|(?P<char>.)",
    re.DOTALL,
)
# A string literal the converter wrote, or an escaped character outside one (\" is not a string).
_STRING = re.compile(r'\\.|"(?:[^"\\]|\\.)*"', re.DOTALL)


class UnsupportedMath(ValueError):
    """The formula uses LaTeX this converter does not know."""


@dataclass
class _Token:
    kind: str
    value: str


def latex_to_typst(source: str) -> str:
    """*source* (LaTeX math) as Typst math, or :class:`UnsupportedMath` with the reason."""
    reader = _Reader(_tokens(source))
    result = reader.sequence(depth=0)
    return _tidy(result)


def _tokens(source: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(source.strip()):
        kind = match.lastgroup or "char"
        if kind == "comment":
            continue  # LaTeX's comment, to the end of the line (the site drops it as well)
        if kind == "backslash":
            raise UnsupportedMath("wzór kończy się ukośnikiem „\\”")
        value = match.group(kind)
        if kind == "escaped" and value.isspace():
            kind, value = "escaped", " "
        tokens.append(_Token(kind, value))
    return tokens


class _Reader:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def _peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _skip_spaces(self) -> None:
        while (token := self._peek()) is not None and token.kind == "space":
            self.index += 1

    @staticmethod
    def _deeper(depth: int) -> int:
        if depth >= MAX_DEPTH:
            raise UnsupportedMath(
                f"wzór jest zagnieżdżony zbyt głęboko (najwyżej {MAX_DEPTH} poziomów nawiasów {{…}}, "
                "ułamków i indeksów)"
            )
        return depth + 1

    def sequence(self, depth: int, closing: str | None = None) -> str:
        """Atoms up to the end, or up to *closing* ("}" or "]"), which is consumed."""
        parts: list[str] = []
        while (token := self._peek()) is not None:
            if token.kind == "brace" and token.value == "}":
                if closing != "}":
                    raise UnsupportedMath("nadmiarowy nawias „}”")
                self.index += 1
                return _join(parts)
            if closing == "]" and token.kind == "char" and token.value == "]":
                self.index += 1
                return _join(parts)
            if token.kind == "attach":
                self.index += 1
                operand = self.atom(self._deeper(depth), operand_of=token.value).strip() or '""'
                while parts and not parts[-1].strip():
                    parts.pop()
                if not parts:
                    parts.append('""')  # LaTeX allows an attachment with nothing before it
                parts[-1] = parts[-1].rstrip()
                parts.append(f"{token.value}{operand}")
                continue
            parts.append(self.atom(depth))
        if closing == "}":
            raise UnsupportedMath("niezamknięty nawias klamrowy „{”")
        if closing == "]":
            raise UnsupportedMath("niezamknięty nawias kwadratowy „[” po \\sqrt")
        return _join(parts)

    def atom(self, depth: int, operand_of: str = "") -> str:
        """One unit of the formula; after ^ or _ (*operand_of*), the one it attaches."""
        if operand_of:
            self._skip_spaces()
        token = self._peek()
        missing = token is None or token.kind == "attach" or (token.kind == "brace" and token.value == "}")
        if missing:
            if operand_of == "^":
                raise UnsupportedMath("po znaku „^” brakuje wykładnika")
            if operand_of == "_":
                raise UnsupportedMath("po znaku „_” brakuje indeksu")
            raise UnsupportedMath("brakuje argumentu polecenia")
        assert token is not None
        self.index += 1
        if token.kind == "space":
            return " "
        if token.kind == "brace":  # "{": a group
            inner = self.sequence(self._deeper(depth), closing="}")
            return f"({inner})" if inner.strip() else '""'
        if token.kind == "number":
            if operand_of and len(token.value) > 1:
                # x^23 is x² followed by 3, as in LaTeX.
                self.index -= 1
                self.tokens[self.index : self.index + 1] = _tokens(token.value[1:])  # "3.5": ".", "5"
                self.tokens.insert(self.index, _Token("number", token.value[0]))
                self.index += 1
                # An attachment in parentheses, or Typst would attach "23" again.
                return f"({token.value[0]})" if operand_of in ("^", "_") else token.value[0]
            return token.value
        if token.kind == "char":
            return _character(token.value)
        if token.kind == "escaped":
            if token.value in _ESCAPED_SYMBOLS:
                return _ESCAPED_SYMBOLS[token.value]
            raise UnsupportedMath(f"nieobsługiwane polecenie LaTeX-a \\{token.value}")
        return self._command(token.value, depth)

    def _command(self, name: str, depth: int) -> str:
        if name in _TEXT_COMMANDS:
            words = _string(self._text_argument(name, depth))
            function = _TEXT_COMMANDS[name]
            return f"{function}({words})" if function else words
        if name in _FUNCTIONS:
            if name == "sqrt":
                self._skip_spaces()
                token = self._peek()
                if token is not None and token.kind == "char" and token.value == "[":
                    self.index += 1
                    index = self.sequence(self._deeper(depth), closing="]").strip() or '""'
                    radicand = self._argument(name, depth)
                    return f"root({index}, {radicand})"
            args = [self._argument(name, depth) for _ in range(_FUNCTIONS[name])]
            return _function(name, args)
        if name in _SYMBOLS:
            return f" {_SYMBOLS[name]} "
        raise UnsupportedMath(f"nieobsługiwane polecenie LaTeX-a \\{name}")

    def _argument(self, command: str, depth: int) -> str:
        """An argument in {…} or, as LaTeX allows, a single token (\\frac12)."""
        self._skip_spaces()
        token = self._peek()
        if token is None or token.kind == "attach" or (token.kind == "brace" and token.value == "}"):
            raise UnsupportedMath(f"polecenie \\{command} wymaga argumentu w {{…}}")
        if token.kind == "brace":
            self.index += 1
            inner = self.sequence(self._deeper(depth), closing="}")
            return inner if inner.strip() else '""'
        return self.atom(self._deeper(depth), operand_of=" ").strip() or '""'

    def _text_argument(self, command: str, depth: int) -> str:
        """The literal text of ``{…}`` after \\text and the like: printed upright, as written."""
        self._skip_spaces()
        token = self._peek()
        if token is None or token.kind != "brace" or token.value != "{":
            raise UnsupportedMath(f"polecenie \\{command} wymaga argumentu w {{…}}")
        self.index += 1
        words: list[str] = []
        level = 1
        while (token := self._peek()) is not None:
            self.index += 1
            if token.kind == "brace":
                level += 1 if token.value == "{" else -1
                if level == 0:
                    return "".join(words)
                self._deeper(depth + level)
            elif token.kind == "space":
                words.append(" ")
            elif token.kind == "escaped":
                if token.value in "#$%&_{}":
                    words.append(token.value)
                elif token.value in " ,;:":
                    words.append(" ")
                elif token.value == "\\":
                    raise UnsupportedMath(
                        f"nowy wiersz (\\\\) wewnątrz \\{command}{{…}} nie jest obsługiwany"
                    )
                else:
                    unknown = f"\\{token.value} w \\{command}{{…}}"
                    raise UnsupportedMath(f"nieobsługiwane polecenie LaTeX-a {unknown}")
            elif token.kind == "command":
                raise UnsupportedMath(
                    f"polecenie \\{token.value} wewnątrz \\{command}{{…}} nie jest obsługiwane; "
                    f"wpisz w \\{command}{{…}} sam tekst"
                )
            elif token.kind == "char" and token.value == "$":
                raise UnsupportedMath(f"wzór wewnątrz \\{command}{{…}} nie jest obsługiwany")
            elif token.kind == "char" and token.value in _LATEX_SPECIAL:
                raise _special(token.value)
            else:
                words.extend(_text_character(c) for c in token.value)
        raise UnsupportedMath("niezamknięty nawias klamrowy „{”")


def _special(char: str) -> UnsupportedMath:
    return UnsupportedMath(f"znak „{char}” ma w LaTeX-u specjalne znaczenie; aby go pokazać, napisz \\{char}")


def _text_character(char: str) -> str:
    """One character of a text (\\text{…}): a space for any space, never an invisible one."""
    if char.isspace() or unicodedata.category(char)[0] == "Z":
        return " "
    if unicodedata.category(char)[0] in "CM":  # control, format, unassigned, combining marks
        raise UnsupportedMath(f"niedozwolony znak U+{ord(char):04X} (znak sterujący lub niewidoczny)")
    return char


def _character(char: str) -> str:
    """One character the author wrote, as Typst math that shows exactly it."""
    if _text_character(char) == " ":
        return " "
    if char in _LATEX_SPECIAL:
        raise _special(char)
    if char.isascii():
        if char.isalpha() or char in _BARE:
            return char
        if char == "~":  # LaTeX's unbreakable space
            return " "
        return "\\" + char  # punctuation, shown as itself: never code, a comment or a separator
    return f" {char} "  # not merged with a neighbour into a name Typst would look up


def _string(text: str) -> str:
    """A Typst string literal that holds exactly *text*."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _join(parts: list[str]) -> str:
    """Parts side by side; letters and digits of neighbours kept apart (Typst reads "ab" as a name)."""
    result = ""
    for part in parts:
        if result and part and _apart(result[-1], part[0]):
            result += " "
        result += part
    return result


def _apart(left: str, right: str) -> bool:
    if left.isalnum() and right.isalnum():
        return not (left.isdigit() and right.isdigit())  # digits of one number stay together
    return left == right == '"'


def _function(name: str, args: list[str]) -> str:
    if name in ("frac", "dfrac", "tfrac"):
        return f"frac({args[0]}, {args[1]})"
    if name == "sqrt":
        return f"sqrt({args[0]})"
    if name == "mathbf":
        return f"bold({args[0]})"
    return f"overline({args[0]})"


def _tidy(typst: str) -> str:
    """Spaces collapsed and attachments bound to their base, outside string literals only."""
    pieces = []
    last = 0
    for match in _STRING.finditer(typst):
        pieces.append(_tidy_code(typst[last : match.start()]))
        pieces.append(match.group())
        last = match.end()
    pieces.append(_tidy_code(typst[last:]))
    return "".join(pieces).strip()


def _tidy_code(code: str) -> str:
    # Attachments bind to what stands right before them: "sum _(i)" must be "sum_(i)".
    code = re.sub(r"(?<!\\)\s+([_^])", r"\1", code)
    return re.sub(r"\s{2,}", " ", code)
