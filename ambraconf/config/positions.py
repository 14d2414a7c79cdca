"""Where each value came from: file, line, column and the path inside its document.

Loaded YAML is made of plain ``dict``/``list`` subclasses that remember, per key or item,
the place it was written. Merging files and interpolating values keeps those marks, so an
error found late (by pydantic, or by a cross-document check) still points at the line the
user must edit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

PathPart = str | int
Path = tuple[PathPart, ...]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")


def format_path(path: Iterable[PathPart]) -> str:
    """``accounts[0].roles[2].permissions.study_view``; odd keys are quoted: ``x["A b"]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += '["' + part.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    return out


class Mark(NamedTuple):
    """A place in a source file (1-based line and column) and the document path written there.

    A named tuple rather than a frozen dataclass: a large config makes hundreds of thousands
    of them, and a tuple is several times cheaper to build.
    """

    file: str
    line: int
    column: int
    path: Path = ()

    def child(self, part: PathPart) -> Mark:
        return Mark(self.file, self.line, self.column, (*self.path, part))

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return self.where


class LocatedDict(dict):
    """A mapping that knows where it, each of its keys and each of its values were written.

    ``literal`` is True only when the loader finished it and found no ``$`` in any text
    below it (keys aside): interpolation then returns it untouched without walking the
    10,000 objects of a large account. Anything built or changed later is not literal.

    ``key_marks`` and ``value_marks`` may be shared with copies (``replacing``): read
    them, change them only through ``put``, which copies them first if they are shared.
    """

    __slots__ = ("mark", "key_marks", "value_marks", "literal", "shared_marks")

    def __init__(self, mark: Mark) -> None:
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}
        self.literal = False
        self.shared_marks = False

    def put(self, key: str, value: Any, key_mark: Mark, value_mark: Mark) -> None:
        if self.shared_marks:
            self._own_marks()
        self[key] = value
        self.key_marks[key] = key_mark
        self.value_marks[key] = value_mark
        self.literal = False

    def key_mark(self, key: str) -> Mark:
        return self.key_marks.get(key, self.mark)

    def value_mark(self, key: str) -> Mark:
        return self.value_marks.get(key, self.mark)

    def located_items(self) -> Iterator[tuple[str, Any, Mark, Mark]]:
        for key, value in self.items():
            yield key, value, self.key_mark(key), self.value_mark(key)

    def replacing(self, changes: Mapping[str, Any]) -> LocatedDict:
        """A copy with the values of ``changes`` (keys already here) in place of its own,
        every key keeping its place and marks.

        The values are copied whole, in C, not put key by key, and the marks, which are
        the same, are shared until either side is put into: a shared block's templates
        and interpolated values copy their containers once per account (60,000 copies for
        500 accounts); the loop was most of what a copy cost, the mark tables about 50 MB.
        """
        out = LocatedDict(self.mark)
        dict.update(out, self)
        dict.update(out, changes)
        out.key_marks, out.value_marks = self.key_marks, self.value_marks
        out.shared_marks = self.shared_marks = True
        return out

    def _own_marks(self) -> None:
        self.key_marks, self.value_marks = dict(self.key_marks), dict(self.value_marks)
        self.shared_marks = False


class LocatedList(list):
    """A sequence that knows where it and each of its items were written (``literal`` and
    ``item_marks``, which copies may share, as for ``LocatedDict``)."""

    __slots__ = ("mark", "item_marks", "literal", "shared_marks")

    def __init__(self, mark: Mark) -> None:
        self.mark = mark
        self.item_marks: list[Mark] = []
        self.literal = False
        self.shared_marks = False

    def put(self, value: Any, mark: Mark) -> None:
        if self.shared_marks:
            self._own_marks()
        self.append(value)
        self.item_marks.append(mark)
        self.literal = False

    def item_mark(self, index: int) -> Mark:
        return self.item_marks[index] if 0 <= index < len(self.item_marks) else self.mark

    def marks(self) -> list[Mark]:
        """``item_mark`` of every index, in order (a list built in C, not item by item)."""
        missing = len(self) - len(self.item_marks)
        return self.item_marks[: len(self)] + [self.mark] * missing

    def put_all(self, values: Iterable[Any], marks: Iterable[Mark]) -> None:
        """``put`` of each value with its mark (two iterables of the same length)."""
        if self.shared_marks:
            self._own_marks()
        self.extend(values)
        self.item_marks.extend(marks)
        self.literal = False

    def replacing(self, changes: Mapping[int, Any]) -> LocatedList:
        """A copy with the items at ``changes``' indexes (all within it) replaced, every
        item keeping its mark; copied whole, like ``LocatedDict.replacing``."""
        out = LocatedList(self.mark)
        out.extend(self)
        for index, value in changes.items():
            out[index] = value
        out.item_marks = self.item_marks
        out.shared_marks = self.shared_marks = True
        return out

    def _own_marks(self) -> None:
        self.item_marks = list(self.item_marks)
        self.shared_marks = False


def mark_of(container: Any, fallback: Mark) -> Mark:
    """The mark of a loaded container, or ``fallback`` for a scalar (scalars carry none)."""
    return getattr(container, "mark", fallback)


def locate(root: Any, path: Iterable[Any], *, key: bool = False) -> tuple[Mark, Path]:
    """The mark for ``path`` below ``root`` and the path parts that were not found in the data.

    ``key=True`` points at a mapping key rather than its value (for unknown-key errors).
    When the path leaves the data (a missing key, a pydantic union tag), the deepest
    container reached is used and the rest of the path is returned for display.
    """
    node = root
    mark: Mark = getattr(root, "mark", Mark("<unknown>", 0, 0))
    parts = list(path)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(node, LocatedDict) and isinstance(part, str) and part in node:
            mark = node.key_mark(part) if (last and key) else node.value_mark(part)
            node = node[part]
        elif isinstance(node, LocatedList) and isinstance(part, int) and 0 <= part < len(node):
            mark = node.item_mark(part)
            node = node[part]
        else:
            return mark, tuple(parts[index:])
    return mark, ()


def unwrap(value: Any) -> Any:
    """Plain ``dict``/``list`` copies of located data (for JSON, hashing, comparisons)."""
    if isinstance(value, Mapping):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value
