"""Edits of YAML files that keep everything else as it was: comments, order, quoting, style.

``adopt`` writes live values back into the files a person keeps. Only ruamel.yaml's
round-trip mode can change one value of a YAML document and keep the rest of the text;
it is used here for writing only (reading stays with ``config.loader``, which keeps
positions and refuses what ambraconf does not accept).

ruamel re-emits a whole document, so any difference between how it writes a file and how
the file was written would show up as changes of lines nobody edited. To rule that out
the edit is a three-way merge: the lines that differ between ruamel's rendering of the
unedited document and of the edited one are carried into the original text. Where such a
line does not map onto the original, edits that only replace scalars are made in the text
itself (``yaml_splice``); any other is refused rather than the file reformatted.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedBase, CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import ScalarString
from ruamel.yaml.tokens import CommentToken

from ambraconf.config.errors import UserError
from ambraconf.config.positions import Path, format_path
from ambraconf.config.yaml_splice import Position, splice

_INDENT = re.compile(r"^( *)(- +)?\S", re.MULTILINE)


class EditError(UserError):
    """A file that cannot be edited without rewriting lines nobody changed."""


class YamlEditor:
    """One file's documents, loaded for editing, and its original text."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.yaml = _yaml(text)
        try:
            self.documents = list(self.yaml.load_all(self._plain(text)))
        except YAMLError as exc:
            raise EditError(f"{name}: cannot be edited: {exc}") from None
        self.base = self._dump()
        self.starts = [_start_line(doc) for doc in self.documents]
        self.scalars: list[tuple[Position, Any]] | None = []
        """Edits that only replace one scalar with another, where the old one starts
        (``yaml_splice``'s way when ruamel would reformat); None once another is made."""

    def set(self, line: int, path: Path, value: Any) -> None:
        """Write ``value`` at ``path`` of the document holding ``line`` (1-based); mappings
        missing on the way are made, a key missing in its mapping is added after its
        siblings, a scalar keeps its quoting, a list is changed item by item."""
        parent, key = self._parent(line, path, make=True)
        self._note_scalar(parent, key, value)
        if isinstance(parent, CommentedSeq) and isinstance(key, int) and key >= len(parent):
            sibling = parent[-1] if len(parent) else None
            parent.append(_styled_like(value, sibling))
            return
        if isinstance(parent, CommentedMap) and key not in parent:
            last = next(reversed(parent), None) if len(parent) else None
            sibling = parent[last] if last is not None else None
            parent[key] = _styled_like(value, sibling)
            if last is not None:
                _move_trailing_comment(parent, last, key)
            return
        parent[key] = _replaced(parent[key], value)

    def delete(self, line: int, path: Path) -> None:
        """Remove the key or list item at ``path`` (the comments on its lines go with it)."""
        parent, key = self._parent(line, path, make=False)
        self.scalars = None
        del parent[key]

    def render(self) -> str:
        """The original text with the edited lines, and only those, changed."""
        edited = self._dump()
        if edited == self.base:
            return self.text
        original = self._plain(self.text).splitlines(keepends=True)
        result = _carry(
            self.base.splitlines(keepends=True), edited.splitlines(keepends=True), original
        )
        if result is None and self.scalars is not None:
            spliced = splice(self._plain(self.text), self.scalars)
            result = None if spliced is None else spliced.splitlines(keepends=True)
        if result is None:
            raise EditError(
                f"{self.name}: cannot be edited without reformatting lines that did not "
                "change (its indentation or layout is not one ruamel.yaml reproduces)",
                hint="edit the values by hand, or reformat the file with 2-space indentation",
            )
        text = "".join(result)
        return text.replace("\n", "\r\n") if self.newline == "\r\n" else text

    def _note_scalar(self, parent: Any, key: Any, value: Any) -> None:
        old = _child(parent, key)
        scalar = not isinstance(value, dict | list) and not isinstance(old, dict | list)
        if self.scalars is None or old is None or not scalar:
            self.scalars = None
            return
        lc = parent.lc
        position = lc.value(key) if isinstance(parent, CommentedMap) else lc.item(key)
        self.scalars.append((tuple(position[:2]), value))

    def _plain(self, text: str) -> str:
        return text.replace("\r\n", "\n")

    def _dump(self) -> str:
        out = io.StringIO()
        self.yaml.dump_all(self.documents, out)
        return out.getvalue()

    def _document(self, line: int) -> Any:
        index = 0
        for number, start in enumerate(self.starts):
            if start <= line:
                index = number
        return self.documents[index]

    def _parent(self, line: int, path: Path, *, make: bool) -> tuple[Any, Any]:
        if not path:
            raise EditError(f"{self.name}:{line}: a whole document cannot be replaced")
        node = self._document(line)
        for index, part in enumerate(path[:-1]):
            child = _child(node, part)
            if child is None and make and isinstance(node, CommentedMap):
                child = node[part] = CommentedMap()
            if child is None:
                where = format_path(path[: index + 1])
                raise EditError(f"{self.name}:{line}: {where} is not in the file any more")
            node = child
        if not isinstance(node, CommentedMap | CommentedSeq):
            raise EditError(f"{self.name}:{line}: {format_path(path[:-1])} holds no values")
        return node, path[-1]


def _yaml(text: str) -> YAML:
    """A round-trip YAML that writes as the file is written: quotes kept, lines never
    wrapped, and the indentation the file uses (guessed from its first nested lines)."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000
    mapping, sequence, offset = _guess_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) of ruamel's ``indent``: a nested key's extra indent, a
    list item's content indent and its dash's, from the first of each in the text."""
    mapping = sequence = offset = None
    previous = -1
    for match in _INDENT.finditer(text):
        spaces, dash = len(match.group(1)), match.group(2)
        if dash and sequence is None and previous >= 0:
            offset = max(spaces - previous, 0)
            sequence = offset + len(dash)
        elif not dash and mapping is None and spaces > previous >= 0:
            mapping = spaces - previous
        previous = spaces + (len(dash) if dash else 0)
    mapping = mapping or 2
    return mapping, sequence or mapping + 2, offset if offset is not None else mapping


def _start_line(document: Any) -> int:
    lc = getattr(document, "lc", None)
    return (lc.line + 1) if lc is not None and lc.line is not None else 1


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, CommentedMap) and part in node:
        return node[part]
    if isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _replaced(old: Any, new: Any) -> Any:
    """``new`` in the style of ``old``: the same quotes for text, a list changed in place
    (so a flow list stays on its line), a mapping's keys replaced one by one."""
    if isinstance(old, ScalarString) and isinstance(new, str):
        return type(old)(new)
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        for index, item in enumerate(new):
            if index < len(old):
                old[index] = _replaced(old[index], item)
            else:
                old.append(_styled_like(item, old[index - 1] if index else None))
        del old[len(new) :]
        return old
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, item in new.items():
            old[key] = _replaced(old[key], item) if key in old else _styled_like(item, None)
        return old
    return _styled_like(new, old)


def _styled_like(value: Any, sibling: Any) -> Any:
    """Plain data as ruamel nodes, flow style where the sibling it joins is in flow style."""
    flow = isinstance(sibling, CommentedBase) and sibling.fa.flow_style()
    if isinstance(value, dict):
        mapping = CommentedMap((k, _styled_like(v, None)) for k, v in value.items())
        if flow:
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(_styled_like(v, None) for v in value)
        if flow or not value or all(not isinstance(v, dict | list) for v in value):
            sequence.fa.set_flow_style()
        return sequence
    return value


def _move_trailing_comment(mapping: CommentedMap, last: Any, key: Any) -> None:
    """A new key goes right under its sibling: what follows the sibling's line (blank
    lines, a comment above the next block) moves below the new key."""
    holder, holder_key = _comment_holder(mapping, last)
    entry = holder.ca.items.get(holder_key)
    token = entry[2] if entry and len(entry) > 2 else None
    if not isinstance(token, CommentToken) or "\n" not in token.value:
        return
    end = token.value.index("\n") + 1
    rest = token.value[end:]
    if not rest:
        return
    token.value = token.value[:end]
    if token.value.strip() == "":
        entry[2] = None
    # a token after a value starts with that value's own line end
    mapping.ca.items[key] = [None, None, CommentToken("\n" + rest, token.start_mark, None), None]


def _comment_holder(container: Any, key: Any) -> tuple[Any, Any]:
    """Where ruamel keeps the comment after ``container[key]``: on the last key of the
    innermost mapping or list that value ends with."""
    value = container[key]
    while isinstance(value, CommentedMap | CommentedSeq) and len(value):
        if value.fa.flow_style():
            break
        last = next(reversed(value)) if isinstance(value, dict) else len(value) - 1
        container, key = value, last
        value = container[key]
    return container, key


def _carry(base: Sequence[str], edited: Sequence[str], original: Sequence[str]) -> list[str] | None:
    """``original`` with the changes from ``base`` to ``edited``; None when a changed line
    of ``base`` does not correspond to a line of ``original``."""
    if list(base) == list(original):
        return list(edited)
    to_original: dict[int, int] = {}
    matching = difflib.SequenceMatcher(None, base, original, autojunk=False)
    for block in matching.get_matching_blocks():
        for offset in range(block.size + 1):
            to_original.setdefault(block.a + offset, block.b + offset)
    result = list(original)
    replacements = []
    matcher = difflib.SequenceMatcher(None, base, edited, autojunk=False)
    for tag, b1, b2, e1, e2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = to_original.get(b1), to_original.get(b2)
        if start is None or end is None or list(base[b1:b2]) != list(original[start:end]):
            return None
        replacements.append((start, end, edited[e1:e2]))
    for start, end, lines in reversed(replacements):
        result[start:end] = lines
    return result
