"""Problems found in a configuration, each tied to the place the user must edit.

Validation collects every problem in one run (fixing one error per run is slow), so checks
report into a ``Diagnostics`` collector instead of raising.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Literal

from ambraconf.config.positions import Mark, PathPart, format_path

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """One problem: what is wrong, where (file:line:column and document path), how to fix it."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str = ""
    hint: str | None = None
    severity: Severity = "error"

    @classmethod
    def at(
        cls,
        mark: Mark | None,
        message: str,
        *,
        extra_path: Iterable[PathPart] = (),
        hint: str | None = None,
        severity: Severity = "error",
    ) -> Diagnostic:
        if mark is None:
            return cls(message, hint=hint, severity=severity)
        return cls(
            message,
            file=mark.file,
            line=mark.line,
            column=mark.column,
            path=format_path((*mark.path, *extra_path)),
            hint=hint,
            severity=severity,
        )

    @property
    def where(self) -> str:
        if self.file is None:
            return ""
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"

    def __str__(self) -> str:
        parts = [p for p in (self.where, "warning" if self.severity == "warning" else "") if p]
        if self.path:
            parts.append(self.path)
        text = ": ".join([*parts, self.message])
        return f"{text}\n  hint: {self.hint}" if self.hint else text

    def to_json(self) -> dict[str, object]:
        return asdict(self)


class Diagnostics:
    """An ordered collector of diagnostics that drops exact repeats.

    Repeats happen when one shared block is included by several accounts: the same line
    would otherwise be reported once per account.
    """

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []
        self._seen: set[Diagnostic] = set()
        self._suppressed: set[tuple[str, int, int]] = set()

    def suppress(self, mark: Mark) -> None:
        """Drop later errors at ``mark``: a value that failed to interpolate would otherwise
        be reported again by every check that reads it."""
        self._suppressed.add((mark.file, mark.line, mark.column))

    def add(self, diagnostic: Diagnostic) -> None:
        place = (diagnostic.file or "", diagnostic.line or 0, diagnostic.column or 0)
        if place in self._suppressed:
            return
        if diagnostic not in self._seen:
            self._seen.add(diagnostic)
            self._items.append(diagnostic)

    def error(
        self,
        mark: Mark | None,
        message: str,
        *,
        extra_path: Iterable[PathPart] = (),
        hint: str | None = None,
    ) -> None:
        self.add(Diagnostic.at(mark, message, extra_path=extra_path, hint=hint))

    def warning(
        self,
        mark: Mark | None,
        message: str,
        *,
        extra_path: Iterable[PathPart] = (),
        hint: str | None = None,
    ) -> None:
        self.add(Diagnostic.at(mark, message, extra_path=extra_path, hint=hint, severity="warning"))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self._items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self._items if d.severity == "warning"]

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self._items)

    def sorted(self) -> list[Diagnostic]:
        """File order, then line and column; problems without a place come last."""
        return sorted(
            self._items,
            key=lambda d: (d.file is None, d.file or "", d.line or 0, d.column or 0),
        )
