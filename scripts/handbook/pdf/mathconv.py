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
    "theta": "theta",
    "lambda": "lambda",
    "mu": "mu",
    "pi": "pi",
    "rho": "rho",
    "sigma": "sigma",
    "tau": "tau",
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
    "enspace": "space.en",
    "iota": "iota",
    "kappa": "kappa",
    "nu": "nu",
    "xi": "xi",
    "zeta": "zeta",
    "eta": "eta",
    "psi": "psi",
    "upsilon": "upsilon",
    "vartheta": "theta.alt",
    "varpi": "pi.alt",
    "varrho": "rho.alt",
    "varsigma": "sigma.alt",
    "Theta": "Theta",
    "Lambda": "Lambda",
    "Xi": "Xi",
    "Psi": "Psi",
    "Upsilon": "Upsilon",
    # Upright operator names Typst defines itself, with limits where LaTeX puts them.
    **{
        name: name
        for name in [
            "sin",
            "cos",
            "tan",
            "cot",
            "sec",
            "csc",
            "arcsin",
            "arccos",
            "arctan",
            "sinh",
            "cosh",
            "tanh",
            "coth",
            "log",
            "ln",
            "lg",
            "exp",
            "lim",
            "liminf",
            "limsup",
            "max",
            "min",
            "sup",
            "inf",
            "det",
            "dim",
            "ker",
            "gcd",
            "deg",
            "hom",
            "Pr",
        ]
    },
}
# Symbols as the Unicode character: Typst gives it the right math class (relation, large
# operator with limits, delimiter) and the name does not depend on Typst's symbol module.
_CHARACTERS = {
    # LaTeX's \epsilon and \phi are the lunate and the looped forms (as on the site).
    "epsilon": "ϵ", "varepsilon": "ε", "phi": "ϕ", "varphi": "φ",
    "ast": "∗", "star": "⋆", "circ": "∘", "bullet": "∙", "oplus": "⊕", "otimes": "⊗",
    "odot": "⊙", "cup": "∪", "cap": "∩", "setminus": "∖", "wedge": "∧", "land": "∧",
    "vee": "∨", "lor": "∨", "neg": "¬", "lnot": "¬", "sim": "∼", "simeq": "≃", "cong": "≅",
    "propto": "∝", "ll": "≪", "gg": "≫", "subset": "⊂", "subseteq": "⊆", "supset": "⊃",
    "supseteq": "⊇", "notin": "∉", "ni": "∋", "perp": "⊥", "parallel": "∥", "mid": "∣",
    "leftrightarrow": "↔", "Leftarrow": "⇐", "Leftrightarrow": "⇔", "iff": "⟺",
    "implies": "⟹", "impliedby": "⟸", "mapsto": "↦", "longrightarrow": "⟶",
    "longleftarrow": "⟵", "Longrightarrow": "⟹", "Longleftarrow": "⟸", "uparrow": "↑",
    "downarrow": "↓", "gets": "←", "partial": "∂", "nabla": "∇", "forall": "∀", "exists": "∃",
    "nexists": "∄", "emptyset": "∅", "varnothing": "∅", "ell": "ℓ", "hbar": "ℏ", "Re": "ℜ",
    "Im": "ℑ", "aleph": "ℵ", "angle": "∠", "triangle": "△", "prime": "′", "vdots": "⋮",
    "ddots": "⋱", "iint": "∬", "iiint": "∭", "oint": "∮", "bigcup": "⋃", "bigcap": "⋂",
    "coprod": "∐", "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈",
    "rceil": "⌉", "vert": "|", "lvert": "|", "rvert": "|", "Vert": "‖", "lVert": "‖",
    "rVert": "‖", "colon": ":", "dagger": "†", "checkmark": "✓", "lbrace": "{", "rbrace": "}",
    "prec": "≺", "succ": "≻", "preceq": "⪯", "succeq": "⪰", "leqslant": "⩽", "geqslant": "⩾",
    "triangleq": "≜", "doteq": "≐", "therefore": "∴", "because": "∵", "top": "⊤", "bot": "⊥",
    "vdash": "⊢", "models": "⊨", "degree": "°",
}  # fmt: skip
# Commands that change only the size or the style of what follows: the mathematics is the same.
_LAYOUT_ONLY = frozenset(["limits", "displaystyle", "textstyle"])
# A delimiter's size (\big( … \big)): the delimiter is printed, at its natural size.
_SIZED = frozenset(
    ["big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr"]
)
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
# Commands with arguments in {…}: the Typst function each becomes (its arguments in order).
_FUNCTIONS = {
    "frac": "frac", "dfrac": "frac", "tfrac": "frac", "cfrac": "frac", "binom": "binom",
    "dbinom": "binom", "tbinom": "binom", "sqrt": "sqrt", "overline": "overline",
    "underline": "underline", "hat": "hat", "widehat": "hat", "tilde": "tilde",
    "widetilde": "tilde", "bar": "macron", "vec": "arrow", "overrightarrow": "arrow",
    "dot": "dot", "ddot": "dot.double", "breve": "breve", "check": "caron", "acute": "acute",
    "grave": "grave", "mathbf": "upright(bold", "boldsymbol": "bold", "bm": "bold",
    "mathbb": "bb", "mathcal": "cal", "mathfrak": "frak", "mathsf": "sans", "mathtt": "mono",
    "mathit": "italic", "overset": "limits", "underset": "limits", "stackrel": "limits",
}  # fmt: skip
_ARITY = {"frac": 2, "binom": 2, "limits": 2}
# Environments whose rows are lines of the formula, aligned at "&" (display math only).
_LINES = frozenset(
    [
        "aligned",
        "align",
        "align*",
        "split",
        "gather",
        "gather*",
        "gathered",
        "equation",
        "equation*",
        "multline",
        "multline*",
        "alignat",
        "alignat*",
        "eqnarray",
        "eqnarray*",
    ]
)
# Environments laid out as a grid, with Typst's mat() and its delimiter.
_MATRICES = {
    "matrix": "#none", "pmatrix": '"("', "bmatrix": '"["', "Bmatrix": '"{"', "vmatrix": '"|"',
    "Vmatrix": '"‖"', "smallmatrix": "#none",
}  # fmt: skip
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


def latex_to_typst(source: str, block: bool = False) -> str:
    """*source* (LaTeX math) as Typst math, or :class:`UnsupportedMath` with the reason.

    In a *block* (display math) ``\\\\`` breaks the line and ``&`` aligns the lines, as in
    Sphinx's LaTeX output, which wraps a display formula in ``split``.
    """
    reader = _Reader(_tokens(source))
    result = reader.sequence(depth=0, lines=block)
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


# Punctuation that a brace group makes ordinary, as Typst strings.
_ORDINARY_PUNCTUATION = {"\\,": '","', "\\.": '"."', "\\;": '";"'}


class _Group(str):
    """The inside of a LaTeX group {…}: invisible, unlike Typst's parentheses."""


def _is_separator(token: _Token) -> bool:
    return (token.kind == "char" and token.value == "&") or (token.kind == "escaped" and token.value == "\\")


class _Reader:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.stopped = ""  # what ended the last cell of a grid: "&", "\\" or "end"

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

    def sequence(
        self, depth: int, closing: str | None = None, lines: bool = False, cells: bool = False
    ) -> str:
        """Atoms up to the end, or up to *closing* ("}", "]" or an environment's name).

        With *lines*, ``\\\\`` and ``&`` break and align the lines; with *cells*, they end
        the cell of a grid (:attr:`stopped` says which).
        """
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
            if token.kind == "command" and token.value == "end":
                self._end(closing)
                self.stopped = "end"
                return _join(parts)
            if _is_separator(token):
                self.index += 1
                if token.value == "\\":
                    self._skip_row_spacing()
                if cells:
                    self.stopped = token.value
                    return _join(parts)
                parts.append(self._line_separator(token.value, lines))
                continue
            if token.kind == "attach":
                self.index += 1
                self._attach(parts, token.value, depth)
                continue
            parts.append(self.atom(depth, lines=lines))
        if closing == "}":
            raise UnsupportedMath("niezamknięty nawias klamrowy „{”")
        if closing == "]":
            raise UnsupportedMath("niezamknięty nawias kwadratowy „[” po \\sqrt")
        if closing is not None:
            raise UnsupportedMath(f"brakuje \\end{{{closing}}}")
        return _join(parts)

    def _attach(self, parts: list[str], mark: str, depth: int) -> None:
        operand = self.atom(self._deeper(depth), operand_of=mark)
        operand = f"({operand})" if isinstance(operand, _Group) else operand.strip() or '""'
        while parts and not parts[-1].strip():
            parts.pop()
        if not parts:
            parts.append('""')  # LaTeX allows an attachment with nothing before it
        base = parts[-1]
        # {a+b}^2: the group is the base, without the parentheses Typst would print.
        parts[-1] = f"scripts({base})" if isinstance(base, _Group) else base.rstrip()
        parts.append(f"{mark}{operand}")

    @staticmethod
    def _line_separator(value: str, lines: bool) -> str:
        if lines:
            return " & " if value == "&" else " \\ "
        if value == "&":
            raise _special("&")
        raise UnsupportedMath(
            "nowy wiersz (\\\\) jest możliwy tylko we wzorze w osobnym bloku ```{math}``` "
            "albo wewnątrz \\begin{cases}, \\begin{pmatrix} i podobnych"
        )

    def _skip_row_spacing(self) -> None:
        """\\\\[2pt]: the extra space after a line is layout, left to Typst."""
        self._skip_spaces()
        token = self._peek()
        if token is not None and token.kind == "char" and token.value == "[":
            while (token := self._peek()) is not None and not (token.kind == "char" and token.value == "]"):
                self.index += 1
            self.index += 1

    def _end(self, closing: str | None) -> None:
        self.index += 1
        name = self._environment_name()
        if closing in (None, "}", "]"):
            raise UnsupportedMath(f"\\end{{{name}}} bez \\begin{{{name}}}")
        if name != closing:
            raise UnsupportedMath(f"\\begin{{{closing}}} zamknięto przez \\end{{{name}}}")

    def _environment_name(self) -> str:
        self._skip_spaces()
        token = self._peek()
        if token is None or token.kind != "brace" or token.value != "{":
            raise UnsupportedMath("po \\begin i \\end podaj nazwę środowiska w {…}")
        self.index += 1
        name = ""
        while (token := self._peek()) is not None and token.kind in ("char", "space"):
            name += token.value.strip()
            self.index += 1
        if token is None or token.kind != "brace" or token.value != "}":
            raise UnsupportedMath("po \\begin i \\end podaj nazwę środowiska w {…}")
        self.index += 1
        return name

    def _environment(self, depth: int, lines: bool) -> str:
        name = self._environment_name()
        depth = self._deeper(depth)
        if name in _LINES:
            if not lines:
                raise UnsupportedMath(
                    f"środowisko {name} jest możliwe tylko jako cały wzór w osobnym bloku ```{{math}}```"
                )
            if name.startswith("alignat"):
                self._argument(name, depth)  # the number of columns: Typst counts them itself
            return f" {self.sequence(depth, closing=name, lines=True)} "
        if name in ("cases", "dcases"):
            rows = self._grid(depth, name)
            return "cases(" + ", ".join(" & ".join(row) for row in rows) + ")"
        if name in _MATRICES:
            rows = self._grid(depth, name)
            body = "; ".join(", ".join(row) for row in rows)
            return f"mat(delim: {_MATRICES[name]}, {body})"
        raise UnsupportedMath(f"nieobsługiwane środowisko LaTeX-a {name}")

    def _grid(self, depth: int, name: str) -> list[list[str]]:
        rows: list[list[str]] = [[]]
        while True:
            cell = self.sequence(depth, closing=name, cells=True).strip()
            rows[-1].append(cell or '""')
            if self.stopped == "end":
                break
            if self.stopped == "\\":
                rows.append([])
        if rows[-1] == ['""'] and len(rows) > 1:
            rows.pop()  # "\\" after the last row
        return rows

    def atom(self, depth: int, operand_of: str = "", lines: bool = False) -> str:
        """One unit of the formula; after ^ or _ (*operand_of*), the one it attaches."""
        if operand_of:
            self._skip_spaces()
        token = self._peek()
        missing = (
            token is None
            or token.kind == "attach"
            or (token.kind == "brace" and token.value == "}")
            or (token.kind == "command" and token.value == "end")
            or _is_separator(token)
        )
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
            if inner.strip() in _ORDINARY_PUNCTUATION:
                # {,} is LaTeX's decimal comma: an ordinary symbol, no space after it (3{,}5).
                return _ORDINARY_PUNCTUATION[inner.strip()]
            return _Group(inner) if inner.strip() else '""'
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
        return self._command(token.value, depth, lines)

    def _command(self, name: str, depth: int, lines: bool = False) -> str:
        if name in _TEXT_COMMANDS:
            words = _string(self._text_argument(name, depth))
            function = _TEXT_COMMANDS[name]
            return f"{function}({words})" if function else words
        if name == "begin":
            return self._environment(depth, lines)
        if name == "tag":
            raise UnsupportedMath("numer wzoru nadaje opcja :label: bloku ```{math}```, nie \\tag")
        if name in ("left", "right"):
            return self._delimited(name, depth)
        if name == "sqrt":
            self._skip_spaces()
            token = self._peek()
            if token is not None and token.kind == "char" and token.value == "[":
                self.index += 1
                index = self.sequence(self._deeper(depth), closing="]").strip() or '""'
                radicand = self._argument(name, depth)
                return f"root({index}, {radicand})"
        if name in _FUNCTIONS:
            function = _FUNCTIONS[name]
            args = [self._argument(name, depth) for _ in range(_ARITY.get(function, 1))]
            return _function(name, function, args)
        if name in _SYMBOLS:
            return f" {_SYMBOLS[name]} "
        if name in _CHARACTERS:
            return _character(_CHARACTERS[name])
        if name in _LAYOUT_ONLY:
            return " "
        if name in _SIZED:
            return self._argument(name, depth)
        raise UnsupportedMath(f"nieobsługiwane polecenie LaTeX-a \\{name}")

    def _delimited(self, name: str, depth: int) -> str:
        """\\left( … \\right): Typst's lr() sizes the delimiters to what they enclose."""
        if name == "right":
            raise UnsupportedMath("\\right bez \\left")
        opening = self._delimiter("left", depth)
        parts: list[str] = []
        while (token := self._peek()) is not None and not (
            token.kind == "command" and token.value == "right"
        ):
            if token.kind == "attach":
                self.index += 1
                self._attach(parts, token.value, depth)
                continue
            if token.kind == "brace" and token.value == "}" or _is_separator(token):
                break
            parts.append(self.atom(self._deeper(depth)))
        if token is None or token.kind != "command":
            raise UnsupportedMath("\\left bez \\right")
        self.index += 1
        closing = self._delimiter("right", depth)
        return f"lr({opening} {_join(parts)} {closing})"

    def _delimiter(self, side: str, depth: int) -> str:
        self._skip_spaces()
        token = self._peek()
        if token is not None and token.kind == "char" and token.value == ".":
            self.index += 1
            return ""  # \left. : no delimiter on this side
        delimiter = "" if token is None else self.atom(self._deeper(depth)).strip()
        if token is None or token.kind not in ("char", "escaped", "command") or not delimiter:
            raise UnsupportedMath(f"po \\{side} podaj nawias, np. \\{side}( albo \\{side}.")
        return delimiter

    def _argument(self, command: str, depth: int) -> str:
        """An argument in {…} or, as LaTeX allows, a single token (\\frac12)."""
        self._skip_spaces()
        token = self._peek()
        if (
            token is None
            or token.kind == "attach"
            or (token.kind == "brace" and token.value == "}")
            or _is_separator(token)
            or (token.kind == "command" and token.value == "end")
        ):
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


def _function(name: str, function: str, args: list[str]) -> str:
    if function == "limits":  # \overset{a}{=}: a above the relation, as its limit
        mark = "_" if name == "underset" else "^"
        return f"limits({args[1]}){mark}({args[0]})"
    if function == "upright(bold":
        return f"upright(bold({args[0]}))"
    return f"{function}({', '.join(args)})"


def _tidy(typst: str) -> str:
    """Spaces collapsed and attachments bound to their base, outside string literals only."""
    pieces = []
    last = 0
    for match in _STRING.finditer(typst):
        pieces.append(_tidy_code(typst[last : match.start()]))
        pieces.append(match.group())
        last = match.end()
    pieces.append(_tidy_code(typst[last:]))
    result = "".join(pieces).strip()
    # A line break at the very end ("a \\\\") would escape the "$" that closes the formula.
    while result == "\\" or result.endswith(" \\"):
        result = result[:-1].rstrip()
    return result


def _tidy_code(code: str) -> str:
    # Attachments bind to what stands right before them: "sum _(i)" must be "sum_(i)".
    code = re.sub(r"(?<!\\)\s+([_^])", r"\1", code)
    return re.sub(r"\s{2,}", " ", code)
