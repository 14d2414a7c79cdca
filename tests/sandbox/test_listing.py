"""Lists: pagination, filter.FIELD.CONDITION, sort_by and fields.* as documented."""

from __future__ import annotations

import pytest

from ambraconf.sandbox.harness import SandboxHandle


@pytest.fixture
def groups(sandbox: SandboxHandle, acc: str) -> list[str]:
    """Twelve groups: Group 00..11, search_threshold = index (none for index 0)."""
    names = []
    items = []
    for index in range(12):
        name = f"Group {index:02d}"
        names.append(name)
        params = {"URL": "/group/add", "sid": sandbox.admin_sid, "account_id": acc, "name": name}
        if index:
            params["search_threshold"] = index
        items.append(params)
    assert all(reply["status"] == "OK" for reply in sandbox.bundle(items).body)
    return names


def listed(sandbox: SandboxHandle, acc: str, **params: object) -> list[str]:
    return [g["name"] for g in sandbox.ok("/group/list", account_id=acc, **params)["groups"]]


def test_pages_cover_everything_once(sandbox: SandboxHandle, acc: str, groups: list[str]) -> None:
    seen, number = [], 1
    while True:
        reply = sandbox.ok("/group/list", account_id=acc, **{"page.rows": 5, "page.number": number})
        assert reply["page"]["rows"] == 5 and reply["page"]["number"] == number
        seen += [g["name"] for g in reply["groups"]]
        if not reply["page"]["more"]:
            break
        number += 1
    assert seen == groups
    assert number == 3


def test_page_size_is_capped_at_5000_and_echoed(
    sandbox: SandboxHandle, acc: str, groups: list[str]
) -> None:
    reply = sandbox.ok("/group/list", account_id=acc, **{"page.rows": 9000})
    assert reply["page"] == {"more": 0, "rows": 5000, "number": 1}


def test_a_page_past_the_end_is_empty(sandbox: SandboxHandle, acc: str, groups: list[str]) -> None:
    reply = sandbox.ok("/group/list", account_id=acc, **{"page.rows": 100, "page.number": 4})
    assert reply["groups"] == [] and reply["page"]["more"] == 0


def test_bad_page_parameters(sandbox: SandboxHandle, acc: str) -> None:
    assert (
        sandbox.call("/group/list", account_id=acc, **{"page.rows": "lots"}).error_type
        == "INVALID_INTEGER"
    )
    assert (
        sandbox.call("/group/list", account_id=acc, **{"page.number": 0}).error_type
        == "INVALID_INTEGER"
    )


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        ("equals", "group 03", ["Group 03"]),
        ("not_equals", "Group 03", [f"Group {i:02d}" for i in range(12) if i != 3]),
        ("like", "group 1%", ["Group 10", "Group 11"]),
        ("like", "Group _1", ["Group 01", "Group 11"]),
        ("in", '["Group 01","Group 02"]', ["Group 01", "Group 02"]),
    ],
)
def test_name_filters(
    sandbox: SandboxHandle,
    acc: str,
    groups: list[str],
    condition: str,
    value: str,
    expected: list[str],
) -> None:
    assert listed(sandbox, acc, **{f"filter.name.{condition}": value}) == expected


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        ("gt", "9", [10, 11]),
        ("ge", "10", [10, 11]),
        ("lt", "2", [1]),
        ("le", "2", [1, 2]),
        ("equals_or_null", "5", [0, 5]),
        ("not_equals", "5", [i for i in range(1, 12) if i != 5]),
        ("not_equals_or_null", "5", [i for i in range(12) if i != 5]),
        ("in_or_null", "[1, 2]", [0, 1, 2]),
    ],
)
def test_numeric_and_null_filters(
    sandbox: SandboxHandle,
    acc: str,
    groups: list[str],
    condition: str,
    value: str,
    expected: list[int],
) -> None:
    names = listed(sandbox, acc, **{f"filter.search_threshold.{condition}": value})
    assert names == [f"Group {i:02d}" for i in expected]


def test_filters_are_anded_and_paged(sandbox: SandboxHandle, acc: str, groups: list[str]) -> None:
    params = {"filter.search_threshold.ge": "3", "filter.name.like": "%0%", "page.rows": 2}
    reply = sandbox.ok("/group/list", account_id=acc, **params)
    assert [g["name"] for g in reply["groups"]] == ["Group 03", "Group 04"]
    assert reply["page"]["more"] == 1


def test_filter_errors(sandbox: SandboxHandle, acc: str) -> None:
    field = sandbox.call("/group/list", account_id=acc, **{"filter.colour.equals": "x"})
    assert (field.error_type, field.error_subtype) == ("INVALID_FIELD", "colour.equals")
    condition = sandbox.call("/group/list", account_id=acc, **{"filter.name.resembles": "x"})
    assert (condition.error_type, condition.error_subtype) == (
        "INVALID_CONDITION",
        "name.resembles",
    )
    saved = sandbox.call(
        "/group/list", account_id=acc, filter_id="6f1c1f0e-0000-4000-8000-000000000000"
    )
    assert saved.error_type == "FILTER_NOT_FOUND"


def test_filter_on_a_custom_field(sandbox: SandboxHandle, acc: str) -> None:
    field = sandbox.ok("/customfield/add", account_id=acc, name="Region", object="Group")["uuid"]
    sandbox.ok("/group/add", account_id=acc, name="North", **{f"customfield-{field}": "N"})
    sandbox.ok("/group/add", account_id=acc, name="South", **{f"customfield-{field}": "S"})
    assert listed(sandbox, acc, **{f"filter.customfield-{field}.equals": "S"}) == ["South"]


def test_sort(sandbox: SandboxHandle, acc: str, groups: list[str]) -> None:
    assert listed(sandbox, acc, sort_by="name-desc")[:2] == ["Group 11", "Group 10"]
    by_threshold = listed(sandbox, acc, sort_by="search_threshold-desc,name-asc")
    assert by_threshold[0] == "Group 00"
    assert by_threshold[1:3] == ["Group 11", "Group 10"]
    assert listed(sandbox, acc, sort_by="search_threshold-asc")[-1] == "Group 00"


def test_sort_errors(sandbox: SandboxHandle, acc: str) -> None:
    field = sandbox.call("/group/list", account_id=acc, sort_by="colour-asc")
    assert (field.error_type, field.error_subtype) == ("INVALID_SORT_FIELD", "colour")
    order = sandbox.call("/group/list", account_id=acc, sort_by="name-upwards")
    assert (order.error_type, order.error_subtype) == ("INVALID_SORT_ORDER", "name")


def test_fields_limit_objects_and_top_level(
    sandbox: SandboxHandle, acc: str, groups: list[str]
) -> None:
    reply = sandbox.ok(
        "/group/list", account_id=acc, **{"fields.group": '["uuid","name"]', "page.rows": 1}
    )
    assert set(reply["groups"][0]) == {"uuid", "name"}
    assert "page" in reply
    top = sandbox.ok("/group/list", account_id=acc, **{"fields._top": '["page"]'})
    assert set(top) == {"status", "page"}
    account = sandbox.ok("/account/get", uuid=acc, **{"fields.account": '["name"]'})
    assert account == {"status": "OK", "name": "Sandbox Hospital"}
    bad = sandbox.call("/account/get", uuid=acc, **{"fields.account": "name"})
    assert (bad.error_type, bad.error_subtype) == ("INVALID_JSON", "fields.account")


def test_a_bad_fields_parameter_changes_nothing(sandbox: SandboxHandle, acc: str) -> None:
    reply = sandbox.call("/group/add", account_id=acc, name="X", **{"fields._top": "oops"})
    assert reply.error_type == "INVALID_JSON"
    assert listed(sandbox, acc) == []
