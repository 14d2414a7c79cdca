"""Hashes that mean exactly what the files say (``exact: true``).

The API merges role permissions on set, and a new role starts from the default permission
column, so in merge mode a role written with five permissions holds some forty. Under
``exact`` every key the files do not list is turned off: the plan computes those keys and
their off values once (``resets``), the diff compares the config's values with them laid
underneath, and apply sends both. The config's own values (``Action.desired``) stay as
written, so the apply records' digests still say what git holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ambraconf.kinds.compare import same
from ambraconf.kinds.spec import REVERT, KindSpec


def resets(spec: KindSpec, desired: Mapping[str, Any], live: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of each exact hash the config sets that it does not list, at their off
    value: the documented keys (so a new object gets them all) and the live ones, less the
    live ones already off (apply sends only what changes: an account lists some 350
    settings); nested like the values (``{"permissions": {"study_delete": False}}``)."""
    found: dict[str, Any] = {}
    for path, exact in spec.exact.items():
        parts = path.split(".")
        want = _at(desired, parts)
        if want is None and len(parts) > 1 and isinstance(_at(desired, parts[:-1]), dict):
            want = {}  # the hash is exact, so a nested hash it leaves out is empty
        if not isinstance(want, dict):
            continue
        have = _at(live, parts)
        have = have if isinstance(have, dict) else {}
        off: dict[str, Any] = {}
        for key in dict.fromkeys([*exact.keys(), *have]):
            value = exact.off(key) if key not in want else None
            if value is REVERT:
                if have.get(key) is not None:
                    off[key] = None
            elif value is not None and not (key in have and same(have[key], value)):
                off[key] = value
        if off:
            _put(found, parts, off)
    return found


def laid_under(base: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with ``base`` underneath: mappings merged key by key, ``values`` winning."""
    result = dict(base)
    for key, value in values.items():
        below = result.get(key)
        if isinstance(value, Mapping) and isinstance(below, Mapping):
            result[key] = laid_under(below, value)
        else:
            result[key] = value
    return result


def _at(values: Mapping[str, Any], parts: list[str]) -> Any:
    value: Any = values
    for part in parts:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _put(values: dict[str, Any], parts: list[str], value: Any) -> None:
    for part in parts[:-1]:
        values = values.setdefault(part, {})
    values[parts[-1]] = value
