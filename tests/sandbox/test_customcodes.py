"""/customcode/* as the documentation describes it: type and language checked and add-only,
settings a hash, deployed code neither edited nor deleted (IS_DEPLOYED), one deployment per
namespace (ALREADY), one zipped code per namespace (ONE_ZIP_ONLY), and shared code listed
with the account's own."""

from __future__ import annotations

from typing import Any

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"
CODE = "def validate(study):\n    return True\n"


def add(sandbox: SandboxHandle, acc: str, **params: Any) -> str:
    fields = {"name": "Check", "type": "AI_CUSTOM_VALIDATION_CODE", "language": "PYTHON"}
    return sandbox.ok("/customcode/add", account_id=acc, code=CODE, **{**fields, **params})["uuid"]


def own_namespace(sandbox: SandboxHandle, acc: str) -> str:
    return sandbox.ok("/account/get", uuid=acc)["namespace_id"]


def test_code_keeps_its_fields_and_get_shows_its_deployments(
    sandbox: SandboxHandle, acc: str
) -> None:
    uuid = add(sandbox, acc, settings={"threshold": 3})
    got = sandbox.ok("/customcode/get", uuid=uuid)
    assert {k: got[k] for k in ("name", "type", "language", "code", "settings", "account_id")} == {
        "name": "Check",
        "type": "AI_CUSTOM_VALIDATION_CODE",
        "language": "PYTHON",
        "code": CODE,
        "settings": {"threshold": 3},
        "account_id": acc,
    }
    assert (got["is_deployed"], got["deployments"], got["has_zip"]) == (0, [], 0)
    namespace = own_namespace(sandbox, acc)
    deployment = sandbox.ok("/customcode/deploy", uuid=uuid, namespace_id=namespace)["uuid"]
    [listed] = sandbox.ok("/customcode/list", account_id=acc)["customcodes"]
    assert listed["is_deployed"] == 1
    assert listed["deployments"] == [
        {
            "uuid": deployment,
            "customcode_id": uuid,
            "customcode_name": "Check",
            "namespace_id": namespace,
            "namespace_name": "Sandbox Hospital",
        }
    ]
    assert sandbox.ok("/customcode/deploy/get", uuid=deployment)["namespace_id"] == namespace
    by_code = sandbox.ok("/customcode/deploy/list", customcode_id=uuid)["deployments"]
    by_namespace = sandbox.ok("/customcode/deploy/list", namespace_id=namespace)["deployments"]
    assert [d["uuid"] for d in by_code] == [d["uuid"] for d in by_namespace] == [deployment]


def test_type_language_and_settings_are_checked(sandbox: SandboxHandle, acc: str) -> None:
    base = {"name": "X", "code": CODE, "account_id": acc}
    wrong_type = sandbox.call("/customcode/add", type="JS", language="PYTHON", **base)
    assert wrong_type.error_type == "INVALID_TYPE"
    wrong_language = sandbox.call(
        "/customcode/add", type="AI_CUSTOM_VALIDATION_CODE", language="RUBY", **base
    )
    assert wrong_language.error_type == "INVALID_LANGUAGE"
    missing = sandbox.call("/customcode/add", account_id=acc, name="X")
    assert missing.error_type == "MISSING_FIELDS"
    assert set(missing.error_subtype) == {"type", "language", "code"}
    uuid = add(sandbox, acc)
    assert sandbox.call("/customcode/set", uuid=uuid, settings="[1]").error_type == "NOT_HASH"
    # set does not take type or language: they stay as added
    sandbox.ok("/customcode/set", uuid=uuid, type="OTHER", code="pass\n")
    got = sandbox.ok("/customcode/get", uuid=uuid)
    assert (got["type"], got["code"]) == ("AI_CUSTOM_VALIDATION_CODE", "pass\n")


def test_deployed_code_is_neither_edited_nor_deleted(sandbox: SandboxHandle, acc: str) -> None:
    uuid = add(sandbox, acc)
    namespace = own_namespace(sandbox, acc)
    deployment = sandbox.ok("/customcode/deploy", uuid=uuid, namespace_id=namespace)["uuid"]
    again = sandbox.call("/customcode/deploy", uuid=uuid, namespace_id=namespace)
    assert again.error_type == "ALREADY"
    assert sandbox.call("/customcode/set", uuid=uuid, code="pass\n").error_type == "IS_DEPLOYED"
    assert sandbox.call("/customcode/delete", uuid=uuid).error_type == "IS_DEPLOYED"
    assert sandbox.ok("/customcode/get", uuid=uuid)["code"] == CODE
    sandbox.ok("/customcode/undeploy", deployment_id=deployment)
    missing = sandbox.call("/customcode/undeploy", deployment_id=deployment)
    assert missing.error_type == "NOT_FOUND"
    sandbox.ok("/customcode/set", uuid=uuid, code="pass\n")
    sandbox.ok("/customcode/delete", uuid=uuid)
    assert sandbox.call("/customcode/get", uuid=uuid).error_type == "NOT_FOUND"


def test_a_deployment_needs_a_namespace_of_the_codes_account(
    sandbox: SandboxHandle, acc: str
) -> None:
    uuid = add(sandbox, acc)
    assert sandbox.call("/customcode/deploy", uuid=uuid, namespace_id=MISSING).error_type == (
        "NOT_FOUND"
    )
    other = sandbox.ok("/account/add", name="Elsewhere")["uuid"]
    theirs = own_namespace(sandbox, other)
    assert sandbox.call("/customcode/deploy", uuid=uuid, namespace_id=theirs).error_type == (
        "NOT_FOUND"
    )
    assert sandbox.call("/customcode/deploy", uuid=uuid).error_type == "MISSING_FIELDS"
    group = sandbox.ok("/group/add", account_id=acc, name="Cardiology")["namespace_id"]
    sandbox.ok("/customcode/deploy", uuid=uuid, namespace_id=group)
    listed = sandbox.ok("/customcode/deploy/list", namespace_id=group)["deployments"]
    assert [d["namespace_name"] for d in listed] == ["Cardiology"]


def test_one_zipped_code_per_namespace(sandbox: SandboxHandle, acc: str) -> None:
    first = add(sandbox, acc, name="First", zip="UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==")
    second = add(sandbox, acc, name="Second", zip="UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==")
    plain = add(sandbox, acc, name="Plain")
    assert sandbox.ok("/customcode/get", uuid=first)["has_zip"] == 1
    assert "zip" not in sandbox.ok("/customcode/get", uuid=first)
    namespace = own_namespace(sandbox, acc)
    sandbox.ok("/customcode/deploy", uuid=first, namespace_id=namespace)
    refused = sandbox.call("/customcode/deploy", uuid=second, namespace_id=namespace)
    assert (refused.error_type, refused.error_subtype) == ("ONE_ZIP_ONLY", [first])
    sandbox.ok("/customcode/deploy", uuid=plain, namespace_id=namespace)


def test_the_list_includes_code_other_accounts_share(sandbox: SandboxHandle, acc: str) -> None:
    add(sandbox, acc, name="Ours")
    sandbox.seed(
        {
            "accounts": [
                {
                    "name": "Vendor",
                    "customcodes": [
                        {
                            "name": "Shared check",
                            "type": "AI_CUSTOM_VALIDATION_CODE",
                            "language": "PYTHON",
                            "code": CODE,
                            "shared_with": ["Sandbox Hospital"],
                        }
                    ],
                }
            ]
        }
    )
    listed = sandbox.ok("/customcode/list", account_id=acc)["customcodes"]
    vendor = next(
        a["uuid"] for a in sandbox.ok("/account/list")["accounts"] if a["name"] == "Vendor"
    )
    assert {c["name"]: c["account_id"] for c in listed} == {"Ours": acc, "Shared check": vendor}
    [theirs] = sandbox.ok("/customcode/list", account_id=vendor)["customcodes"]
    assert theirs["name"] == "Shared check"


def test_viewing_and_deploying_need_their_permissions(
    sandbox: SandboxHandle, acc: str, limited_sid: Any
) -> None:
    uuid = add(sandbox, acc)
    sid = limited_sid(customcode_view=1)
    assert sandbox.call("/customcode/get", uuid=uuid, sid=sid).error_type is None
    namespace = own_namespace(sandbox, acc)
    refused = sandbox.call("/customcode/deploy", uuid=uuid, namespace_id=namespace, sid=sid)
    assert refused.error_type == "NOT_PERMITTED"
    assert sandbox.call("/customcode/set", uuid=uuid, code="x", sid=sid).error_type == (
        "NOT_PERMITTED"
    )
