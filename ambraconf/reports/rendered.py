"""A rendered result as it is printed, in order: the report on standard output (what a
pipe or a file captures) and, for people at a terminal, remarks on standard error."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """One printed piece; a line break follows it."""

    text: str
    err: bool = False


@dataclass(frozen=True)
class Rendered:
    parts: tuple[Part, ...]

    @property
    def out(self) -> str:
        """The report alone, without the remarks (for ``--output FILE``)."""
        return "\n".join(p.text for p in self.parts if not p.err)
