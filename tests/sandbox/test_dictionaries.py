"""/dictionary/* as documented: add's errors, set takes only the name, entries added or
updated by lookup (by regexp for regexp entries), attachments as rows of their own that
get lists without run_once, delay and global_counter."""

from __future__ import annotations

from typing import Any

import pytest

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"


def dictionary(acc: str, **changes: Any) -> dict[str, Any]:
    return {
        "account_id": acc,
        "name": "Modalities",
        "object": "Study",
        "lookup": ["modality"],
        "replace": ["study_description"],
        "case_sensitive": 0,
        **changes,
    }


def test_a_dictionary_is_listed_as_added(sandbox: SandboxHandle, acc: str) -> None:
    field = sandbox.ok("/customfield/add", account_id=acc, name="Body Part", object="Study")
    uuid = sandbox.ok("/dictionary/add", **dictionary(acc, replace=[field["uuid"]]))["uuid"]
    got = sandbox.ok("/dictionary/get", uuid=uuid)
    assert {k: got[k] for k in ("name", "object", "lookup", "replace", "case_sensitive")} == {
        "name": "Modalities",
        "object": "Study",
        "lookup": ["modality"],
        "replace": [field["uuid"]],
        "case_sensitive": 0,
    }
    assert got["account_id"] == acc and got["attachments"] == []
    listed = sandbox.ok("/dictionary/list", account_id=acc)["dictionaries"]
    assert [d["uuid"] for d in listed] == [uuid]


@pytest.mark.parametrize(
    ("changes", "error", "subtype"),
    [
        ({"object": "Group"}, "INVALID_OBJECT", "Group"),
        ({"lookup": "modality"}, "NOT_LIST", "lookup"),
        ({"replace": {"a": 1}}, "NOT_LIST", "replace"),
        ({"lookup": [MISSING]}, "INVALID_FIELD", MISSING),
        ({"replace": ["not a field"]}, "INVALID_FIELD", "not a field"),
        ({"case_sensitive": "yes"}, "INVALID_FLAG", "case_sensitive"),
    ],
)
def test_add_refuses_what_the_documentation_refuses(
    sandbox: SandboxHandle, acc: str, changes: dict[str, Any], error: str, subtype: Any
) -> None:
    answer = sandbox.call("/dictionary/add", **dictionary(acc, **changes))
    assert (answer.error_type, answer.error_subtype) == (error, subtype)
    assert sandbox.ok("/dictionary/list", account_id=acc)["dictionaries"] == []


def test_add_needs_every_field_and_an_account(sandbox: SandboxHandle, acc: str) -> None:
    answer = sandbox.call("/dictionary/add", account_id=acc, name="Half")
    assert answer.error_type == "MISSING_FIELDS"
    assert set(answer.error_subtype) == {"object", "lookup", "replace", "case_sensitive"}
    other = sandbox.call("/dictionary/add", **dictionary(MISSING))
    assert other.error_type == "NOT_FOUND"


def test_set_changes_only_the_name(sandbox: SandboxHandle, acc: str) -> None:
    uuid = sandbox.ok("/dictionary/add", **dictionary(acc))["uuid"]
    sandbox.ok("/dictionary/set", uuid=uuid, name="Renamed", object="Order", lookup='["x"]')
    got = sandbox.ok("/dictionary/get", uuid=uuid)
    assert (got["name"], got["object"], got["lookup"]) == ("Renamed", "Study", ["modality"])
    assert sandbox.call("/dictionary/set", uuid=uuid).error_type == "MISSING_FIELDS"
    assert sandbox.call("/dictionary/set", uuid=MISSING, name="x").error_type == "NOT_FOUND"


def test_entries_are_added_or_updated_by_lookup(sandbox: SandboxHandle, acc: str) -> None:
    uuid = sandbox.ok("/dictionary/add", **dictionary(acc))["uuid"]
    sandbox.ok("/dictionary/entry/add", uuid=uuid, lookup=["CT"], replace=["Computed"])
    # not case sensitive: the same lookup in another case updates the entry
    sandbox.ok("/dictionary/entry/add", uuid=uuid, lookup=["ct"], replace=["Tomography"])
    sandbox.ok("/dictionary/entry/add", uuid=uuid, lookup="/^MR/", replace=["MR"], regexp=1)
    got = sandbox.ok("/dictionary/entries", uuid=uuid)["entries"]
    assert [(e["lookup"], e["replace"], e["regexp"]) for e in got] == [
        (["ct"], ["Tomography"], None),
        ("/^MR/", ["MR"], 1),
    ]
    assert all(e["md5"] for e in got)
    only = sandbox.ok("/dictionary/entries", uuid=uuid, lookup=["CT"])["entries"]
    assert [e["replace"] for e in only] == [["Tomography"]]
    sandbox.ok("/dictionary/entry/delete", uuid=uuid, lookup="/^MR/")
    sandbox.ok("/dictionary/entry/delete", uuid=uuid, lookup=["CT"])
    assert sandbox.ok("/dictionary/entries", uuid=uuid)["entries"] == []
    gone = sandbox.call("/dictionary/entry/delete", uuid=uuid, lookup=["CT"])
    assert gone.error_type == "NOT_FOUND"


def test_a_case_sensitive_dictionary_keeps_both_cases(sandbox: SandboxHandle, acc: str) -> None:
    uuid = sandbox.ok("/dictionary/add", **dictionary(acc, case_sensitive=1))["uuid"]
    sandbox.ok("/dictionary/entry/add", uuid=uuid, lookup=["CT"], replace=["A"])
    sandbox.ok("/dictionary/entry/add", uuid=uuid, lookup=["ct"], replace=["B"])
    assert len(sandbox.ok("/dictionary/entries", uuid=uuid)["entries"]) == 2


@pytest.mark.parametrize(
    ("params", "error", "subtype"),
    [
        ({"lookup": ["CT", "extra"], "replace": ["x"]}, "INVALID_LOOKUP", 2),
        ({"lookup": "CT", "replace": ["x"]}, "NOT_LIST", "lookup"),
        ({"lookup": ["CT"], "replace": "x"}, "NOT_LIST", "replace"),
        ({"lookup": "/[/", "replace": ["x"], "regexp": 1}, "INVALID_REGEXP", "/[/"),
        ({"lookup": "/a/", "replace": ["x"], "regexp": "first"}, "INVALID_INTEGER", "regexp"),
        ({"lookup": ["CT"]}, "MISSING_FIELDS", ["replace"]),
    ],
)
def test_entry_add_refuses_what_the_documentation_refuses(
    sandbox: SandboxHandle, acc: str, params: dict[str, Any], error: str, subtype: Any
) -> None:
    uuid = sandbox.ok("/dictionary/add", **dictionary(acc))["uuid"]
    answer = sandbox.call("/dictionary/entry/add", uuid=uuid, **params)
    assert (answer.error_type, answer.error_subtype) == (error, subtype)
    assert sandbox.ok("/dictionary/entries", uuid=uuid)["entries"] == []
    assert sandbox.call("/dictionary/entries", uuid=MISSING).error_type == "NOT_FOUND"


def test_attachments_are_rows_of_their_own(sandbox: SandboxHandle, acc: str) -> None:
    uuid = sandbox.ok("/dictionary/add", **dictionary(acc))["uuid"]
    group = sandbox.ok("/group/add", account_id=acc, name="Radiology")
    first = sandbox.ok(
        "/dictionary/attach",
        uuid=uuid,
        account_id=acc,
        sequence=2,
        add_if_no_match=1,
        run_once=1,
        delay=30,
        global_counter=1,
    )["uuid"]
    second = sandbox.ok("/dictionary/attach", uuid=uuid, namespace_id=group["namespace_id"])
    # attaching again makes another row
    third = sandbox.ok("/dictionary/attach", uuid=uuid, namespace_id=group["namespace_id"])
    rows = sandbox.ok("/dictionary/get", uuid=uuid)["attachments"]
    assert [r["uuid"] for r in rows] == [first, second["uuid"], third["uuid"]]
    assert rows[0] == {
        "uuid": first,
        "account_id": acc,
        "name": sandbox.ok("/account/get", uuid=acc)["name"],
        "sequence": 2,
        "skip_if_lookup_unchanged": 0,
        "skip_if_replace_has_value": 0,
        "add_if_no_match": 1,
        "approve_if_match": 0,
    }
    assert (rows[1]["namespace_id"], rows[1]["name"]) == (group["namespace_id"], "Radiology")
    sandbox.ok("/dictionary/attach/set", uuid=first, sequence=5, add_if_no_match=0)
    sandbox.ok("/dictionary/detach", uuid=third["uuid"])
    rows = sandbox.ok("/dictionary/get", uuid=uuid)["attachments"]
    assert [(r["uuid"], r["sequence"], r["add_if_no_match"]) for r in rows] == [
        (first, 5, 0),
        (second["uuid"], None, 0),
    ]
    assert sandbox.call("/dictionary/detach", uuid=third["uuid"]).error_type == "NOT_FOUND"
    assert sandbox.call("/dictionary/attach/set", uuid=MISSING).error_type == "NOT_FOUND"


def test_attach_needs_a_target_in_the_account(sandbox: SandboxHandle, acc: str) -> None:
    uuid = sandbox.ok("/dictionary/add", **dictionary(acc))["uuid"]
    answer = sandbox.call("/dictionary/attach", uuid=uuid)
    assert (answer.error_type, answer.error_subtype) == (
        "MISSING_FIELDS",
        ["account_id", "namespace_id"],
    )
    other = sandbox.ok("/account/add", name="Elsewhere")["uuid"]
    assert sandbox.call("/dictionary/attach", uuid=uuid, account_id=other).error_type == (
        "NOT_FOUND"
    )
    assert sandbox.call("/dictionary/attach", uuid=MISSING, account_id=acc).error_type == (
        "NOT_FOUND"
    )


def test_delete_takes_entries_and_attachments_with_it(sandbox: SandboxHandle, acc: str) -> None:
    uuid = sandbox.ok("/dictionary/add", **dictionary(acc))["uuid"]
    sandbox.ok("/dictionary/entry/add", uuid=uuid, lookup=["CT"], replace=["x"])
    attached = sandbox.ok("/dictionary/attach", uuid=uuid, account_id=acc)["uuid"]
    sandbox.ok("/dictionary/delete", uuid=uuid)
    assert sandbox.call("/dictionary/get", uuid=uuid).error_type == "NOT_FOUND"
    assert sandbox.call("/dictionary/detach", uuid=attached).error_type == "NOT_FOUND"


def test_a_member_without_dictionary_edit_may_only_look(
    sandbox: SandboxHandle, acc: str, limited_sid: Any
) -> None:
    uuid = sandbox.ok("/dictionary/add", **dictionary(acc))["uuid"]
    sid = limited_sid(dictionary_view=1)
    assert sandbox.call("/dictionary/entries", uuid=uuid, sid=sid).error_type is None
    for path, params in [
        ("/dictionary/entry/add", {"lookup": ["CT"], "replace": ["x"]}),
        ("/dictionary/attach", {"account_id": acc}),
        ("/dictionary/set", {"name": "Mine"}),
    ]:
        assert sandbox.call(path, uuid=uuid, sid=sid, **params).error_type == "NOT_PERMITTED"


def test_a_seed_dictionary_has_entries_and_attachments(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.ok("/group/add", account_id=acc, name="Radiology")
    name = sandbox.ok("/account/get", uuid=acc)["name"]
    sandbox.seed(
        {
            "accounts": [
                {
                    "name": name,
                    "dictionaries": [
                        {
                            **dictionary(acc),
                            "entries": [{"lookup": ["CT"], "replace": ["Computed"]}],
                            "attachments": [{"group": "Radiology", "sequence": 1}, {}],
                        }
                    ],
                }
            ]
        }
    )
    seeded = sandbox.ok("/dictionary/list", account_id=acc)["dictionaries"][0]
    assert [a["name"] for a in seeded["attachments"]] == ["Radiology", name]
    entries = sandbox.ok("/dictionary/entries", uuid=seeded["uuid"])["entries"]
    assert [e["replace"] for e in entries] == [["Computed"]]
