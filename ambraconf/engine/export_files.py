"""Writing an export to a directory: all files or none, never over someone's work."""

from __future__ import annotations

import os
from pathlib import Path

from ambraconf.config.errors import UserError
from ambraconf.engine.export import Export, to_yaml

SCHEMA = Path("schemas") / "ambraconf.schema.json"


def write_export(
    export: Export,
    out: Path,
    *,
    source: str,
    force: bool = False,
    command: str = "ambraconf export",
) -> list[Path]:
    """Write each file of ``export`` into ``out`` (created if needed), and the texts its
    files name beside them (custom code); returns the YAML files' paths. Each file's
    header names the ``command`` that wrote it and its ``source``.

    Refuses, before writing anything, when a file it would write exists and is not empty,
    unless ``force``.
    """
    targets = [(out / f.name, f) for f in export.files]
    texts = [(out / t.name, t.text) for t in export.texts]
    paths = [path for path, _ in targets] + [path for path, _ in texts]
    taken = [path for path in paths if path.is_file() and path.stat().st_size > 0]
    if taken and not force:
        names = ", ".join(str(p) for p in taken)
        raise UserError(
            f"not overwriting {names}", hint="export into an empty directory, or add --force"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        schema = schema_reference(out)
        for path, exported in targets:
            text = to_yaml(exported, source=source, schema=schema, command=command)
            path.write_text(text, encoding="utf-8")
        for path, text in texts:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise UserError(f"cannot write the export to {out}: {exc.strerror}") from None
    return [path for path, _ in targets]


def schema_reference(out: Path) -> str | None:
    """The JSON Schema's path relative to ``out`` when a directory above it has
    ``schemas/`` (a repository that ran ``ambraconf schema``); None otherwise."""
    here = out.resolve()
    for folder in (here, *here.parents):
        if (folder / SCHEMA).is_file():
            return Path(os.path.relpath(folder / SCHEMA, here)).as_posix()
    return None


def other_yaml(out: Path, export: Export) -> list[Path]:
    """YAML files in ``out`` that the export does not write: ``validate`` and ``plan`` read
    them too, so they merge with (or duplicate) what was exported."""
    if not out.is_dir():
        return []
    ours = {f.name for f in export.files}
    return sorted(p for p in out.rglob("*") if p.suffix in (".yaml", ".yml") and p.name not in ours)
