"""The namespace get-or-set endpoints beside /namespace/settings: study defaults, event
defaults, the cover page and share pricing, on the namespaces of groups, locations and the
account."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from ambraconf.sandbox.harness import SandboxHandle


@pytest.fixture(params=["group", "location", "account"])
def namespace(request: pytest.FixtureRequest, sandbox: SandboxHandle, acc: str) -> str:
    """The namespace of a new group, a new location, or the account's own."""
    if request.param == "account":
        return sandbox.ok("/account/get", uuid=acc)["namespace_id"]
    return sandbox.ok(f"/{request.param}/add", account_id=acc, name="N")["namespace_id"]


def test_study_defaults_replace_the_whole_hash(sandbox: SandboxHandle, namespace: str) -> None:
    first = {"study_description": "Outside study", "modality": "OT"}
    assert (
        sandbox.ok("/namespace/study/defaults", uuid=namespace, defaults=json.dumps(first))[
            "defaults"
        ]
        == first
    )
    sandbox.ok("/namespace/study/defaults", uuid=namespace, defaults='{"modality": "CT"}')
    read = sandbox.ok("/namespace/study/defaults", uuid=namespace)
    assert read["defaults"] == {"modality": "CT"}
    assert read["fields"]["patient_name"] == "(0010,0010)"
    sandbox.ok("/namespace/study/defaults", uuid=namespace, defaults="{}")
    assert sandbox.ok("/namespace/study/defaults", uuid=namespace)["defaults"] == {}


def test_study_defaults_take_study_custom_fields_by_uuid(
    sandbox: SandboxHandle, acc: str, namespace: str
) -> None:
    study = sandbox.ok("/customfield/add", account_id=acc, name="Priority", object="Study")
    group = sandbox.ok("/customfield/add", account_id=acc, name="Dept", object="Group")
    key = f"customfield-{study['uuid']}"
    reply = sandbox.ok("/namespace/study/defaults", uuid=namespace, defaults=json.dumps({key: "1"}))
    assert reply["defaults"] == {key: "1"}
    assert reply["fields"][key] == "Priority"
    other = f"customfield-{group['uuid']}"
    wrong = sandbox.call(
        "/namespace/study/defaults", uuid=namespace, defaults=json.dumps({other: 1})
    )
    assert (wrong.error_type, wrong.error_subtype) == ("INVALID_FIELD_NAME", other)


@pytest.mark.parametrize(
    ("defaults", "error"),
    [
        ('{"made_up": "x"}', ("INVALID_FIELD_NAME", "made_up")),
        ("[1]", ("NOT_HASH", "defaults")),
        ("{nope", ("INVALID_JSON", "defaults")),
    ],
)
def test_study_defaults_errors(
    sandbox: SandboxHandle, namespace: str, defaults: str, error: tuple[str, str]
) -> None:
    reply = sandbox.call("/namespace/study/defaults", uuid=namespace, defaults=defaults)
    assert (reply.error_type, reply.error_subtype) == error
    assert sandbox.ok("/namespace/study/defaults", uuid=namespace)["defaults"] == {}


def test_event_defaults_change_only_the_flags_given(sandbox: SandboxHandle, namespace: str) -> None:
    fresh = sandbox.ok("/namespace/event/defaults", uuid=namespace)
    assert len(fresh) - 1 == 22 and fresh["event_share"] == 0  # "status" besides the flags
    sandbox.ok("/namespace/event/defaults", uuid=namespace, event_share=1, event_upload=1)
    sandbox.ok("/namespace/event/defaults", uuid=namespace, event_upload=0)
    read = sandbox.ok("/namespace/event/defaults", uuid=namespace)
    assert (read["event_share"], read["event_upload"]) == (1, 0)
    bad = sandbox.call("/namespace/event/defaults", uuid=namespace, event_link="yes")
    assert (bad.error_type, bad.error_subtype) == ("INVALID_FLAG", "event_link")


def test_coverpage_is_set_and_removed_with_an_empty_string(
    sandbox: SandboxHandle, namespace: str
) -> None:
    page = json.dumps({"title": "Outside study", "uploadedBy": "{$created_by_name}"})
    assert sandbox.ok("/namespace/coverpage", uuid=namespace, coverpage=page)["coverpage"] == page
    assert sandbox.ok("/namespace/coverpage", uuid=namespace)["coverpage"] == page
    sandbox.ok("/namespace/coverpage", uuid=namespace, coverpage="")
    assert sandbox.ok("/namespace/coverpage", uuid=namespace)["coverpage"] is None


@pytest.mark.parametrize(
    "path",
    [
        "/namespace/study/defaults",
        "/namespace/event/defaults",
        "/namespace/coverpage",
        "/namespace/share/pricing",
    ],
)
def test_unknown_namespace_and_missing_uuid(sandbox: SandboxHandle, path: str) -> None:
    assert sandbox.call(path).error_type == "MISSING_FIELDS"
    gone = sandbox.call(path, uuid="6f1c1f0e-0000-4000-8000-000000000000")
    assert (gone.error_type, gone.error_subtype) == ("NOT_FOUND", "uuid")


def test_setting_needs_account_edit(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    namespace = sandbox.ok("/account/get", uuid=acc)["namespace_id"]
    sid = limited_sid(account_view=1)
    assert sandbox.call("/namespace/coverpage", sid=sid, uuid=namespace).status == 200
    refused = sandbox.call("/namespace/coverpage", sid=sid, uuid=namespace, coverpage="{}")
    assert refused.error_type == "NOT_PERMITTED"


def test_settings_the_endpoint_names_are_overridable(
    sandbox: SandboxHandle, namespace: str
) -> None:
    """link_defaults and upload_settings: listed by /namespace/settings among the account
    settings a namespace may override, though the settings table does not mark them."""
    reply = sandbox.ok(
        "/namespace/settings", uuid=namespace, link_defaults='{"max_hits": 1}', upload_settings="{}"
    )
    assert (reply["link_defaults"], reply["upload_settings"]) == ('{"max_hits": 1}', "{}")
    barred = sandbox.call("/namespace/settings", uuid=namespace, allow_phr_upload="1")
    assert (barred.error_type, barred.error_subtype) == ("INVALID_SETTING", "allow_phr_upload")


def test_delete_reverts_an_override_to_the_account_value(
    sandbox: SandboxHandle, namespace: str
) -> None:
    """The revert /node/set and /account/user/set document, taken here too."""
    sandbox.ok("/namespace/settings", uuid=namespace, enable_dicom_wrapping="1")
    assert sandbox.ok("/namespace/settings", uuid=namespace)["enable_dicom_wrapping"] == "1"
    reply = sandbox.ok("/namespace/settings", uuid=namespace, enable_dicom_wrapping="__DELETE__")
    assert "enable_dicom_wrapping" not in reply


def test_share_pricing_merges_parameters_and_replaces_the_table(
    sandbox: SandboxHandle, namespace: str
) -> None:
    sandbox.ok("/namespace/share/pricing", uuid=namespace, currency="GBP", pricing='{"ANY": 500}')
    sandbox.ok("/namespace/share/pricing", uuid=namespace, pricing='{"ANY": 0, "MR": 1500}')
    read = sandbox.ok("/namespace/share/pricing", uuid=namespace)
    assert (read["currency"], read["pricing"]) == ("GBP", {"ANY": 0, "MR": 1500})
    sandbox.ok("/namespace/share/pricing", uuid=namespace, pricing="{}")
    assert sandbox.ok("/namespace/share/pricing", uuid=namespace)["pricing"] == {}


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"currency": "EUR"}, ("INVALID_CURRENCY", "EUR")),
        ({"pricing": '{"MR": 500}'}, ("NEEDS_ANY_OR_ALL", None)),
        ({"pricing": '{"ALL": 500, "MR": 600}'}, ("ONLY_ALL", None)),
        ({"pricing": '{"ANY": 49}'}, ("INVALID_AMOUNT", 49)),
        ({"pricing": '{"ANY": "5.5"}'}, ("INVALID_INTEGER", "pricing")),
        ({"pricing": "[]"}, ("NOT_HASH", "pricing")),
        ({"customfields_pricing": "{}"}, ("NOT_LIST", "customfields_pricing")),
        ({"second_opinion_share": "2"}, ("INVALID_FLAG", "second_opinion_share")),
    ],
)
def test_share_pricing_errors(
    sandbox: SandboxHandle, namespace: str, params: dict[str, str], error: tuple
) -> None:
    reply = sandbox.call("/namespace/share/pricing", uuid=namespace, **params)
    assert (reply.error_type, reply.error_subtype) == error
