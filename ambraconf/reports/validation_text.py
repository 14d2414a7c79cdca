"""What ``ambraconf validate`` prints: every problem, then what was checked and counted."""

from __future__ import annotations

from ambraconf.config.desired import DesiredAccount
from ambraconf.config.validate import ValidationResult
from ambraconf.kinds import KINDS

MAX_SHOWN = 200
CHECKED = (
    "YAML syntax, keys and value types, interpolation,",
    "unique names, references between objects, reference cycles,",
    "permissions, account settings, route conditions and webhook events",
    "against the API documentation.",
)


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _kind_counts(account: DesiredAccount) -> str:
    counts = account.counts()
    parts = [_plural(counts[k.name], k.title, k.plural) for k in KINDS if counts[k.name]]
    return ", ".join(parts) or "no objects"


def render(result: ValidationResult) -> str:
    """Diagnostics first (capped), then a one-line verdict and, when valid, the counts."""
    lines = [str(d) for d in result.diagnostics[:MAX_SHOWN]]
    hidden = len(result.diagnostics) - MAX_SHOWN
    if hidden > 0:
        lines.append(f"... and {hidden} more")
    lines.append(verdict(result))
    if not result.ok:
        return "\n".join(lines)
    lines.extend(f"  {a.name}: {_kind_counts(a)}" for a in result.accounts)
    lines.append("Checked: " + "\n  ".join(CHECKED))
    return "\n".join(lines)


def verdict(result: ValidationResult) -> str:
    """The closing line: valid or not, with the counts (all that ``-q`` keeps of a valid
    config)."""
    errors, warnings = len(result.errors), len(result.warnings)
    files = _plural(len(result.files), "file")
    if not result.ok:
        return (
            f"{result.path}: invalid: {_plural(errors, 'error')}, "
            f"{_plural(warnings, 'warning')} in {files}"
        )
    line = f"{result.path}: valid ({files}, {_plural(len(result.accounts), 'account')}"
    return line + (f", {_plural(warnings, 'warning')})" if warnings else ")")
