"""What adopt wrote: the diff of each file, then each value adopted and each difference
left as drift with why, then one closing line."""

from __future__ import annotations

import json

from ambraconf.engine.adopt import Adopted, Adoption
from ambraconf.reports.rendered import Part, Rendered

NOTHING = "Nothing to adopt: live state matches the configuration."


def render(adoption: Adoption) -> Rendered:
    if adoption.nothing:
        return Rendered((Part(NOTHING),))
    parts = [Part(change.diff().rstrip("\n")) for change in adoption.files]
    if adoption.adopted:
        parts.append(Part("\nAdopted:"))
        parts += [Part(f"  {_adopted(a)}") for a in adoption.adopted]
    if adoption.not_adopted:
        parts.append(Part("\nNot adopted (still drift):"))
        parts += [
            Part(f"  {s.address}{' ' + s.field if s.field else ''}: {s.reason}")
            for s in adoption.not_adopted
        ]
    parts.append(Part("\n" + summary(adoption)))
    return Rendered(tuple(parts))


def _adopted(adopted: Adopted) -> str:
    if not adopted.field:  # a whole object (--new)
        return f"{adopted.address}: {adopted.via} at {adopted.where}"
    value = json.dumps(adopted.value, default=str)
    return f"{adopted.address} {adopted.field} = {value} ({adopted.via or adopted.where})"


def summary(adoption: Adoption) -> str:
    """``Adopted 3 values into 2 files; 1 difference not adopted.``"""
    if adoption.nothing:
        return NOTHING
    values = len(adoption.adopted)
    files = len(adoption.files)
    verb = "Would adopt" if adoption.dry_run else "Adopted"
    line = (
        f"{verb} {values} {'value' if values == 1 else 'values'} into {files} "
        f"{'file' if files == 1 else 'files'}"
        if values
        else "No values adopted"
    )
    left = len(adoption.not_adopted)
    if left:
        line += f"; {left} {'difference' if left == 1 else 'differences'} not adopted"
    return line + (" (dry run: nothing written)." if adoption.dry_run else ".")
