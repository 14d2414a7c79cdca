"""What clone says it did: the files it wrote (the config of the new account, to review
and keep in git), the share codes it rewrote, then how the apply ended (or, after a dry
run, how to apply the files)."""

from __future__ import annotations

from ambraconf.engine.clone import CloneRun
from ambraconf.reports import apply_text
from ambraconf.reports.rendered import Part, Rendered


def render(run: CloneRun) -> Rendered:
    clone = run.clone
    parts = [Part(f"\nCloned {clone.source!r} into {clone.target!r}: the config is in {run.out}")]
    for path, exported in zip(run.written, clone.export.files, strict=True):
        noun = "object" if exported.objects == 1 else "objects"
        parts.append(Part(f"  wrote {path} ({exported.objects} {noun})"))
    parts += [
        Part(f"  wrote {run.out / text.name} (the {text.kind} {text.object!r})")
        for text in clone.export.texts
    ]
    if clone.share_codes:
        parts.append(Part("Share codes (unique across every account) rewritten:"))
        parts += [Part(f"  {old} -> {new}") for old, new in clone.share_codes.items()]
    if clone.export.placeholders:
        parts.append(Part(f"Secrets are placeholders in the files; set these to apply {run.out}:"))
        parts += [
            Part(f"  {p.variable}  ({p.kind} {p.name!r}, {p.path})")
            for p in clone.export.placeholders
        ]
    parts += [Part(f"note: {note}", err=True) for note in clone.export.notes]
    parts += [
        Part(f"note: {path} was there before; it is part of the config too", err=True)
        for path in run.strays
    ]
    if run.dry_run:
        parts.append(Part(f"Dry run: nothing applied. Next: ambraconf apply {run.out}"))
        return Rendered(tuple(parts))
    return Rendered((*parts, *apply_text.render(run.run).parts))
