"""Saved plans: written by ``plan --out``, checked by ``apply plan.json``.

A saved plan holds no secrets (they are masked like everywhere else), so applying it
re-reads the config it was made from (for secret values from the environment) and the
live state, and goes ahead only when both give the same actions and the live objects the
plan touches have not moved since. Otherwise it refuses and says what moved.

The plan records where its config is three ways, tried in this order when it is applied:
relative to the plan file (a checkout moved with its plan), absolute (apply run from any
directory), and as given to plan (relative to where plan ran: a CI job that checks the
repository out elsewhere and runs from its root). It also records the ``--account`` and
``--target`` it was made with, so that applying it alone applies what was reviewed.

A secret changed between review and apply (a rotated ``${env:...}``) masks to the same
text, so the plan also keeps a keyed digest of each secret it would send (HMAC-SHA256 with
a random salt kept in the plan, cut to 64 bits): the secret stays out of the file, and a
different one makes the plan stale.

What was reviewed is the config as it was, so the plan keeps the SHA-256 of every file
the config was read from (``Plan.config_files``, by path relative to the config) and is
refused when any file changed, came or went, even when the actions come out the same (a
comment edited after review is still not what was reviewed). The three reasons are told
apart: the config changed (files named), a secret is not the one reviewed (objects
named), live state moved (objects named).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ambraconf.config.errors import UserError
from ambraconf.engine.plan import FORMAT_VERSION, Plan
from ambraconf.engine.records import digest


class StalePlan(UserError):
    """Live state or the config changed since the plan was saved."""

    code = "stale_plan"


def save(plan: Plan, out: Path, config_path: Path, targets: Sequence[str] = ()) -> None:
    document = plan.to_json()
    document["config_path"] = str(config_path.resolve())
    document["config_path_from_plan"] = os.path.relpath(config_path.resolve(), out.resolve().parent)
    document["config_path_given"] = str(config_path)
    document["targets"] = list(targets)
    salt = secrets.token_hex(8)
    document["secret_salt"] = salt
    document["secret_digests"] = secret_digests(plan, salt)
    try:
        out.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write the plan to {out}: {exc.strerror}") from None


def load(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read the plan {path}: {exc.strerror}") from None
    except ValueError:
        raise UserError(f"{path} is not a saved plan (not JSON)") from None
    if not isinstance(document, dict) or "format_version" not in document:
        raise UserError(f"{path} is not a saved ambraconf plan (no format_version)")
    if document["format_version"] != FORMAT_VERSION:
        raise UserError(
            f"{path} has plan format {document['format_version']}, this ambraconf reads "
            f"{FORMAT_VERSION}",
            hint="make the plan again with this version",
        )
    return document


def config_of(saved: dict[str, Any], plan_path: Path) -> Path:
    """The config a saved plan was made from: the first of the paths it records that
    exists (relative to the plan file, absolute, as given to plan), or an error naming
    them all."""
    tried = []
    if saved.get("config_path_from_plan"):
        tried.append(plan_path.resolve().parent / saved["config_path_from_plan"])
    tried += [Path(saved[key]) for key in ("config_path", "config_path_given") if saved.get(key)]
    for candidate in tried:
        if candidate.exists():
            return candidate
    raise UserError(
        f"the config the plan {plan_path} was made from is not there: tried "
        + ", ".join(str(p) for p in dict.fromkeys(tried)),
        hint="apply the plan where its config is checked out, or make the plan again",
    )


def is_saved_plan(path: Path) -> bool:
    """``apply PATH`` takes a config (file or directory) or a saved plan (a .json file)."""
    return path.is_file() and path.suffix == ".json"


def check_unchanged(saved: dict[str, Any], fresh: Plan, *, subset: bool = False) -> None:
    """Refuse when the fresh plan differs from the saved one, naming what moved. With
    ``subset`` (apply chose accounts or targets of its own), the fresh plan may leave out
    actions of the saved one, but each action it has must be in the saved plan as is."""
    if saved.get("url") != fresh.url:
        raise StalePlan(f"the saved plan was made against {saved.get('url')}, not {fresh.url}")
    if "config_files" not in saved:
        raise StalePlan(
            "the saved plan records no digests of its config files (an older ambraconf made "
            "it), so whether the config changed since cannot be told",
            hint="run plan again, review it, and apply the new plan",
        )
    edited = changed_files(saved["config_files"], fresh.config_files)
    prints = saved.get("fingerprints", {})
    if subset:  # only the objects of the chosen accounts and targets matter
        chosen = {a.address for a in fresh.actions}
        prints = {a: d for a, d in prints.items() if a in chosen}
    moved = sorted(a for a, d in prints.items() if fresh.fingerprints.get(a, d) != d)
    settled = sorted(a for a in prints if a not in fresh.fingerprints)
    fresh_keys = _action_keys(fresh.to_json()["actions"])
    saved_keys = _action_keys(saved["actions"])
    new_actions = fresh_keys - saved_keys if subset else fresh_keys ^ saved_keys
    salt = saved.get("secret_salt")
    rotated = sorted(
        address
        for address, digests in secret_digests(fresh, salt).items()
        if salt and digests != saved.get("secret_digests", {}).get(address)
    )
    if not (edited or moved or settled or new_actions or rotated):
        return
    detail = []
    if edited:
        detail.append("the config changed since the plan was saved: " + ", ".join(edited))
    if rotated:
        detail.append("a secret it sends is not the one reviewed: " + ", ".join(rotated))
    if moved:
        detail.append("live objects changed since the plan: " + ", ".join(moved))
    if settled:
        detail.append("no longer to change (changed by hand, or gone): " + ", ".join(settled))
    if new_actions and not (moved or settled or rotated):
        names = ", ".join(sorted({key[0] for key in new_actions}))
        if subset:
            detail.append(f"these are not in it as reviewed: {names}")
        elif edited:
            detail.append(f"it now asks for something else: {names}")
        else:  # the files are as reviewed: what moved is live state, or the environment
            detail.append(
                "the config files are unchanged, but live state or an ${env:...} value moved, "
                f"so these actions are not as reviewed: {names}"
            )
    raise StalePlan(
        "the saved plan is out of date; " + "; ".join(detail),
        hint="run plan again, review it, and apply the new plan",
    )


def changed_files(before: dict[str, str], now: dict[str, str]) -> list[str]:
    """The config files that differ from those a plan was made from, each with how
    (``clinic.yaml (changed)``, ``(new)``, ``(removed)``), in path order."""
    how = {
        path: "changed" if path in before and path in now else "new" if path in now else "removed"
        for path in before.keys() | now.keys()
        if before.get(path) != now.get(path)
    }
    return [f"{path} ({how[path]})" for path in sorted(how)]


def secret_digests(plan: Plan, salt: str | None) -> dict[str, dict[str, str]]:
    """Per action that sends secrets, a keyed digest of each secret field it sends."""
    if not salt:
        return {}
    return {
        action.address: {
            name: digest(salt, {name: (action.desired or {})[name]})
            for name in action.secret_fields
            if name in (action.desired or {})
        }
        for action in plan.actions
        if action.op != "noop" and set(action.secret_fields) & set(action.desired or {})
    }


def _action_keys(actions: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {
        (a["address"], a["op"], json.dumps(a["changes"], sort_keys=True, default=str))
        for a in actions
        if a["op"] != "noop"
    }
