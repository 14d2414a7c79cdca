"""``adopt --new``: live objects no file defines, appended to the account's own list.

Where a new object belongs is a choice a person makes, so adopt only makes the obvious
one: the account's own list of that kind (``roles:`` under the account), after its last
item, in the file that holds it. An account that has no list of that kind of its own (its
roles all come from a shared block, say) gets none: the object is reported, and ``export``
writes it. Objects are written as export writes them (references by name, server
defaults left out); one with a secret or a text kept in a file of its own is reported
instead, since export would write a placeholder to set, or a file beside the YAML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ambraconf.config.positions import LocatedDict, LocatedList
from ambraconf.engine.adopt import Adopted, Adoption, RawConfig
from ambraconf.engine.adopt_edits import Edit, Skipped
from ambraconf.engine.export import Export, export_account
from ambraconf.engine.live import LiveAccount
from ambraconf.engine.plan import Plan
from ambraconf.kinds.spec import KindSpec


def add_new(
    plan: Plan,
    live: Mapping[str, LiveAccount],
    raw: RawConfig,
    specs: Mapping[str, KindSpec],
    adoption: Adoption,
    *,
    accounts: Iterable[str] = (),
    targets: Iterable[str] = (),
) -> None:
    """Append the live-only objects of the selection to ``adoption``'s writes, or to what
    it did not adopt, with why."""
    wanted_accounts = {a.casefold() for a in accounts}
    wanted_targets = {t.casefold() for t in targets}
    exports: dict[tuple[str, str], Export] = {}
    for account, kind, name in _live_only(plan):
        if wanted_accounts and account.casefold() not in wanted_accounts:
            continue
        if wanted_targets and f"{kind}/{name}".casefold() not in wanted_targets:
            continue
        address = f"{account}/{kind}/{name}"
        spec = specs[kind]
        if (account, kind) not in exports:
            exports[account, kind] = export_account(live[account], [kind], specs)
        problem, values = _exported(exports[account, kind], spec, name)
        if values is None:
            adoption.not_adopted.append(Skipped(address, "", problem))
            continue
        where = _list_end(raw, account, spec, adoption.writes)
        if where is None:
            reason = f"only live, and the account has no {spec.key}: list of its own to add it to"
            adoption.not_adopted.append(
                Skipped(address, "", f"{reason}: `ambraconf export` writes it")
            )
            continue
        file, line, path = where
        adoption.writes.append(
            Edit(account, address, "", "append", (file, line, 0), (), path, values)
        )
        adoption.adopted.append(Adopted(address, "", f"{file}:{line}", None, "new object"))


def _live_only(plan: Plan) -> list[tuple[str, str, str]]:
    """(account, kind, name) of every live object no file defines: pruned or unmanaged."""
    found = [(a.account, a.kind, a.name) for a in plan.actions if a.op == "delete"]
    for account, kinds in plan.unmanaged.items():
        found += [(account, kind, name) for kind, names in kinds.items() for name in names]
    return found


def _exported(export: Export, spec: KindSpec, name: str) -> tuple[str, dict[str, Any] | None]:
    """The object as export writes it, or why it cannot be written into the YAML."""
    objects = [
        item
        for exported in export.files
        for account in exported.document["accounts"]
        for item in account.get(spec.key, [])
    ]
    found = next((o for o in objects if spec.display(o).casefold() == name.casefold()), None)
    if found is None:
        why = [note for note in export.notes if repr(name) in note or name in note]
        return f"only live, and export leaves it out: {'; '.join(why) or 'a stock object'}", None
    if any(p.name == name for p in export.placeholders):
        return "only live, with a secret: `ambraconf export` writes it with a placeholder", None
    if any(t.object == name for t in export.texts):
        return "only live, with a text kept in a file: `ambraconf export` writes both", None
    return "", found


def _list_end(
    raw: RawConfig, account: str, spec: KindSpec, writes: list[Edit]
) -> tuple[str, int, tuple[Any, ...]] | None:
    """Where the next item of the account's own list of ``spec`` goes: its file, the line
    of its last item and its document path (after the items already added this run)."""
    folded = account.casefold()
    mine = next((a for a in raw.merged.accounts if str(a.get("name")).casefold() == folded), None)
    items = mine.get(spec.key) if isinstance(mine, LocatedDict) else None
    if not isinstance(items, LocatedList) or not items:
        return None
    last = items.item_mark(len(items) - 1)
    list_path, index = last.path[:-1], last.path[-1]
    if not isinstance(index, int):
        return None
    added = sum(1 for w in writes if w.place[0] == last.file and w.doc_path[:-1] == list_path)
    return last.file, last.line, (*list_path, index + 1 + added)
