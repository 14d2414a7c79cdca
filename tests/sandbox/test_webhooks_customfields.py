"""Webhooks (enumerations, cron, filters, auth secrets as MD5) and custom fields (+ mappings)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"


@pytest.fixture
def hook(acc: str) -> dict[str, Any]:
    return {
        "account_id": acc,
        "name": "Notify",
        "event": "STUDY_SYNC",
        "url": "https://hooks.example.com/in",
        "method": "POST_JSON",
    }


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def test_webhook_list_takes_no_paging(
    sandbox: SandboxHandle, acc: str, hook: dict[str, Any]
) -> None:
    for index in range(3):
        sandbox.ok("/webhook/add", **{**hook, "name": f"W{index}"})
    listed = sandbox.ok("/webhook/list", account_id=acc, **{"page.rows": 1})
    assert len(listed["webhooks"]) == 3
    assert "page" not in listed


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"event": "STUDY_EXPLODE"}, "INVALID_EVENT"),
        ({"method": "DELETE"}, "INVALID_METHOD"),
        ({"url": "ftp://files.example.com"}, "INVALID_URL"),
        ({"parameters": ["a"]}, "NOT_HASH"),
        ({"event": "CRON"}, "INVALID_CRON"),
        ({"event": "CRON", "cron": "every day"}, "INVALID_CRON"),
        ({"event": "CRON", "cron": "0 9 * * mon-fri", "retry": 1}, "NOT_WITH_CRON"),
        ({"filter_field": "modality"}, "INCOMPLETE_FILTER"),
        ({"filter_field": "modality", "filter_regexp": "(CT"}, "INVALID_REGEXP"),
        ({"filter_field": f"customfield-{MISSING}", "filter_regexp": "x"}, "INVALID_FILTER_FIELD"),
        ({"node_id": MISSING}, "NODE_NOT_FOUND"),
        ({"sid_user_id": MISSING}, "SID_USER_NOT_FOUND"),
        ({"auth": {"sfdc": {"client_id": "a"}}}, "SFDC_MISSING_FIELDS"),
        ({"auth": {"sfdc": "secret"}}, "SFDC_NOT_HASH"),
        ({"auth": {"custom": "x"}}, "CUSTOM_NOT_HASH"),
        ({"auth": {"kerberos": {}}}, "NOT_HASH"),
    ],
)
def test_webhook_validation(
    sandbox: SandboxHandle, hook: dict[str, Any], change: dict[str, Any], error: str
) -> None:
    assert sandbox.call("/webhook/add", **{**hook, **change}).error_type == error


def test_sid_user_must_be_in_the_account(sandbox: SandboxHandle, hook: dict[str, Any]) -> None:
    sandbox.seed({"users": [{"email": "out@sandbox.local", "password": "outside1"}]})
    outsider = sandbox.ok("/session/user", sid=sandbox.login("out@sandbox.local", "outside1"))[
        "uuid"
    ]
    assert (
        sandbox.call("/webhook/add", **hook, sid_user_id=outsider).error_type
        == "SID_USER_NOT_IN_ACCOUNT"
    )


def test_cron_webhook_and_filters(sandbox: SandboxHandle, hook: dict[str, Any]) -> None:
    cron = sandbox.call("/webhook/add", **{**hook, "event": "CRON", "cron": "0 9 * * mon-fri"})
    assert cron.status == 200
    multi = {"filter_field": '["modality","study_description"]', "filter_regexp": '["CT","HEAD"]'}
    assert sandbox.call("/webhook/add", **hook, **multi).status == 200
    uneven = {"filter_field": '["modality","study_description"]', "filter_regexp": '["CT"]'}
    assert sandbox.call("/webhook/add", **hook, **uneven).error_type == "INCOMPLETE_FILTER"


def test_auth_secrets_come_back_as_md5(sandbox: SandboxHandle, hook: dict[str, Any]) -> None:
    sfdc = {"client_id": "id", "client_secret": "cs", "username": "u", "password": "pw1"}
    uuid = sandbox.ok("/webhook/add", **hook, auth={"sfdc": sfdc}, parameters={"a": "study.uuid"})[
        "uuid"
    ]
    got = sandbox.ok("/webhook/get", uuid=uuid)
    assert got["auth"]["sfdc"]["password"] == md5("pw1")
    assert got["auth"]["sfdc"]["username"] == "u"
    assert got["parameters"] == {"a": "study.uuid"}
    assert got["last_error"] is None
    sandbox.ok("/webhook/set", uuid=uuid, auth={"basic": {"username": "u", "password": "pw2"}})
    listed = sandbox.ok("/webhook/list", account_id=hook["account_id"])["webhooks"][0]
    assert listed["auth"] == {"basic": {"username": "u", "password": md5("pw2")}}
    jwt = {"iss": "i", "sub": "s", "aud": "a", "private_key": "KEY", "salesforce_url": "https://x"}
    sandbox.ok("/webhook/set", uuid=uuid, auth={"sfdc_jwt": jwt})
    assert sandbox.ok("/webhook/get", uuid=uuid)["auth"]["sfdc_jwt"]["private_key"] == md5("KEY")


def test_token_from_webhook_names_an_existing_webhook(
    sandbox: SandboxHandle, hook: dict[str, Any]
) -> None:
    manual = sandbox.ok("/webhook/add", **{**hook, "event": "MANUAL"})["uuid"]
    ok = sandbox.call("/webhook/add", **hook, auth={"token_from_webhook": {"webhook_id": manual}})
    assert ok.status == 200
    bad = sandbox.call("/webhook/add", **hook, auth={"token_from_webhook": {"webhook_id": MISSING}})
    assert bad.status == 412


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"object": "Spaceship"}, "INVALID_OBJECT"),
        ({"type": "colour"}, "INVALID_TYPE"),
        ({"options": "[1]"}, "INVALID_OPTIONS"),
        ({"type": "search", "options": {"search_source": "google"}}, "INVALID_SEARCH_SOURCE"),
        ({"options": {"show_when": {MISSING: ["a"]}}}, "INVALID_OPTIONS"),
        ({"hl7_segment": "ZZZ"}, "INVALID_HL7_SEGMENT"),
        ({"object": "Group", "hl7_segment": "PID"}, "INVALID_HL7_OBJECT"),
        ({"hl7_field": 99}, "INVALID_INTEGER"),
        ({"dicom_tag": "(0010,0010"}, "INVALID_DICOM_TAG"),
        ({"dicom_tag": "(0010,00aa)"}, "INVALID_DICOM_TAG"),
        ({"object": "Patient", "dicom_tag": "(0010,0010)"}, "INVALID_DICOM_TAG_OBJECT"),
        ({"load_dicom_tag": 1}, "NO_DICOM_TAG_DEFINED"),
        ({"other_customfield_id": MISSING}, "NOT_FOUND"),
        ({"display_order": "first"}, "INVALID_INTEGER"),
    ],
)
def test_customfield_validation(
    sandbox: SandboxHandle, acc: str, change: dict[str, Any], error: str
) -> None:
    params = {"account_id": acc, "name": "F", "object": "Study", **change}
    assert sandbox.call("/customfield/add", **params).error_type == error


def test_customfield_defaults_and_immutable_object_and_type(
    sandbox: SandboxHandle, acc: str
) -> None:
    uuid = sandbox.ok(
        "/customfield/add",
        account_id=acc,
        name="Exam",
        object="Study",
        options={"values": ["a", "b"]},
        dicom_tag="(0008,1030)",
        other_dicom_tags=["(0010,0010)"],
    )["uuid"]
    field = sandbox.ok("/customfield/get", uuid=uuid)
    assert (field["type"], field["options"], field["customfield_mapping"]) == (
        "text",
        {"values": ["a", "b"]},
        [],
    )
    assert field["other_dicom_tags"] == ["(0010,0010)"]
    sandbox.ok("/customfield/set", uuid=uuid, object="Patient", type="date", name="Exam 2")
    field = sandbox.ok("/customfield/get", uuid=uuid)
    assert (field["object"], field["type"], field["name"]) == ("Study", "text", "Exam 2")


def test_customfield_mappings_nest_in_get_and_list(sandbox: SandboxHandle, acc: str) -> None:
    source = sandbox.ok("/customfield/add", account_id=acc, name="Src", object="Order")["uuid"]
    target = sandbox.ok("/customfield/add", account_id=acc, name="Dst", object="Study")["uuid"]
    mapping = sandbox.ok(
        "/customfield/mapping/add", from_customfield_id=source, to_customfield_id=target
    )["uuid"]
    expected = {
        "uuid": mapping,
        "to_customfield_id": target,
        "overwrite_with_blank": 1,
        "refresh_on_reshare": 1,
        "refresh_on_edit": 1,
        "reverse_refresh_on_edit": 0,
    }
    assert sandbox.ok("/customfield/get", uuid=source)["customfield_mapping"] == [expected]
    again = sandbox.call(
        "/customfield/mapping/add", from_customfield_id=source, to_customfield_id=target
    )
    assert again.error_type == "ALREADY_EXISTS"
    sandbox.ok("/customfield/mapping/set", uuid=mapping, refresh_on_edit=0)
    listed = sandbox.ok("/customfield/list", account_id=acc)["customfields"]
    by_name = {f["name"]: f for f in listed}
    assert by_name["Src"]["customfield_mapping"][0]["refresh_on_edit"] == 0
    assert by_name["Dst"]["customfield_mapping"] == []
    sandbox.ok("/customfield/mapping/delete", uuid=mapping)
    assert sandbox.ok("/customfield/get", uuid=source)["customfield_mapping"] == []
    assert sandbox.call("/customfield/mapping/delete", uuid=mapping).error_type == "NOT_FOUND"


def test_mapping_errors(sandbox: SandboxHandle, acc: str) -> None:
    field = sandbox.ok("/customfield/add", account_id=acc, name="F", object="Study")["uuid"]
    for params, subtype in (
        ({"from_customfield_id": MISSING, "to_customfield_id": field}, "FROM_CUSTOMFIELD"),
        ({"from_customfield_id": field, "to_customfield_id": MISSING}, "TO_CUSTOMFIELD"),
    ):
        reply = sandbox.call("/customfield/mapping/add", **params)
        assert (reply.error_type, reply.error_subtype) == ("NOT_FOUND", subtype)
    flag = sandbox.call(
        "/customfield/mapping/add",
        from_customfield_id=field,
        to_customfield_id=field,
        refresh_on_edit=7,
    )
    assert flag.error_type == "INVALID_FLAG"


def test_deleting_a_field_takes_its_mappings(sandbox: SandboxHandle, acc: str) -> None:
    source = sandbox.ok("/customfield/add", account_id=acc, name="Src", object="Study")["uuid"]
    target = sandbox.ok("/customfield/add", account_id=acc, name="Dst", object="Study")["uuid"]
    sandbox.ok("/customfield/mapping/add", from_customfield_id=source, to_customfield_id=target)
    sandbox.ok("/customfield/delete", uuid=target)
    assert sandbox.ok("/customfield/get", uuid=source)["customfield_mapping"] == []
