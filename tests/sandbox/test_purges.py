"""/purge/* as the documentation describes it: the required fields, numbers greater than
zero, U/C/S and Study/Hl7, JSON arrays of the account's namespaces, one of thin, archive
and skinny, global for sysadmins, object only on add, and /purge/run's rule or account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"


def rule(acc: str, **fields: Any) -> dict[str, Any]:
    return {"account_id": acc, "name": "Old CT", "days_old": 365, "days_old_how": "C", **fields}


def test_a_rule_keeps_its_fields_and_names_its_namespaces(sandbox: SandboxHandle, acc: str) -> None:
    group = sandbox.ok("/group/add", account_id=acc, name="Radiology")
    uuid = sandbox.ok(
        "/purge/add",
        **rule(acc, namespaces=f'["{group["namespace_id"]}"]', modalities='["CT"]', suspended=1),
    )["uuid"]
    got = sandbox.ok("/purge/get", uuid=uuid)
    assert {k: got[k] for k in ("object", "days_old", "days_old_how", "modalities")} == {
        "object": "Study",
        "days_old": 365,
        "days_old_how": "C",
        "modalities": ["CT"],
    }
    assert (got["namespaces_names"], got["suspended"], got["account_id"]) == (
        ["Radiology"],
        1,
        acc,
    )
    [listed] = sandbox.ok("/purge/list", account_id=acc)["purges"]
    assert listed["namespaces"] == [group["namespace_id"]]


def test_add_requires_name_days_and_how(sandbox: SandboxHandle, acc: str) -> None:
    refused = sandbox.call("/purge/add", account_id=acc, name="X")
    assert (refused.error_type, sorted(refused.error_subtype)) == (
        "MISSING_FIELDS",
        ["days_old", "days_old_how"],
    )


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"days_old": "soon"}, ("NOT_A_NUMBER", "days_old")),
        ({"days_old": 0}, ("GT_ZERO", "days_old")),
        ({"max_deletes": -1}, ("GT_ZERO", "max_deletes")),
        ({"days_old_how": "X"}, ("VALIDATION_FAILED", "days_old_how")),
        ({"object": "Series"}, ("VALIDATION_FAILED", "object")),
        ({"modalities": '"CT"'}, ("NOT_LIST", "modalities")),
        ({"namespaces": "[oops"}, ("INVALID_JSON", "namespaces")),
        ({"namespaces": f'["{MISSING}"]'}, ("NOT_FOUND", MISSING)),
        ({"thin": 1, "skinny": 1}, ("ONLY_ONE_FLAG", None)),
        ({"archive": "yes"}, ("INVALID_FLAG", "archive")),
    ],
)
def test_add_refuses_what_the_documentation_refuses(
    sandbox: SandboxHandle, acc: str, fields: dict[str, Any], error: tuple[str, Any]
) -> None:
    refused = sandbox.call("/purge/add", **rule(acc, **fields))
    assert (refused.error_type, refused.error_subtype) == error
    assert sandbox.ok("/purge/list", account_id=acc)["purges"] == []


def test_a_namespace_of_another_account_is_not_found(sandbox: SandboxHandle, acc: str) -> None:
    other = sandbox.ok("/account/add", name="Elsewhere")
    refused = sandbox.call("/purge/add", **rule(acc, namespaces=f'["{other["namespace_id"]}"]'))
    assert (refused.error_type, refused.error_subtype) == ("NOT_FOUND", other["namespace_id"])


def test_set_checks_the_resulting_rule_and_keeps_object(sandbox: SandboxHandle, acc: str) -> None:
    uuid = sandbox.ok("/purge/add", **rule(acc, object="Hl7", thin=1))["uuid"]
    assert sandbox.call("/purge/set", uuid=uuid, archive=1).error_type == "ONLY_ONE_FLAG"
    refused = sandbox.call("/purge/set", uuid=uuid, modalities='{"CT": 1}')
    assert (refused.error_type, refused.error_subtype) == ("INVALID_JSON", "modalities")
    sandbox.ok("/purge/set", uuid=uuid, thin=0, archive=1, object="Study", days_old=30)
    got = sandbox.ok("/purge/get", uuid=uuid)
    assert (got["object"], got["archive"], got["thin"], got["days_old"]) == ("Hl7", 1, 0, 30)


def test_only_a_sysadmin_makes_a_rule_global(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    sid = limited_sid(purge_view=1, purge_edit=1)
    refused = sandbox.call("/purge/add", sid=sid, **rule(acc, **{"global": 1}))
    assert refused.error_type == "NOT_PERMITTED"
    uuid = sandbox.ok("/purge/add", sid=sid, **rule(acc))["uuid"]
    assert sandbox.call("/purge/set", sid=sid, uuid=uuid, **{"global": 1}).error_type == (
        "NOT_PERMITTED"
    )
    sandbox.ok("/purge/set", uuid=uuid, **{"global": 1})
    assert sandbox.ok("/purge/get", uuid=uuid)["global"] == 1


def test_purge_permissions(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    uuid = sandbox.ok("/purge/add", **rule(acc))["uuid"]
    viewer = limited_sid(purge_view=1)
    assert sandbox.call("/purge/get", sid=viewer, uuid=uuid).status == 200
    for path, params in (
        ("/purge/add", rule(acc, name="Other")),
        ("/purge/set", {"uuid": uuid, "days_old": 10}),
        ("/purge/run", {"rule_id": uuid, "dry_run": 1}),
        ("/purge/delete", {"uuid": uuid}),
    ):
        assert sandbox.call(path, sid=viewer, **params).error_type == "NOT_PERMITTED", path


def test_run_takes_a_rule_or_an_account(sandbox: SandboxHandle, acc: str) -> None:
    uuid = sandbox.ok("/purge/add", **rule(acc))["uuid"]
    assert sandbox.ok("/purge/run", rule_id=uuid, dry_run=1) == {"status": "OK"}
    assert sandbox.ok("/purge/run", account_id=acc, object="Study", dry_run=1) == {"status": "OK"}
    missing = sandbox.call("/purge/run", dry_run=1)
    assert (missing.error_type, sorted(missing.error_subtype)) == (
        "MISSING_FIELDS",
        ["account_id", "rule_id"],
    )
    assert sandbox.call("/purge/run", rule_id=MISSING, dry_run=1).error_type == "NOT_FOUND"
    assert sandbox.call("/purge/run", rule_id=uuid, dry_run=2).error_type == "INVALID_FLAG"
    assert [p["uuid"] for p in sandbox.ok("/purge/list", account_id=acc)["purges"]] == [uuid]


def test_delete_and_seed(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.ok("/group/add", account_id=acc, name="Radiology")
    entry = {"name": "Old MR", "days_old": 90, "days_old_how": "S", "namespaces": ["Radiology"]}
    sandbox.seed({"accounts": [{"name": "Sandbox Hospital", "purges": [entry]}]})
    [seeded] = sandbox.ok("/purge/list", account_id=acc)["purges"]
    assert seeded["namespaces_names"] == ["Radiology"]
    sandbox.ok("/purge/delete", uuid=seeded["uuid"])
    assert sandbox.call("/purge/get", uuid=seeded["uuid"]).error_type == "NOT_FOUND"
    assert sandbox.call("/purge/delete", uuid=seeded["uuid"]).error_type == "NOT_FOUND"
