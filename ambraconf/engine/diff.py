"""Field-by-field comparison of one desired object with its live counterpart.

Only the fields a config sets are managed. Hashes the API merges on set (settings,
permissions) are compared key by key, so keys the config leaves out stay unmanaged.
Secrets are compared without being shown; where the API returns only a digest of a
secret, the digest of the desired value is compared instead.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ambraconf.engine.plan import FieldChange
from ambraconf.kinds.apimap import KeyedList
from ambraconf.kinds.compare import is_empty, same


@dataclass(frozen=True)
class DiffRules:
    """How one kind's fields compare; a kind module declares these as data."""

    merged_hashes: frozenset[str] = frozenset()
    unordered_lists: frozenset[str] = frozenset()
    secret_fields: frozenset[str] = frozenset()
    partial_items: frozenset[str] = frozenset()
    uncompared: frozenset[str] = frozenset()
    keyed_lists: Mapping[str, KeyedList] = field(default_factory=dict)
    unread_item_keys: Mapping[str, frozenset[str]] = field(default_factory=dict)
    long_texts: frozenset[str] = frozenset()
    """Texts shown as a digest and a short diff (custom code): kilobytes of code twice
    over would bury the plan."""

    @cached_property
    def special(self) -> frozenset[str]:
        """The fields compared other than by ``same`` (or not at all): most objects set
        none of them, and are diffed without asking which rule each field falls under."""
        return (
            self.merged_hashes
            | self.unordered_lists
            | self.secret_fields
            | self.partial_items
            | self.uncompared
            | frozenset(self.keyed_lists)
            | self.long_texts
        )


DIFF_LINES = 40
"""The most lines of a long text's diff a plan shows; the digests tell the rest apart."""


def diff_object(
    desired: dict[str, Any], live: dict[str, Any], rules: DiffRules
) -> list[FieldChange]:
    """The changes that would make ``live`` match ``desired`` on the fields desired sets."""
    if rules.special.isdisjoint(desired):
        return _plain_changes(desired, live)
    changes: list[FieldChange] = []
    for name, want in desired.items():
        if name in rules.uncompared:
            continue
        have = live.get(name)
        if name in rules.secret_fields:
            if not secret_matches(want, have):
                changes.append(FieldChange(name, have, want, secret=True))
        elif name in rules.long_texts and isinstance(want, str):
            if want != have:
                changes.append(long_text_change(name, have, want))
        elif name in rules.merged_hashes and isinstance(want, dict):
            changes.extend(_merged(name, want, have, rules.merged_hashes))
        elif name in rules.keyed_lists:
            changes.extend(_keyed(name, want, have, rules.keyed_lists[name], desired))
        elif name in rules.partial_items:
            if not same_items(want, have, rules.unread_item_keys.get(name, frozenset())):
                changes.append(FieldChange(name, have, want))
        elif name in rules.unordered_lists:
            if not same_multiset(want, have):
                changes.append(FieldChange(name, have, want))
        elif not same(want, have):
            changes.append(FieldChange(name, have, want))
    return changes


def _plain_changes(desired: dict[str, Any], live: dict[str, Any]) -> list[FieldChange]:
    """``diff_object`` for fields that all compare by ``same``; equal values (nearly all of
    them) are told apart without calling it."""
    changes: list[FieldChange] = []
    for name, want in desired.items():
        have = live.get(name)
        if want != have and not same(want, have):
            changes.append(FieldChange(name, have, want))
    return changes


def digest(text: str) -> str:
    """``sha256 1f2e3d4c5b6a, 42 lines``: a long text as a plan names it."""
    lines = len(text.splitlines())
    return f"sha256 {hashlib.sha256(text.encode()).hexdigest()[:12]}, {lines} lines"


def long_text_change(path: str, have: Any, want: str) -> FieldChange:
    """A long text's change: the live digest before, the new digest and a unified diff
    (live to files, at most ``DIFF_LINES`` lines) after; compared by content."""
    if not isinstance(have, str):
        return FieldChange(path, have, digest(want))
    lines = list(
        difflib.unified_diff(
            have.splitlines(), want.splitlines(), "live", "files", n=1, lineterm=""
        )
    )
    if len(lines) > DIFF_LINES:
        lines = [*lines[:DIFF_LINES], f"... {len(lines) - DIFF_LINES} more diff lines"]
    return FieldChange(path, digest(have), "\n".join([digest(want), *lines]) + "\n")


def _merged(path: str, want: dict, have: Any, merged: frozenset[str]) -> list[FieldChange]:
    """A hash the API merges on set: only the keys the config sets are compared. A dotted
    entry in ``merged`` (``permissions.study_field_customfields``) merges one level down."""
    have = have if isinstance(have, dict) else {}
    changes = []
    for key, value in want.items():
        inner = f"{path}.{key}"
        if inner in merged and isinstance(value, dict):
            changes.extend(_merged(inner, value, have.get(key), merged))
        elif not same(value, have.get(key)):
            changes.append(FieldChange(inner, have.get(key), value))
    return changes


def _keyed(
    path: str, want: Any, have: Any, rule: KeyedList, desired: dict[str, Any]
) -> list[FieldChange]:
    """A keyed list's changes (``KeyedList``): one carrying only the items that differ
    (live ones before, desired ones after) with their counts in the note, or with ``each``
    one per item that is new, differs or goes (``path.<each(item)>``)."""
    if not isinstance(want, list):
        return [] if same(want, have) else [FieldChange(path, have, want)]
    found = rule.differences(want, have, desired)
    if rule.each is None:
        if not (found.differing or found.removed):
            return []
        before = [live for live, _ in found.changed] + found.removed
        after = found.added + [wanted for _, wanted in found.changed]
        return [FieldChange(path, before, after, note=found.summary)]
    label = rule.each
    changes = [
        FieldChange(
            f"{path}.{label(item)}",
            None if current is None else {k: current.get(k) for k in item},
            item,
        )
        for current, item in found.differing
    ]
    changes += [
        FieldChange(
            f"{path}.{label(item)}",
            {k: v for k, v in item.items() if v is not False and not is_empty(v)},
            None,
        )
        for item in found.removed
    ]
    return changes


def same_items(want: Any, have: Any, unread: frozenset[str] = frozenset()) -> bool:
    """Two lists of mappings as sets, each wanted item compared on the keys it sets (the
    API fills in the rest with defaults, which the config does not manage) except the
    ``unread`` ones, which no read returns."""
    if not isinstance(want, list) or not isinstance(have, list) or len(want) != len(have):
        return same(want, have)
    remaining = list(have)
    for item in want:
        match = next(
            (
                i
                for i, other in enumerate(remaining)
                if isinstance(item, dict)
                and isinstance(other, dict)
                and all(same(v, other.get(k)) for k, v in item.items() if k not in unread)
            ),
            None,
        )
        if match is None:
            return False
        remaining.pop(match)
    return True


def same_multiset(a: Any, b: Any) -> bool:
    if not isinstance(a, list) or not isinstance(b, list):
        return same(a, b)
    remaining = list(b)
    for item in a:
        match = next((i for i, other in enumerate(remaining) if same(item, other)), None)
        if match is None:
            return False
        remaining.pop(match)
    return not remaining


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - the API's digest, not ours


def secret_matches(want: Any, have: Any) -> bool:
    """Whether a desired secret equals what the API reports, in clear or as an MD5 digest.

    An API that reports nothing for a secret cannot be compared: that is not a change,
    or every plan would show it forever.
    """
    if have in (None, "", {}):
        return True
    if isinstance(want, dict) and isinstance(have, dict):
        return all(secret_matches(want.get(k), have.get(k)) for k in set(want) | set(have))
    if isinstance(want, str) and isinstance(have, str):
        return want == have or md5_hex(want) == have.lower()
    return same(want, have)
