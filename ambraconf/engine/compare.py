"""Comparing accounts: what would change to make account B like A, as a plan of B.

No diff code of its own: A becomes a desired state, B's live state is read as a plan reads
it, and the planner compares them. A live A is exported (``export``: references as names,
server defaults left out), written to a scratch directory, read back as a config (so it
is exactly what ``ambraconf export`` would give a user) and renamed B; an A from a config
is that config's account renamed B. Identity is by name, so objects pair up by natural
key in both accounts; values that name the account (share codes, descriptions) are just
differences.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ambraconf.config.desired import Config, DesiredAccount
from ambraconf.config.errors import UserError
from ambraconf.config.validate import load_config
from ambraconf.engine.defaults import is_default_field
from ambraconf.engine.export import ACCOUNT_FILE, Export, ExportedFile, export_account
from ambraconf.engine.export_files import write_export
from ambraconf.engine.live import LiveAccount
from ambraconf.engine.plan import Plan
from ambraconf.kinds import ACCOUNT
from ambraconf.kinds.spec import KindSpec


def renamed(account: DesiredAccount, name: str) -> DesiredAccount:
    """``account`` as the desired state of the account called ``name``: the same objects
    and fields, found by ``name`` (never by the uuid a config may pin A with)."""
    objects = {
        kind: [dataclasses.replace(o, account=name) for o in items]
        for kind, items in account.objects.items()
    }
    twin = dataclasses.replace(account, name=name, uuid=None, create=False, objects=objects)
    twin.objects[ACCOUNT.name] = [twin.own_object()]
    return twin


def from_config(config: Config, source: str, target: str) -> Config:
    """The config's account ``source`` as the desired state of ``target``; its ``prune:``
    and ``ignore:`` still say which of the target's extra objects count."""
    account = config.account(source)
    if account is None:
        known = ", ".join(repr(a.name) for a in config.accounts)
        raise UserError(f"the config has no account {source!r}", hint=f"accounts: {known}")
    return Config([renamed(account, target)], config.files)


def from_live(
    live: LiveAccount,
    target: str,
    kinds: Sequence[str],
    specs: Mapping[str, KindSpec],
    *,
    source: str,
) -> Config:
    """The live account ``live`` as the desired state of ``target``: every field, server
    defaults too (a default in A is a value B must have), and every exported kind pruned
    (objects only the target has are differences too). Kinds ambraconf never
    creates (nodes: gateways installed on site) are left out: nothing could make them alike.

    The export's secret placeholders are given the values the API reports for A (clear,
    an MD5 digest, or nothing), so secrets compare as a plan compares them: masked, and
    not at all where the API reports nothing.
    """
    chosen = [k for k in kinds if specs[k].api.add_path]
    exported = export_account(live, chosen, specs, keep_defaults=True)
    retarget(exported, target)
    with tempfile.TemporaryDirectory(prefix="ambraconf-compare-") as scratch:
        write_export(exported, Path(scratch), source=source)
        config = load_config(scratch, env=_secrets(exported, live, specs))
    account = config.account(target)
    assert account is not None  # every exported file names the target
    account.prune = {specs[k].key: True for k in chosen if specs[k].api.delete_path}
    return config


def quiet_creates(plan: Plan, specs: Mapping[str, KindSpec]) -> Plan:
    """A created object's changes without the fields at server defaults: a new object gets
    them anyway, and a live A's desired state has every default (``from_live``)."""
    for action in plan.actions:
        if action.op == "create" and action.kind in specs:
            spec = specs[action.kind]
            action.changes = [
                c
                for c in action.changes
                if "." in c.path or not is_default_field(spec, c.path, c.after)
            ]
    return plan


def retarget(exported: Export, target: str) -> None:
    """Every file names ``target`` instead of A; an A with nothing to export still gives
    the target's account, so everything the target has is a difference (compare), and a
    clone has an account entry to create (``engine.clone``)."""
    for file in exported.files:
        for account in file.document["accounts"]:
            account["name"] = target
    if not exported.files:
        head = {"accounts": [{"name": target}]}
        exported.files.append(ExportedFile(ACCOUNT_FILE, f"The account {target}", head, 0))


def _secrets(exported: Export, live: LiveAccount, specs: Mapping[str, KindSpec]) -> dict[str, str]:
    """Each placeholder's variable with A's live value at its place ("" when none)."""
    values = {}
    for placeholder in exported.placeholders:
        spec = specs[placeholder.kind]
        obj = next(
            (o for o in live.of_kind(spec.name) if spec.display(o.values) == placeholder.name),
            None,
        )
        found: Any = obj.values if obj is not None else None
        for step in placeholder.path.split("."):
            if isinstance(found, list) and step.isdigit() and int(step) < len(found):
                found = found[int(step)]
            else:
                found = found.get(step) if isinstance(found, dict) else None
        values[placeholder.variable] = "" if found is None else str(found)
    return values
