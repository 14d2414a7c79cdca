"""Adopt's edits applied to the files: new texts, checked before anything is written.

The new texts are validated as a whole configuration (in a copy of the config's folder)
before any file is touched, and every file must be writable first, so that adopt either
writes all its edits or none.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ambraconf.config.errors import UserError
from ambraconf.config.validate import validate_path
from ambraconf.config.yaml_edit import YamlEditor
from ambraconf.engine.adopt import FileChange
from ambraconf.engine.adopt_edits import Edit

BOM = "\ufeff"
"""A byte order mark some editors write first: the loader reads past it, adopt keeps it."""

_ORDER = {"set": 0, "append": 1, "delete": 2}
"""Values first, then new list items at the ends, then removals from the last item up:
each edit's path then still names what it named in the file as read."""


def new_texts(writes: Iterable[Edit]) -> list[FileChange]:
    """Each file that the edits change, before and after, in file order."""
    by_file: dict[str, list[Edit]] = {}
    for edit in writes:
        by_file.setdefault(edit.place[0], []).append(edit)
    changes = []
    for name in sorted(by_file):
        before = _read(Path(name))
        bom = BOM if before.startswith(BOM) else ""
        editor = YamlEditor(name, before.removeprefix(BOM))
        edits = sorted(by_file[name], key=lambda e: _ORDER[e.op])
        removals = sorted((e for e in edits if e.op == "delete"), key=_path_key, reverse=True)
        for edit in [e for e in edits if e.op != "delete"] + removals:
            if edit.op == "delete":
                editor.delete(edit.place[1], edit.doc_path)
            else:
                editor.set(edit.place[1], edit.doc_path, edit.value)
        after = bom + editor.render()
        if after != before:
            changes.append(FileChange(name, before, after))
    return changes


def check_valid(config: Path, changes: list[FileChange]) -> None:
    """Refuse edits that would leave the configuration at ``config`` invalid."""
    if not changes:
        return
    root = (config if config.is_dir() else config.parent).resolve()
    with tempfile.TemporaryDirectory(prefix="ambraconf-adopt-") as tmp:
        copy = Path(tmp) / "config"
        if config.is_dir():
            shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git"))
        else:  # a single file: what it may refer to (code files) lies beside it
            copy.mkdir()
            for item in root.iterdir():
                if item.is_file():
                    shutil.copy2(item, copy / item.name)
        for change in changes:
            (copy / Path(change.file).resolve().relative_to(root)).write_text(
                change.after, encoding="utf-8"
            )
        result = validate_path(copy if config.is_dir() else copy / config.name)
        found = [str(d).replace(str(copy), str(root)) for d in result.errors[:5]]
    if found:
        raise UserError(
            "the live values would make the configuration invalid; nothing was written:\n"
            + "\n".join(found),
            hint="revert them with `ambraconf apply`, or adopt the others with --target",
        )


def save(changes: list[FileChange]) -> None:
    """Write the new texts, after checking that every file can be written."""
    for change in changes:
        if not _writable(Path(change.file)):
            raise UserError(
                f"cannot write {change.file}: permission denied; nothing was written",
                hint="make the file writable, or run adopt with --dry-run to see the diff",
            )
    for change in changes:
        try:
            with open(change.file, "w", encoding="utf-8", newline="") as out:
                out.write(change.after)
        except OSError as exc:
            raise UserError(f"cannot write {change.file}: {exc.strerror or exc}") from None


def _writable(path: Path) -> bool:
    """Whether ``path`` may be written: a file with no write bit is read-only here even
    for root (who could write it), as the person who made it so meant."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(path, os.W_OK)


def _read(path: Path) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None


def _path_key(edit: Edit) -> tuple[tuple[int, str], ...]:
    return tuple((p, "") if isinstance(p, int) else (-1, str(p)) for p in edit.doc_path)
