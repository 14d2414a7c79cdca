"""What export says it did: the files written (stdout), notes on what it could not carry
over (stderr), and the secrets to set before the export can be planned."""

from __future__ import annotations

from ambraconf.engine.session import ExportRun
from ambraconf.reports.rendered import Part, Rendered


def render(run: ExportRun) -> Rendered:
    export = run.export
    parts = []
    for path, exported in zip(run.written, export.files, strict=True):
        noun = "object" if exported.objects == 1 else "objects"
        parts.append(Part(f"wrote {path} ({exported.objects} {noun})"))
    parts += [
        Part(f"wrote {run.out / text.name} (the {text.kind} {text.object!r})")
        for text in export.texts
    ]
    if not run.written:
        parts.append(
            Part(f"{export.account}: nothing to export (only server defaults and stock roles)")
        )
    parts += [Part(f"note: {note}", err=True) for note in export.notes]
    parts += [
        Part(f"note: {path} was there before; validate and plan read it too", err=True)
        for path in run.strays
    ]
    if export.placeholders:
        parts.append(Part("\nSecrets are placeholders; set these before plan or apply:"))
        parts += [
            Part(f"  {p.variable}  ({p.kind} {p.name!r}, {p.path})") for p in export.placeholders
        ]
    parts.append(Part(f"\nNext: ambraconf validate {run.out} && ambraconf plan {run.out}"))
    return Rendered(tuple(parts))
