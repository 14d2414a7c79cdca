"""Saved plans: written by ``plan --out``, checked by ``apply plan.json``.

A saved plan holds no secrets (they are masked like everywhere else), so applying it
re-reads the config it was made from (for secret values from the environment) and the
live state, and goes ahead only when both give the same actions and the live objects the
plan touches have not moved since. Otherwise it refuses and says what moved.

A secret changed between review and apply (a rotated ``${env:...}``) masks to the same
text, so the plan also keeps a keyed digest of each secret it would send (HMAC-SHA256 with
a random salt kept in the plan, cut to 64 bits): the secret stays out of the file, and a
different one makes the plan stale.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from ambraconf.config.errors import UserError
from ambraconf.engine.plan import FORMAT_VERSION, Plan
from ambraconf.engine.records import digest


class StalePlan(UserError):
    """Live state or the config changed since the plan was saved."""

    code = "stale_plan"


def save(plan: Plan, out: Path, config_path: Path) -> None:
    document = plan.to_json()
    document["config_path"] = str(config_path)
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


def is_saved_plan(path: Path) -> bool:
    """``apply PATH`` takes a config (file or directory) or a saved plan (a .json file)."""
    return path.is_file() and path.suffix == ".json"


def check_unchanged(saved: dict[str, Any], fresh: Plan) -> None:
    """Refuse when the fresh plan differs from the saved one, naming what moved."""
    if saved.get("url") != fresh.url:
        raise StalePlan(f"the saved plan was made against {saved.get('url')}, not {fresh.url}")
    prints = saved.get("fingerprints", {})
    moved = sorted(a for a, d in prints.items() if fresh.fingerprints.get(a, d) != d)
    settled = sorted(a for a in prints if a not in fresh.fingerprints)
    new_actions = _action_keys(fresh.to_json()["actions"]) ^ _action_keys(saved["actions"])
    salt = saved.get("secret_salt")
    rotated = sorted(
        address
        for address, digests in secret_digests(fresh, salt).items()
        if salt and digests != saved.get("secret_digests", {}).get(address)
    )
    if not (moved or settled or new_actions or rotated):
        return
    detail = []
    if rotated:
        detail.append("a secret it sends is not the one reviewed: " + ", ".join(rotated))
    if moved:
        detail.append("live objects changed since the plan: " + ", ".join(moved))
    if settled:
        detail.append("no longer to change (changed by hand, or gone): " + ", ".join(settled))
    if not (moved or settled or rotated):
        names = sorted({key[0] for key in new_actions})
        detail.append("the config now asks for something else: " + ", ".join(names))
    raise StalePlan(
        "the saved plan is out of date; " + "; ".join(detail),
        hint="run plan again, review it, and apply the new plan",
    )


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
