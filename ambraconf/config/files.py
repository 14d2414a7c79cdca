"""Text fields kept in files of the repository (``code_file: validators/ct_check.py``).

A kind declares them (``KindSpec.files``); before an object is validated, each such key is
replaced by its field holding the file's text, at the key's place in the YAML, so the
model, the plan and apply see the text and messages point at the line that names the
file. The path is relative to the YAML file that names it (a shared block's file, for an
object a block holds). The text is taken as it is: no interpolation (code has ``${`` of
its own).
"""

from __future__ import annotations

from pathlib import Path

from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.loader import MAX_TEXT_CHARS
from ambraconf.config.positions import LocatedDict, Mark
from ambraconf.config.sources import Sources
from ambraconf.kinds.base import describe
from ambraconf.kinds.spec import FileField, KindSpec


def with_files(
    spec: KindSpec, item: LocatedDict, diagnostics: Diagnostics, sources: Sources
) -> LocatedDict | None:
    """``item`` with each file key of ``spec`` replaced by its field holding the file's
    text, each file read recorded in ``sources``; None (and the problems reported) when a
    file cannot be had."""
    if not spec.files:
        return item
    result = LocatedDict(item.mark)
    ok = True
    for key, value, key_mark, value_mark in item.located_items():
        files = [f for f in spec.files if f.key == key]
        if not files:
            result.put(key, value, key_mark, value_mark)
            continue
        file = files[0]
        if file.field in item:
            diagnostics.error(
                key_mark,
                f"give {file.key} or {file.field}, not both",
                hint=f"keep the text in the file and remove {file.field}:, or the other way",
            )
            ok = False
            continue
        text = _read(file, value, value_mark, diagnostics, sources)
        if text is None:
            ok = False
            continue
        result.put(file.field, text, key_mark, value_mark)
    for file in spec.files:
        required = spec.model.model_fields[file.field].is_required()
        if required and file.key not in item and file.field not in item:
            diagnostics.error(
                item.mark,
                f"a {spec.title} needs its {file.field}: {file.key}: <a file, relative to "
                f"this YAML file> or {file.field}: <the text>",
            )
            ok = False
    return result if ok else None


def _read(
    file: FileField, value: object, mark: Mark, diagnostics: Diagnostics, sources: Sources
) -> str | None:
    if not isinstance(value, str) or not value.strip():
        diagnostics.error(mark, f"{file.key}: expected a file path, got {describe(value)}")
        return None
    path = Path(mark.file).parent / value
    try:
        raw = sources.read(path)
    except OSError as exc:
        reason = "no such file" if isinstance(exc, FileNotFoundError) else exc.strerror or exc
        diagnostics.error(
            mark,
            f"{file.key}: cannot read {value!r}: {reason} (looked for {path})",
            hint="the path is relative to the YAML file that names it",
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        diagnostics.error(mark, f"{file.key}: {value!r} is not UTF-8 text")
        return None
    if len(text) > MAX_TEXT_CHARS:
        diagnostics.error(
            mark,
            f"{file.key}: {value!r} is too long ({len(text):,} characters; the limit is "
            f"{MAX_TEXT_CHARS:,})",
        )
        return None
    return text
