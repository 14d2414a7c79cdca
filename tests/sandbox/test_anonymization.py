"""/anonymization/* and /namespace/anonymize as documented: rules or a profile, never both
(ONLY_ONE, HAS_ANONYMIZATION_PROFILE, HAS_ANONYMIZATION_RULES), a profile's rules read-only
while a namespace is connected (IN_USE), and rules read back as JSON text with
OTHER_INGRESS_TAGS expanded."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"
NAME = {"patient_name": "s/.*/ANON/"}


def add_profile(sandbox: SandboxHandle, acc: str, name: str = "Research", **rules: str) -> str:
    return sandbox.ok("/anonymization/add", account_id=acc, name=name, rules=rules or NAME)["uuid"]


def group_namespace(sandbox: SandboxHandle, acc: str, name: str = "Radiology") -> str:
    return sandbox.ok("/group/add", account_id=acc, name=name)["namespace_id"]


def test_a_profile_is_added_read_renamed_and_deleted(sandbox: SandboxHandle, acc: str) -> None:
    uuid = add_profile(sandbox, acc)
    got = sandbox.ok("/anonymization/get", uuid=uuid)
    assert (got["name"], got["account_id"], got["namespaces"]) == ("Research", acc, [])
    assert json.loads(got["rules"]) == NAME  # JSON text, as the API returns it
    sandbox.ok("/anonymization/set", uuid=uuid, name="Research export")
    [listed] = sandbox.ok("/anonymization/list", account_id=acc)["anonymization_profiles"]
    assert (listed["uuid"], listed["name"]) == (uuid, "Research export")
    sandbox.ok("/anonymization/delete", uuid=uuid)
    assert sandbox.call("/anonymization/get", uuid=uuid).error_type == "NOT_FOUND"


def test_a_profile_needs_a_name_and_a_hash_of_rules(sandbox: SandboxHandle, acc: str) -> None:
    missing = sandbox.call("/anonymization/add", account_id=acc)
    assert (missing.error_type, missing.error_subtype) == ("MISSING_FIELDS", ["name", "rules"])
    listed = sandbox.call("/anonymization/add", account_id=acc, name="X", rules=["s/a/b/"])
    assert (listed.error_type, listed.error_subtype) == ("NOT_HASH", "rules")
    unknown = sandbox.call("/anonymization/add", account_id=MISSING, name="X", rules=NAME)
    assert unknown.error_type == "NOT_FOUND"
    uuid = add_profile(sandbox, acc)
    assert sandbox.call("/anonymization/set", uuid=uuid, rules="[]").error_type == "NOT_HASH"
    assert sandbox.call("/anonymization/set", uuid=MISSING, name="Y").error_type == "NOT_FOUND"


def test_a_connected_profile_keeps_its_rules_until_disconnected(
    sandbox: SandboxHandle, acc: str
) -> None:
    profile = add_profile(sandbox, acc)
    namespace = group_namespace(sandbox, acc)
    sandbox.ok("/namespace/anonymize", uuid=namespace, anonymization_id=profile)
    got = sandbox.ok("/anonymization/get", uuid=profile)
    assert got["namespaces"] == [{"uuid": namespace, "name": "Radiology"}]
    changed = sandbox.call("/anonymization/set", uuid=profile, rules={"patientid": "s/.*/X/"})
    assert (changed.error_type, changed.error_subtype) == ("IN_USE", [namespace])
    sandbox.ok("/anonymization/set", uuid=profile, name="Renamed")  # the name may change
    assert sandbox.call("/anonymization/delete", uuid=profile).error_type == "IN_USE"
    sandbox.ok("/namespace/anonymize", uuid=namespace, anonymization_id="")
    sandbox.ok("/anonymization/set", uuid=profile, rules={"patientid": "s/.*/X/"})
    assert json.loads(sandbox.ok("/anonymization/get", uuid=profile)["rules"]) == {
        "patientid": "s/.*/X/"
    }
    sandbox.ok("/anonymization/delete", uuid=profile)


def test_namespace_rules_are_set_read_and_cleared(sandbox: SandboxHandle, acc: str) -> None:
    account_ns = sandbox.ok("/account/get", uuid=acc)["namespace_id"]
    empty = sandbox.ok("/namespace/anonymize", uuid=account_ns)
    assert (json.loads(empty["rules"]), empty["anonymization_id"]) == ({}, None)
    assert (empty["prompt_for_anonymize"], empty["anonymize_at_ingress"]) == (0, 0)
    rules = {"patient_name": "s/.*/ANON/", "study_date": "s/^(\\d{4}).*/$1/"}
    reply = sandbox.ok("/namespace/anonymize", uuid=account_ns, rules=rules, prompt_for_anonymize=1)
    assert (json.loads(reply["rules"]), reply["prompt_for_anonymize"]) == (rules, 1)
    sandbox.ok("/namespace/anonymize", uuid=account_ns, rules={})
    assert json.loads(sandbox.ok("/namespace/anonymize", uuid=account_ns)["rules"]) == {}


@pytest.mark.parametrize(
    ("rules", "error", "subtype"),
    [
        ('{"patient_name": ', "INVALID_JSON", "rules"),
        ("[]", "NOT_HASH", "rules"),
        ({"patient_nmae": "s/.*/X/"}, "INVALID_FIELD_NAME", "patient_nmae"),
        ({"(0010,0010)": "s/.*/X/"}, "INVALID_FIELD_NAME", "(0010,0010)"),
        ({"patient_name": "ANON"}, "INVALID_REGEXP", "ANON"),
        ({"patient_name": "s/(/X/"}, "INVALID_REGEXP", "s/(/X/"),
        ({"patient_name": "s/.*/X"}, "INVALID_REGEXP", "s/.*/X"),
    ],
)
def test_namespace_rules_are_checked(
    sandbox: SandboxHandle, acc: str, rules: object, error: str, subtype: str
) -> None:
    namespace = group_namespace(sandbox, acc)
    reply = sandbox.call("/namespace/anonymize", uuid=namespace, rules=rules)
    assert (reply.error_type, reply.error_subtype) == (error, subtype)


def test_rules_and_a_profile_exclude_each_other(sandbox: SandboxHandle, acc: str) -> None:
    profile = add_profile(sandbox, acc)
    namespace = group_namespace(sandbox, acc)
    anonymize = "/namespace/anonymize"
    both = sandbox.call(anonymize, uuid=namespace, rules=NAME, anonymization_id=profile)
    assert both.error_type == "ONLY_ONE"
    sandbox.ok("/namespace/anonymize", uuid=namespace, rules=NAME)
    refused = sandbox.call("/namespace/anonymize", uuid=namespace, anonymization_id=profile)
    assert refused.error_type == "HAS_ANONYMIZATION_RULES"
    # clearing the rules and connecting in one call: judged on the namespace as it was
    at_once = sandbox.call(anonymize, uuid=namespace, rules={}, anonymization_id=profile)
    assert at_once.error_type == "HAS_ANONYMIZATION_RULES"
    sandbox.ok("/namespace/anonymize", uuid=namespace, rules={})
    sandbox.ok("/namespace/anonymize", uuid=namespace, anonymization_id=profile)
    has_profile = sandbox.call("/namespace/anonymize", uuid=namespace, rules=NAME)
    assert has_profile.error_type == "HAS_ANONYMIZATION_PROFILE"
    # clearing rules that are not there is allowed while a profile is connected
    assert sandbox.ok("/namespace/anonymize", uuid=namespace, rules={})["anonymization_id"] == (
        profile
    )


def test_a_profile_must_be_of_the_namespace_account(sandbox: SandboxHandle, acc: str) -> None:
    namespace = group_namespace(sandbox, acc)
    missing = sandbox.call("/namespace/anonymize", uuid=namespace, anonymization_id=MISSING)
    assert (missing.error_type, missing.error_subtype) == ("NOT_FOUND", "anonymization")
    other = sandbox.ok("/account/add", name="Elsewhere")["uuid"]
    theirs = add_profile(sandbox, other)
    foreign = sandbox.call("/namespace/anonymize", uuid=namespace, anonymization_id=theirs)
    assert foreign.error_type == "NOT_FOUND"
    nowhere = sandbox.call("/namespace/anonymize", uuid=MISSING)
    assert (nowhere.error_type, nowhere.error_subtype) == ("NOT_FOUND", "namespace")


def test_calls_without_their_uuid_are_missing_fields(sandbox: SandboxHandle, acc: str) -> None:
    for path in ("/namespace/anonymize", "/anonymization/get", "/anonymization/delete"):
        reply = sandbox.call(path)
        assert (reply.error_type, reply.error_subtype) == ("MISSING_FIELDS", ["uuid"]), path
    assert sandbox.call("/anonymization/list").error_subtype == ["account_id"]
    assert sandbox.call("/anonymization/list", account_id=MISSING).error_type == "NOT_FOUND"


def test_other_ingress_tags_come_back_one_key_per_tag(sandbox: SandboxHandle, acc: str) -> None:
    tags = ["(0008,0080)", "(0010,1000)"]
    sandbox.ok("/account/set", uuid=acc, settings={"other_ingress_tags": json.dumps(tags)})
    namespace = group_namespace(sandbox, acc)
    rules = {"OTHER_INGRESS_TAGS": "s/.*//", **NAME}
    read = json.loads(sandbox.ok("/namespace/anonymize", uuid=namespace, rules=rules)["rules"])
    assert read == {**rules, "(0008,0080)": "s/.*//", "(0010,1000)": "s/.*//"}
    # what get returned cannot be sent back as it is
    refused = sandbox.call("/namespace/anonymize", uuid=namespace, rules=read)
    assert refused.error_type == "INVALID_FIELD_NAME"
    profile = add_profile(sandbox, acc, "Tags", **rules)
    assert json.loads(sandbox.ok("/anonymization/get", uuid=profile)["rules"]) == read


def test_ingress_anonymization_shows_the_dicom_tag_map(sandbox: SandboxHandle, acc: str) -> None:
    namespace = group_namespace(sandbox, acc)
    assert "dicom_tag_map" not in sandbox.ok("/namespace/anonymize", uuid=namespace)
    sandbox.ok("/namespace/settings", uuid=namespace, anonymize_at_ingress="1")
    reply = sandbox.ok("/namespace/anonymize", uuid=namespace)
    assert reply["anonymize_at_ingress"] == 1
    assert reply["dicom_tag_map"]["patient_name"] == "(0010,0010)"


def test_deleting_a_group_disconnects_its_namespace(sandbox: SandboxHandle, acc: str) -> None:
    profile = add_profile(sandbox, acc)
    group = sandbox.ok("/group/add", account_id=acc, name="Radiology")
    sandbox.ok("/namespace/anonymize", uuid=group["namespace_id"], anonymization_id=profile)
    sandbox.ok("/group/delete", uuid=group["uuid"])
    sandbox.ok("/anonymization/delete", uuid=profile)


def test_anonymization_needs_account_permissions(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    profile = add_profile(sandbox, acc)
    namespace = group_namespace(sandbox, acc)
    sid = limited_sid(account_view=1)
    assert sandbox.call("/anonymization/get", sid=sid, uuid=profile)["name"] == "Research"
    assert sandbox.call("/namespace/anonymize", sid=sid, uuid=namespace)["status"] == "OK"
    for path, params in (
        ("/anonymization/add", {"account_id": acc, "name": "X", "rules": NAME}),
        ("/anonymization/set", {"uuid": profile, "name": "X"}),
        ("/anonymization/delete", {"uuid": profile}),
        ("/namespace/anonymize", {"uuid": namespace, "prompt_for_anonymize": 1}),
    ):
        assert sandbox.call(path, sid=sid, **params).error_type == "NOT_PERMITTED", path
