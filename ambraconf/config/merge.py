"""Many files, one configuration: documents merged by top-level key and by account name.

Accounts with the same name (any letter case) are one account: their kind lists are
concatenated, their mappings (``fields``, ``settings``, ``variables``) merged key by key,
and a key set twice to different values is an error naming both places. ``variables``
and ``shared`` blocks merge the same way. Nothing is interpolated yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.interpolate import Variable
from ambraconf.config.loader import Document
from ambraconf.config.positions import LocatedDict, LocatedList, Mark, unwrap
from ambraconf.kinds import BY_KEY
from ambraconf.kinds.base import describe
from ambraconf.suggest import did_you_mean

TOP_LEVEL = ("variables", "shared", "accounts", "policies")
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
MERGED_MAPPINGS = ("fields", "settings", "variables")
CONCATENATED = ("include",)


@dataclass
class SharedBlock:
    """A named ``shared:`` block: kind key to the objects accounts get by ``include``."""

    name: str
    mark: Mark
    lists: dict[str, LocatedList] = field(default_factory=dict)


@dataclass
class Merged:
    """Every document folded together, still raw (not interpolated, not validated)."""

    variables: dict[str, Variable] = field(default_factory=dict)
    shared: dict[str, SharedBlock] = field(default_factory=dict)
    accounts: list[LocatedDict] = field(default_factory=list)
    policies: LocatedList | None = None
    """Every file's ``policies:`` list, concatenated (config.policies checks them)."""


def merge_documents(documents: list[Document], diagnostics: Diagnostics) -> Merged:
    merged = Merged()
    by_name: dict[str, LocatedDict] = {}
    for document in documents:
        data = document.data
        if data is None:
            continue
        if not isinstance(data, LocatedDict):
            diagnostics.error(
                document.mark,
                f"a config file is a mapping with {', '.join(TOP_LEVEL)}; got {describe(data)}",
            )
            continue
        for key, value, key_mark, value_mark in data.located_items():
            if key == "variables":
                _merge_variables(merged.variables, value, value_mark, diagnostics)
            elif key == "shared":
                _merge_shared(merged.shared, value, value_mark, diagnostics)
            elif key == "accounts":
                _merge_accounts(merged.accounts, by_name, value, value_mark, diagnostics)
            elif key == "policies":
                if isinstance(value, LocatedList):
                    merged.policies = _concat(merged.policies, value)
                else:
                    diagnostics.error(
                        value_mark, f"'policies' is a list of policies, got {describe(value)}"
                    )
            else:
                diagnostics.error(
                    key_mark,
                    f"unknown top-level key '{key}'{did_you_mean(key, TOP_LEVEL)}",
                    hint=f"a config file holds {', '.join(TOP_LEVEL)}",
                )
    return merged


def check_variables(
    value: Any, mark: Mark, diagnostics: Diagnostics
) -> list[tuple[str, Any, Mark, Mark]]:
    """The well-formed entries of a ``variables:`` mapping (name → scalar)."""
    if not isinstance(value, LocatedDict):
        diagnostics.error(mark, f"'variables' is a mapping of name to value, got {describe(value)}")
        return []
    good = []
    for name, item, key_mark, value_mark in value.located_items():
        if not VARIABLE_NAME.fullmatch(name):
            diagnostics.error(
                key_mark,
                f"invalid variable name '{name}'",
                hint="use letters, digits, '_', '-' and '.', starting with a letter or '_'",
            )
        elif item is None or isinstance(item, (dict, list)):
            diagnostics.error(
                value_mark,
                f"variable '{name}' must be text, a number or a boolean, got {describe(item)}",
            )
        else:
            good.append((name, item, key_mark, value_mark))
    return good


def _merge_variables(
    into: dict[str, Variable], value: Any, mark: Mark, diagnostics: Diagnostics
) -> None:
    for name, item, _key_mark, value_mark in check_variables(value, mark, diagnostics):
        if name in into and into[name].value != item:
            _conflict(diagnostics, value_mark, f"variable '{name}'", into[name].mark)
        elif name not in into:
            into[name] = Variable(item, value_mark)


def _merge_shared(
    into: dict[str, SharedBlock], value: Any, mark: Mark, diagnostics: Diagnostics
) -> None:
    if not isinstance(value, LocatedDict):
        diagnostics.error(
            mark, f"'shared' is a mapping of block name to kinds, got {describe(value)}"
        )
        return
    for name, block, _key_mark, block_mark in value.located_items():
        if not isinstance(block, LocatedDict):
            diagnostics.error(
                block_mark,
                f"shared block '{name}' is a mapping of kind to list (roles:, groups:...), "
                f"got {describe(block)}",
            )
            continue
        target = into.setdefault(name.casefold(), SharedBlock(name, block_mark))
        for key, items, key_mark, items_mark in block.located_items():
            if key not in BY_KEY:
                diagnostics.error(
                    key_mark,
                    f"unknown kind '{key}' in shared block '{name}'{did_you_mean(key, BY_KEY)}",
                )
            elif not isinstance(items, LocatedList):
                diagnostics.error(items_mark, f"expected a list of {key}, got {describe(items)}")
            else:
                target.lists[key] = _concat(target.lists.get(key), items)


def _merge_accounts(
    into: list[LocatedDict],
    by_name: dict[str, LocatedDict],
    value: Any,
    mark: Mark,
    diagnostics: Diagnostics,
) -> None:
    if not isinstance(value, LocatedList):
        diagnostics.error(mark, f"'accounts' is a list of accounts, got {describe(value)}")
        return
    for index, account in enumerate(value):
        item_mark = value.item_mark(index)
        if not isinstance(account, LocatedDict):
            diagnostics.error(item_mark, f"an account is a mapping, got {describe(account)}")
            continue
        name = account.get("name")
        if not isinstance(name, str) or not name.strip():
            diagnostics.error(
                item_mark,
                "an account needs a 'name'"
                if name is None
                else f"an account's name is text, got {describe(name)}",
            )
            continue
        folded = name.casefold()
        if folded not in by_name:
            by_name[folded] = _copy(account)
            into.append(by_name[folded])
        else:
            _merge_account(by_name[folded], account, diagnostics)


def _merge_account(into: LocatedDict, other: LocatedDict, diagnostics: Diagnostics) -> None:
    for key, value, key_mark, value_mark in other.located_items():
        if key == "name" or key not in into:
            if key not in into:
                into.put(key, value, key_mark, value_mark)
            continue
        current = into[key]
        both_lists = isinstance(current, LocatedList) and isinstance(value, LocatedList)
        if both_lists and (key in BY_KEY or key in CONCATENATED):
            into.put(key, _concat(current, value), into.key_mark(key), into.value_mark(key))
        elif (
            key in MERGED_MAPPINGS
            and isinstance(current, LocatedDict)
            and isinstance(value, LocatedDict)
        ):
            into.put(key, _merge_mapping(current, value, key, diagnostics), key_mark, value_mark)
        elif unwrap(current) != unwrap(value):
            _conflict(diagnostics, value_mark, f"'{key}'", into.value_mark(key))


def _merge_mapping(
    current: LocatedDict, other: LocatedDict, what: str, diagnostics: Diagnostics
) -> LocatedDict:
    merged = _copy(current)
    for key, value, key_mark, value_mark in other.located_items():
        if key not in merged:
            merged.put(key, value, key_mark, value_mark)
        elif unwrap(merged[key]) != unwrap(value):
            _conflict(diagnostics, value_mark, f"{what} '{key}'", merged.value_mark(key))
    return merged


def _conflict(diagnostics: Diagnostics, mark: Mark, what: str, first: Mark) -> None:
    diagnostics.error(
        mark,
        f"{what} is set twice with different values (first at {first.where})",
        hint="set it in one file only",
    )


def _concat(first: LocatedList | None, second: LocatedList) -> LocatedList:
    result = LocatedList(first.mark if first is not None else second.mark)
    for source in (first, second):
        if source is not None:
            result.put_all(source, source.marks())
    return result


def _copy(mapping: LocatedDict) -> LocatedDict:
    return mapping.replacing({})
