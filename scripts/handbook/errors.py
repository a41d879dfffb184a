"""User-facing errors: a Polish message that names the file, the place and what to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows."""

    path: Path
    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        column = f"kolumna „{self.column}”: " if self.column else ""
        return f"{where}: {column}{self.message}"


@dataclass
class HandbookError(Exception):
    """Bad input found by the pipeline; shown to authors and editors without a traceback."""

    summary: str
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [self.summary]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)

    def relative_to(self, root: Path) -> HandbookError:
        """The same error with paths inside *root* written relative to it, as editors open them."""

        def shown(path: Path) -> Path:
            return path.relative_to(root) if path.is_absolute() and path.is_relative_to(root) else path

        problems = [Problem(shown(p.path), p.message, p.line, p.column) for p in self.problems]
        return HandbookError(self.summary, problems)
