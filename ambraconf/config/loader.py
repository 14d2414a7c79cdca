"""YAML files to documents whose every key and value remembers its file, line and column.

The document tree is built from the parser's event stream with an explicit stack rather
than PyYAML's recursive composer: a deeply nested or alias-bomb file then becomes a clean
error instead of a ``RecursionError`` (or a stack overflow in libyaml's composer).
Duplicate keys are errors (PyYAML would silently keep the last one).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml import events

from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.errors import UserError
from ambraconf.config.positions import LocatedDict, LocatedList, Mark
from ambraconf.config.sources import Sources

CONFIG_SUFFIXES = (".yaml", ".yml")
# Limits: each is many times what a real account needs (a 10,000-object account is about
# 2 MB and 125,000 values in all), and each stops a hostile or broken file with a message
# before it costs minutes or gigabytes. docs/config.md lists them.
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 500_000  # values (scalars, lists, mappings; keys not counted) written in a file
MAX_ALIASED_VALUES = 250_000  # values that aliases bring in (their anchor's), per file
MAX_TEXT_CHARS = 1_000_000  # one text value
MAX_KEY_CHARS = 1_000  # one mapping key: names of fields, permissions, settings, blocks
MAX_NUMBER_CHARS = 100  # one number, sign and digits included

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null"))
_TIMESTAMP = f"{_TAG}timestamp"  # dates stay text: the API takes them as strings
_MAP, _SEQ = f"{_TAG}map", f"{_TAG}seq"
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL}
_NUMBER_TAGS = {_INT, _FLOAT}
# what an explicitly tagged value must be and how to write it, for the message when it is not
_TAG_EXPECTS = {
    _INT: ("an integer", "a whole number such as 42"),
    _FLOAT: ("a number", "a number such as 1.5"),
    _BOOL: ("true or false", "true or false"),
    _NULL: ("null", "null, ~ or nothing"),
    _TIMESTAMP: (
        "a date or time",
        "a date such as 2024-01-31 or a time such as 2024-01-31T09:30:00Z",
    ),
}
# YAML 1.2 core schema forms that the YAML 1.1 resolver of plain scalars does not give the
# tag: an explicit ``!!float 1e3`` is a float, ``!!int 0o17`` an integer.
_CORE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_CORE_OCTAL = re.compile(r"0o[0-7]+")
_MISSING = object()
_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_TAGS_MAX = 10_000


def _resolve_plain(loader: Any, value: str, implicit: tuple[bool, bool]) -> str:
    """The tag of a plain (unquoted) scalar, as the safe loader's resolver gives it.

    It depends on the text alone (the safe loader has no path resolvers), so the answers
    are remembered: a large config repeats the same keys and values thousands of times.
    The resolver tries only the patterns filed under the text's first character (and
    those filed under None, for any): a name such as ``Route 00042`` starts none, so it
    is text without a pattern tried or a place taken in the memo.
    """
    resolvers = loader.yaml_implicit_resolvers
    if value and value[0] not in resolvers and None not in resolvers:
        return _STR
    tag = _PLAIN_TAGS.get(value)
    if tag is None:
        tag = loader.resolve(yaml.ScalarNode, value, implicit)
        if len(_PLAIN_TAGS) < _PLAIN_TAGS_MAX:
            _PLAIN_TAGS[value] = tag
    return tag


@dataclass
class Document:
    """One YAML document of one file: its data (located containers or a scalar) and start."""

    file: str
    data: Any
    mark: Mark


@dataclass
class LoadResult:
    """The documents read under a path, every file read (by name, and with its digest in
    ``sources``), and those that could not be."""

    documents: list[Document] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    sources: Sources = field(default_factory=Sources)


class _FileProblem(Exception):
    """Stops reading one file; the message is reported at ``mark``."""

    def __init__(self, message: str, mark: Mark, hint: str | None = None) -> None:
        super().__init__(message)
        self.mark = mark
        self.hint = hint


def display_name(path: Path) -> str:
    """The path as the user should see it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def discover(path: Path) -> list[Path]:
    """The config files under ``path``: itself, or every ``*.yaml``/``*.yml`` below it, sorted.

    Hidden directories (``.git``) are skipped; the order is stable so messages are too.
    """
    if not path.exists():
        raise UserError(f"{path}: no such file or directory")
    if path.is_file():
        return [path]
    found = [
        p
        for p in path.rglob("*")
        if p.suffix in CONFIG_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    ]
    if not found:
        raise UserError(
            f"{path}: no *.yaml files in this directory",
            hint="point ambraconf at a config file or a directory of *.yaml files",
        )
    return sorted(found)


def load_path(path: Path, diagnostics: Diagnostics) -> LoadResult:
    """Every document of every config file under ``path``; problems go to ``diagnostics``."""
    result = LoadResult()
    for file in discover(path):
        name = display_name(file)
        result.files.append(name)
        errors = len(diagnostics.errors)
        result.documents.extend(load_file(file, name, diagnostics, result.sources))
        if len(diagnostics.errors) > errors:
            result.unreadable.append(name)
    return result


def load_file(file: Path, name: str, diagnostics: Diagnostics, sources: Sources) -> list[Document]:
    """The documents of one file; a file that cannot be read yields none and one diagnostic."""
    warnings: list[tuple[Mark, str, str]] = []
    try:
        text = _read_text(file, name, sources)
        documents = list(_build_documents(text, name, warnings))
    except _FileProblem as problem:
        diagnostics.error(problem.mark, str(problem), hint=problem.hint)
    except yaml.MarkedYAMLError as exc:
        mark, message = _syntax(exc, name)
        diagnostics.error(mark, message)
    except yaml.YAMLError as exc:
        diagnostics.error(Mark(name, 1, 1), f"invalid YAML: {exc}")
    else:
        for mark, message, hint in warnings:
            diagnostics.warning(mark, message, hint=hint)
        if all(document.data is None for document in documents):
            diagnostics.warning(Mark(name, 1, 1), "the file is empty")
        return documents
    return []


def _syntax(exc: yaml.MarkedYAMLError, name: str) -> tuple[Mark, str]:
    """Where to look and the parser's complaint. libyaml notices a key without its colon,
    or a quote never closed, only further on; the token it was scanning began where the
    mistake is, so that is the position given, with where the problem was noticed. (What a
    parser context names instead is the start of the enclosing block, often far above.)"""
    message = "invalid YAML: " + (
        " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
    )
    began, found = exc.context_mark, exc.problem_mark
    scanning = (exc.context or "").startswith("while scanning")
    if not scanning or began is None or found is None or began.line >= found.line:
        return _mark(name, found or began), message
    return (
        _mark(name, began),
        f"{message} (noticed at line {found.line + 1}, column {found.column + 1})",
    )


def _read_text(file: Path, name: str, sources: Sources) -> str:
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _FileProblem(
                f"file is too large ({size / 1048576:.1f} MiB; the limit is "
                f"{MAX_FILE_BYTES // 1048576} MiB)",
                Mark(name, 1, 1),
                hint="split the configuration into several files in one directory",
            )
        raw = sources.read(file)
    except OSError as exc:
        raise _FileProblem(f"cannot read file: {exc.strerror or exc}", Mark(name, 1, 1)) from exc
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        raise _FileProblem("this is a binary file, not YAML text", _offset_mark(raw, offset, name))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _FileProblem(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be decoded)",
            _offset_mark(raw, exc.start, name),
            hint="save the file as UTF-8",
        ) from exc


def _offset_mark(raw: bytes, offset: int, name: str) -> Mark:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return Mark(name, line, column)


def _mark(name: str, yaml_mark: Any, path: tuple[Any, ...] = ()) -> Mark:
    if yaml_mark is None:
        return Mark(name, 1, 1, path)
    return Mark(name, yaml_mark.line + 1, yaml_mark.column + 1, path)


def _too_large(mark: Mark) -> _FileProblem:
    return _FileProblem(
        f"document too large: more than {MAX_VALUES:,} values in one file",
        mark,
        hint="split the configuration into several files in one directory",
    )


def _literal(value: Any) -> bool:
    """Whether no text in ``value`` (a value being attached) holds a ``$``."""
    if isinstance(value, str):
        return "$" not in value
    return getattr(value, "literal", True)


def _short(tag: str) -> str:
    """A tag as it is written: ``!!int`` rather than ``tag:yaml.org,2002:int``."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


class _Frame:
    """A mapping or sequence under construction, and the key waiting for its value."""

    __slots__ = ("container", "is_map", "anchor", "key", "key_mark", "merges", "size", "dollar")

    def __init__(self, container: LocatedDict | LocatedList, anchor: str | None) -> None:
        self.container = container
        self.is_map = isinstance(container, LocatedDict)
        self.anchor = anchor
        self.key: str | None = None
        self.key_mark: Mark | None = None
        self.merges: list[tuple[Any, Mark]] = []
        self.size = 1
        self.dollar = False  # a text below holds a "$" (so the container is not literal)


def _build_documents(
    text: str, name: str, warnings: list[tuple[Mark, str, str]]
) -> Iterable[Document]:
    loader = _Loader(text)
    try:
        yield from _Builder(loader, name, warnings).documents()
    finally:
        loader.dispose()


class _Builder:
    def __init__(self, loader: Any, name: str, warnings: list[tuple[Mark, str, str]]) -> None:
        self.loader = loader
        self.name = name
        self.warnings = warnings
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.values = 0
        self.aliased = 0
        self.root: Any = None
        self.root_mark: Mark | None = None
        # numbers, booleans and nulls (immutable) by tag and text: each is built once
        self.constructed: dict[tuple[str, str], Any] = {}
        # the value of each plain (untagged, unquoted) scalar text met so far that raised
        # no warning: it depends on the text alone, and a config repeats the same few
        # thousand texts; the text itself is kept once too, not once per occurrence
        self.plain: dict[str, Any] = {}

    def documents(self) -> Iterable[Document]:
        """The documents, built from the parser's events.

        Most events of a config are plain keys, plain values (text, numbers, booleans met
        before) and untagged containers: those are handled in this loop itself, with the
        same checks but without a method call, a tag resolution or a mark built twice per
        event; that was most of what loading cost beyond libyaml's own parse. Everything
        else (tags, anchors, aliases, merge keys, new or long values, every error) goes
        through the methods below.
        """
        loader = self.loader
        name = self.name
        stack = self.stack
        plain = self.plain
        scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
        starts = (events.MappingStartEvent, events.SequenceStartEvent)
        ends = (events.MappingEndEvent, events.SequenceEndEvent)
        mapping_start = events.MappingStartEvent
        new = tuple.__new__  # a Mark without its Python-level __new__: a third of the cost
        next_event = loader.get_event
        # to the stream's end event, not until check_event finds none: one C call per event
        stream_end = events.StreamEndEvent
        while True:
            event = next_event()
            kind = type(event)
            if kind is stream_end:
                break
            if kind is scalar_event:
                frame = stack[-1] if stack else None
                if frame is None or event.tag is not None or event.anchor is not None:
                    self._scalar(event)
                    continue
                text = event.value
                container: Any = frame.container  # a LocatedDict if frame.is_map, else a list
                start: Any = event.start_mark  # the C parser always gives one
                if frame.is_map and frame.key is None:
                    if len(text) > MAX_KEY_CHARS or text == "<<" or text in container:
                        self._key(frame, event)
                    else:
                        frame.key = text
                        frame.key_mark = new(
                            Mark,
                            (name, start.line + 1, start.column + 1, (*container.mark.path, text)),
                        )
                    continue
                if event.implicit[0]:
                    value = plain.get(text, _MISSING)
                    if value is _MISSING:
                        if len(text) > MAX_TEXT_CHARS or (
                            _resolve_plain(loader, text, event.implicit) != _STR
                        ):
                            self._scalar(event)
                            continue
                        value = text  # a name met once: plain text, not worth keeping
                elif len(text) > MAX_TEXT_CHARS:
                    self._scalar(event)
                    continue
                else:
                    value = text
                if "$" in text:
                    frame.dollar = True
                if frame.is_map:
                    key, key_mark = frame.key, frame.key_mark
                    assert key_mark is not None
                    mark = new(Mark, (name, start.line + 1, start.column + 1, key_mark.path))
                    self.values += 1
                    if self.values > MAX_VALUES:
                        raise _too_large(mark)
                    frame.size += 1
                    if key == "<<":
                        frame.merges.append((value, mark))
                    else:
                        container.put(key, value, key_mark, mark)
                    frame.key, frame.key_mark = None, None
                else:
                    mark = new(
                        Mark,
                        (
                            name,
                            start.line + 1,
                            start.column + 1,
                            (*container.mark.path, len(container)),
                        ),
                    )
                    self.values += 1
                    if self.values > MAX_VALUES:
                        raise _too_large(mark)
                    frame.size += 1
                    container.put(value, mark)
            elif kind in starts:
                frame = stack[-1] if stack else None
                if (
                    frame is None
                    or event.tag is not None
                    or event.anchor is not None
                    or len(stack) >= MAX_DEPTH
                    or (frame.is_map and frame.key is None)
                ):
                    self._start(event)
                    continue
                start = event.start_mark
                if frame.is_map:
                    assert frame.key_mark is not None
                    path = frame.key_mark.path
                else:
                    path = (*frame.container.mark.path, len(frame.container))
                mark = new(Mark, (name, start.line + 1, start.column + 1, path))
                stack.append(
                    _Frame(LocatedDict(mark) if kind is mapping_start else LocatedList(mark), None)
                )
            elif kind in ends:
                frame = stack[-1]
                if frame.anchor or frame.merges or len(stack) == 1:
                    self._end(event)
                    continue
                # _end and _attach for a container without anchor or merge keys below
                # another (most of them), inline
                stack.pop()
                container = frame.container
                container.literal = not frame.dollar
                self.values += 1
                if self.values > MAX_VALUES:
                    raise _too_large(container.mark)
                parent = stack[-1]
                parent.size += frame.size
                if frame.dollar:
                    parent.dollar = True
                into: Any = parent.container  # a LocatedDict if parent.is_map, else a list
                if not parent.is_map:
                    into.put(container, container.mark)
                elif parent.key == "<<":
                    parent.merges.append((container, container.mark))
                    parent.key, parent.key_mark = None, None
                else:
                    into.put(parent.key, container, parent.key_mark, container.mark)
                    parent.key, parent.key_mark = None, None
            elif kind is alias_event:
                self._alias(event)
            elif kind is events.DocumentStartEvent:
                self.anchors = {}
                self.root, self.root_mark = None, _mark(self.name, event.start_mark)
            elif kind is events.DocumentEndEvent:
                yield Document(self.name, self.root, self.root_mark or Mark(self.name, 1, 1))

    def _child_path(self) -> tuple[Any, ...]:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        container = frame.container
        if not frame.is_map:
            return (*container.mark.path, len(container))
        # a value's path is its key's, which _key has just built
        return frame.key_mark.path if frame.key_mark is not None else container.mark.path

    def _count(self, mark: Mark) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            raise _too_large(mark)

    def _scalar(self, event: events.ScalarEvent) -> None:
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.is_map and frame.key is None:
            self._key(frame, event)
            return
        mark = _mark(self.name, event.start_mark, self._child_path())
        warned = len(self.warnings)
        value = self._construct(event, mark)
        if event.tag is None and event.implicit[0] and len(self.warnings) == warned:
            self.plain.setdefault(event.value, value)
        self._count(mark)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        self._attach(value, mark, 1)

    def _key(self, frame: _Frame, event: events.ScalarEvent) -> None:
        key = event.value
        container = frame.container
        if event.tag not in (None, "!") and event.tag not in _SCALAR_TAGS:
            raise _FileProblem(
                f"unsupported YAML tag {_short(event.tag)!r} on a key",
                _mark(self.name, event.start_mark, container.mark.path),
                hint="keys are plain text: remove the tag",
            )
        if len(key) > MAX_KEY_CHARS:
            raise _FileProblem(
                f"key too long ({len(key):,} characters; the limit is {MAX_KEY_CHARS:,})",
                _mark(self.name, event.start_mark, container.mark.path),
            )
        is_merge = key == "<<" and event.implicit[0] and event.tag is None
        if not is_merge and key in container:
            assert isinstance(container, LocatedDict)  # keys are read only into mappings
            first = container.key_mark(key)
            raise _FileProblem(
                f"duplicate key '{key}' (first written at line {first.line}, "
                f"column {first.column})",
                _mark(self.name, event.start_mark, container.mark.path),
                hint="YAML keeps only one of them; remove or merge the other",
            )
        frame.key = "<<" if is_merge else key
        frame.key_mark = _mark(self.name, event.start_mark, (*container.mark.path, key))

    def _construct(self, event: events.ScalarEvent, mark: Mark) -> Any:
        """The value of a scalar: text, or what its tag (written or resolved) makes of it.

        An explicit tag is checked against the text: ``!!int abc`` is an error here, where
        the constructor would raise ``ValueError``.
        """
        text = event.value
        if len(text) > MAX_TEXT_CHARS:
            raise _FileProblem(
                f"text too long ({len(text):,} characters; the limit is {MAX_TEXT_CHARS:,})",
                mark,
            )
        if event.tag in (None, "!"):
            if not event.implicit[0]:  # quoted or block text: a string, whatever it reads like
                return text
            tag = written = _resolve_plain(self.loader, text, event.implicit)
        else:
            tag = event.tag
            written = _resolve_plain(self.loader, text, (True, False))
        if tag == _STR:
            return text
        if tag == _BOOL and event.tag in (None, "!") and text.lower() not in ("true", "false"):
            self._yaml_11_boolean(text, mark)
        if tag in (_MAP, _SEQ):
            raise _FileProblem(
                f"{text!r} is not {'a mapping' if tag == _MAP else 'a list'} "
                f"(it is tagged {_short(tag)})",
                mark,
                hint="remove the tag",
            )
        if tag not in _SCALAR_TAGS and tag != _TIMESTAMP:
            raise _FileProblem(
                f"unsupported YAML tag {_short(tag)!r}",
                mark,
                hint="use plain strings, numbers, booleans, lists and mappings",
            )
        if tag in _NUMBER_TAGS and len(text) > MAX_NUMBER_CHARS:
            raise _FileProblem(
                f"number too long ({len(text):,} characters; the limit is {MAX_NUMBER_CHARS})",
                mark,
                hint="quote it if it is text",
            )
        if tag == _FLOAT and written == _INT:  # !!float 5, !!float 1_000: an integer's value
            return float(self._constructed(event, _INT))
        if written != tag:  # only an explicit tag differs from what the text reads as
            return self._core(tag, text, mark)
        if tag == _TIMESTAMP:
            return text
        return self._constructed(event, tag)

    def _yaml_11_boolean(self, text: str, mark: Mark) -> None:
        """``yes``, ``no``, ``on``, ``off``: YAML 1.1 booleans, which the loader reads as
        ambraconf always has, but YAML 1.2 tools (editors checking the JSON Schema) read as
        text, and which silently turn a text value (an option named ``No``) into
        ``false``."""
        value = "true" if text.lower() in ("yes", "y", "on") else "false"
        self.warnings.append(
            (
                mark,
                f"{text!r} is read as {value} (a YAML 1.1 boolean)",
                f"write {value} if a boolean is meant, or quote it ('{text}') if it is text",
            )
        )

    def _constructed(self, event: events.ScalarEvent, tag: str) -> Any:
        """The value the safe loader's constructor makes of ``event`` read as ``tag``."""
        text = event.value
        cached = self.constructed.get((tag, text), _MISSING)
        if cached is not _MISSING:
            return cached
        # types-PyYAML types events' marks as either Mark class (the C parser makes
        # yaml._yaml.Mark) but nodes' as the pure-Python one only; nodes just keep them
        node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style)  # type: ignore[arg-type]
        value = self.loader.construct_object(node, deep=True)
        self.constructed[(tag, text)] = value
        return value

    @staticmethod
    def _core(tag: str, text: str, mark: Mark) -> Any:
        """An explicitly tagged value in a YAML 1.2 core form the 1.1 resolver reads otherwise."""
        if tag == _FLOAT and _CORE_FLOAT.fullmatch(text):  # 1e3: YAML 1.1 wants a dot
            return float(text)
        if tag == _INT and _CORE_OCTAL.fullmatch(text):
            return int(text[2:], 8)
        expected, example = _TAG_EXPECTS[tag]
        raise _FileProblem(
            f"{text!r} is not {expected} (it is tagged {_short(tag)})",
            mark,
            hint=f"write {example}, or remove the tag",
        )

    def _start(self, event: Any) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise _FileProblem(
                f"document nested too deeply (more than {MAX_DEPTH} levels)",
                _mark(self.name, event.start_mark),
            )
        is_map = isinstance(event, events.MappingStartEvent)
        if event.tag not in (None, "!", _MAP if is_map else _SEQ):
            what = "a mapping" if is_map else "a list"
            fits = event.tag in (_MAP, _SEQ, *_SCALAR_TAGS, *_TAG_EXPECTS)
            raise _FileProblem(
                f"{what} cannot be tagged {_short(event.tag)}"
                if fits
                else f"unsupported YAML tag {_short(event.tag)!r}",
                _mark(self.name, event.start_mark, self._child_path()),
                hint="remove the tag" if fits else "use plain lists and mappings",
            )
        parent = self.stack[-1] if self.stack else None
        mark = _mark(self.name, event.start_mark, self._child_path())
        if parent is not None and isinstance(parent.container, LocatedDict) and parent.key is None:
            raise _FileProblem("a mapping key must be a plain value, not a list or mapping", mark)
        container = LocatedDict(mark) if is_map else LocatedList(mark)
        self.stack.append(_Frame(container, event.anchor))

    def _end(self, _event: Any = None) -> None:
        frame = self.stack.pop()
        container = frame.container
        if isinstance(container, LocatedDict):
            self._apply_merges(frame)
        container.literal = not frame.dollar
        self._count(container.mark)
        if frame.anchor:
            self.anchors[frame.anchor] = (container, frame.size)
        self._attach(container, container.mark, frame.size)

    def _alias(self, event: events.AliasEvent) -> None:
        mark = _mark(self.name, event.start_mark, self._child_path())
        if event.anchor not in self.anchors:
            raise _FileProblem(f"unknown alias '*{event.anchor}'", mark)
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, LocatedDict) and frame.key is None:
            raise _FileProblem("an alias cannot be used as a mapping key", mark)
        value, size = self.anchors[event.anchor]
        # the alias shares its anchor's value, but every later stage walks it as a copy:
        # count what it brings in (a "billion laughs" file is refused here, before any work)
        self.aliased += size
        if self.aliased > MAX_ALIASED_VALUES:
            raise _FileProblem(
                f"document too large: aliases bring in more than {MAX_ALIASED_VALUES:,} "
                f"values in one file (this one, *{event.anchor}, {size:,})",
                mark,
                hint="an alias repeats everything under its anchor; use fewer or smaller ones",
            )
        self._attach(value, mark, size)

    def _attach(self, value: Any, mark: Mark, size: int) -> None:
        if not self.stack:
            self.root, self.root_mark = value, mark
            return
        frame = self.stack[-1]
        frame.size += size
        if not _literal(value):
            frame.dollar = True
        container = frame.container
        if isinstance(container, LocatedList):
            container.put(value, mark)
            return
        assert frame.key is not None and frame.key_mark is not None
        if frame.key == "<<":
            frame.merges.append((value, mark))
        else:
            container.put(frame.key, value, frame.key_mark, mark)
        frame.key, frame.key_mark = None, None

    @staticmethod
    def _apply_merges(frame: _Frame) -> None:
        """YAML merge keys (``<<: *defaults``): explicit keys win, earlier merges win."""
        container = frame.container
        assert isinstance(container, LocatedDict)
        for value, mark in frame.merges:
            sources = value if isinstance(value, list) else [value]
            for source in sources:
                if not isinstance(source, LocatedDict):
                    raise _FileProblem("'<<' merges only mappings", mark)
                for key, item, key_mark, value_mark in source.located_items():
                    if key not in container:
                        container.put(key, item, key_mark, value_mark)
