"""The accounts the benchmark plans and applies: N objects over the managed kinds.

A config is generated as YAML files (one per kind, as a team would keep them) for one
account, with references the way real accounts have them: roles give custom field
permissions, groups and locations name a default role, routes live in groups and name a
custom field, a webhook and a destination that ambraconf does not manage (seeded in the
sandbox with its gateway, as ``examples/sandbox/northshore.seed.yaml`` does).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ACCOUNT = "Bench Health"
NODE = "Bench Gateway"
DESTINATION = "Bench PACS"

SHARES: tuple[tuple[str, float], ...] = (
    ("customfields", 0.05),
    ("roles", 0.10),
    ("groups", 0.15),
    ("locations", 0.10),
    ("webhooks", 0.10),
    ("routes", 0.50),
)
"""How N objects are spread over the kinds (routes are most of a real account)."""

MODALITIES = ("CT", "MR", "US", "CR", "DX", "MG", "NM", "PT")


def counts(total: int) -> dict[str, int]:
    """Objects per kind for ``total`` objects; at least one of each, summing to ``total``."""
    if total < len(SHARES):
        raise ValueError(f"at least {len(SHARES)} objects, one per kind")
    result = {kind: max(1, math.floor(total * share)) for kind, share in SHARES}
    result["routes"] += total - sum(result.values())
    return result


def seed() -> dict[str, Any]:
    """The sandbox seed: the account, with the gateway and destination routes push to."""
    return {
        "accounts": [
            {
                "name": ACCOUNT,
                "nodes": [{"name": NODE, "type": "HARVESTER"}],
                "destinations": [
                    {
                        "name": DESTINATION,
                        "node": NODE,
                        "aetitle": "BENCHPACS",
                        "address": "10.9.0.10",
                        "port": 104,
                    }
                ],
            }
        ]
    }


def account(total: int, *, changed: float = 0.0) -> dict[str, Any]:
    """The account's config; ``changed`` of the objects of each kind (every k-th one)
    carry a different value for one managed field, as an edit between two plans would."""
    step = round(1 / changed) if changed else 0

    def edited(index: int) -> bool:
        return bool(step) and index % step == step - 1

    body = definitions(
        counts(total), edited, share_code=lambda i: f"G{i:05d}", destination=DESTINATION
    )
    return {"name": ACCOUNT, **body}


def definitions(
    n: dict[str, int],
    edited: Callable[[int], bool],
    *,
    share_code: Callable[[int], str],
    destination: str,
) -> dict[str, list[dict[str, Any]]]:
    """``n[kind]`` objects of each kind, named and cross-referenced as real accounts do
    (see the module docstring); ``edited(i)`` gives the i-th of a kind its edited value.
    Shared by the single-account and the multi-account workloads."""
    customfields = [
        {
            "name": f"Field {i:05d}",
            "object": "Study",
            "type": "select",
            "display_order": i + (1000 if edited(i) else 0),
            "options": {"values": ["Routine", "Urgent", "STAT"]},
        }
        for i in range(n["customfields"])
    ]
    roles = [
        {
            "name": f"Role {i:05d}",
            "description": f"Role number {i}" + (" (edited)" if edited(i) else ""),
            "for_account": i % 2 == 0,
            "permissions": {
                "study_view": True,
                "study_download": not edited(i),
                "study_field_patientid": "O",
                "study_field_customfields": {customfields[i % len(customfields)]["name"]: "R"},
            },
        }
        for i in range(n["roles"])
    ]
    groups = [
        {
            "name": f"Group {i:05d}",
            "role": roles[i % len(roles)]["name"],
            "must_approve": edited(i),
            "share_code": share_code(i),
        }
        for i in range(n["groups"])
    ]
    locations = [
        {
            "name": f"Location {i:05d}",
            "role": roles[i % len(roles)]["name"],
            "must_approve_upload": edited(i),
        }
        for i in range(n["locations"])
    ]
    webhooks = [
        {
            "name": f"Webhook {i:05d}",
            "event": "ROUTE_RULE",
            "url": f"https://ehr.example.org/hooks/{i}" + ("/v2" if edited(i) else ""),
            "method": "POST_JSON",
            "parameters": {"accession": "study.accession_number", "uid": "study.study_uid"},
        }
        for i in range(n["webhooks"])
    ]
    routes = [
        route(f"Route {i:05d}", i, edited(i), groups, customfields, webhooks, destination)
        for i in range(n["routes"])
    ]
    return {
        "customfields": customfields,
        "roles": roles,
        "groups": groups,
        "locations": locations,
        "webhooks": webhooks,
        "routes": routes,
    }


def route(
    name: str,
    i: int,
    edited: bool,
    groups: list[dict[str, Any]],
    customfields: list[dict[str, Any]],
    webhooks: list[dict[str, Any]],
    destination: str,
) -> dict[str, Any]:
    """The i-th route: in a group, on a modality and a custom field, to ``destination``
    and a webhook."""
    return {
        "name": name,
        "group": groups[i % len(groups)]["name"],
        "conditions": [
            {"lv": "modality", "op": "equals", "rv": MODALITIES[i % len(MODALITIES)]},
            {
                "customfield": customfields[i % len(customfields)]["name"],
                "op": "equals",
                "rv": "Routine" if edited else "STAT",
            },
        ],
        "actions": [
            {"destination": destination},
            {"webhook": webhooks[i % len(webhooks)]["name"]},
        ],
        "on_upload": True,
    }


def write_config(folder: Path, total: int, *, changed: float = 0.0) -> Path:
    """Write the config as one YAML file per kind under ``folder``; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    body = account(total, changed=changed)
    head = {k: v for k, v in body.items() if not isinstance(v, list)}
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [head]}, sort_keys=False))
    for kind, objects in body.items():
        if isinstance(objects, list):
            document = {"accounts": [{"name": ACCOUNT, kind: objects}]}
            (folder / f"{kind}.yaml").write_text(
                yaml.safe_dump(document, sort_keys=False, width=100)
            )
    return folder
