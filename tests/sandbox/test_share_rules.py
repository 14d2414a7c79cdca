"""/account/can/share, /stop and /list as documented: rules by (type, id) pairs, no uuid,
unpaged, with by_name/with_name; MISSING_FIELDS, NOT_FOUND, NOT_PERMITTED, INVALID_TYPE,
BY_NOT_FOUND, WITH_NOT_FOUND; a repeated share is one rule, a stop of none is OK."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"


def _objects(sandbox: SandboxHandle, acc: str) -> tuple[str, str]:
    group = sandbox.ok("/group/add", account_id=acc, name="ED")["uuid"]
    location = sandbox.ok("/location/add", account_id=acc, name="Main Campus")["uuid"]
    return group, location


def _rule(by: tuple[str, str], with_: tuple[str, str]) -> dict[str, str]:
    return {"by_type": by[0], "by_id": by[1], "with_type": with_[0], "with_id": with_[1]}


def _rules(sandbox: SandboxHandle, acc: str, **params: Any) -> list[dict[str, Any]]:
    return sandbox.ok("/account/can/share/list", account_id=acc, **params)["rules"]


def test_a_rule_is_listed_with_both_names_and_stopped_by_its_five_parameters(
    sandbox: SandboxHandle, acc: str
) -> None:
    group, location = _objects(sandbox, acc)
    rule = _rule(("group", group), ("location", location))
    assert sandbox.ok("/account/can/share", account_id=acc, **rule) == {"status": "OK"}
    assert _rules(sandbox, acc) == [rule | {"by_name": "ED", "with_name": "Main Campus"}]
    sandbox.ok("/account/can/share/stop", account_id=acc, **rule)
    assert _rules(sandbox, acc) == []


def test_users_by_id_and_accounts_including_another_one(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.seed(
        {"users": [{"email": "dr@clinic.example", "password": "pass-word1", "name": "Dr"}]}
    )
    user = sandbox.ok("/account/user/add", uuid=acc, email="dr@clinic.example")["uuid"]
    other = sandbox.ok("/account/add", name="Partner Imaging")["uuid"]
    sandbox.ok("/account/can/share", account_id=acc, **_rule(("user", user), ("account", other)))
    sandbox.ok("/account/can/share", account_id=acc, **_rule(("account", acc), ("user", user)))
    names = [(r["by_name"], r["with_name"]) for r in _rules(sandbox, acc)]
    assert names == [
        ("Dr", "Partner Imaging"),
        (sandbox.ok("/account/get", uuid=acc)["name"], "Dr"),
    ]


def test_a_repeated_share_is_still_one_rule_and_a_stop_of_none_is_ok(
    sandbox: SandboxHandle, acc: str
) -> None:
    group, location = _objects(sandbox, acc)
    rule = _rule(("group", group), ("location", location))
    sandbox.ok("/account/can/share", account_id=acc, **rule)
    sandbox.ok("/account/can/share", account_id=acc, **rule)
    assert len(_rules(sandbox, acc)) == 1
    reverse = _rule(("location", location), ("group", group))
    sandbox.ok("/account/can/share/stop", account_id=acc, **reverse)
    assert len(_rules(sandbox, acc)) == 1


def test_documented_errors_of_share_and_stop(sandbox: SandboxHandle, acc: str) -> None:
    group, location = _objects(sandbox, acc)
    other = sandbox.ok("/account/add", name="Elsewhere")["uuid"]
    theirs = sandbox.ok("/group/add", account_id=other, name="Theirs")["uuid"]
    for path in ("/account/can/share", "/account/can/share/stop"):
        missing = sandbox.call(path, account_id=acc, by_type="group", by_id=group)
        assert missing.error_type == "MISSING_FIELDS"
        assert sorted(missing.error_subtype) == ["with_id", "with_type"]
        rule = _rule(("group", group), ("location", location))
        assert sandbox.call(path, **rule, account_id=MISSING).error_type == "NOT_FOUND"
        bad = sandbox.call(path, account_id=acc, **rule | {"with_type": "namespace"})
        assert (bad.error_type, bad.error_subtype) == ("INVALID_TYPE", "namespace")
        for by, error in (
            (("group", MISSING), "BY_NOT_FOUND"),
            (("group", theirs), "BY_NOT_FOUND"),  # another account's group
            (("user", MISSING), "BY_NOT_FOUND"),
            (("account", other), "BY_NOT_FOUND"),  # a rule of this account is by it
        ):
            assert sandbox.call(path, account_id=acc, **_rule(by, ("group", group))).error_type == (
                error
            )
        wrong = sandbox.call(path, account_id=acc, **_rule(("group", group), ("location", group)))
        assert wrong.error_type == "WITH_NOT_FOUND"
    assert _rules(sandbox, acc) == []
    listed = sandbox.call("/account/can/share/list", account_id=MISSING)
    assert listed.error_type == "NOT_FOUND"
    assert sandbox.call("/account/can/share/list").error_type == "MISSING_FIELDS"


def test_permissions_are_account_view_to_list_and_account_edit_to_change(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    group, location = _objects(sandbox, acc)
    rule = _rule(("group", group), ("location", location))
    sandbox.ok("/account/can/share", account_id=acc, **rule)
    sid = limited_sid(account_view=1)
    assert len(sandbox.ok("/account/can/share/list", sid=sid, account_id=acc)["rules"]) == 1
    for path in ("/account/can/share", "/account/can/share/stop"):
        assert sandbox.call(path, sid=sid, account_id=acc, **rule).error_type == "NOT_PERMITTED"


def test_listing_needs_account_view(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    nobody = sandbox.call("/account/can/share/list", sid=limited_sid(), account_id=acc)
    assert nobody.error_type == "NOT_PERMITTED"


def test_a_rule_goes_with_the_object_it_names(sandbox: SandboxHandle, acc: str) -> None:
    group, location = _objects(sandbox, acc)
    sandbox.ok(
        "/account/can/share", account_id=acc, **_rule(("group", group), ("location", location))
    )
    sandbox.ok("/group/delete", uuid=group)
    assert _rules(sandbox, acc) == []


def test_a_seed_names_the_objects_of_a_rule(sandbox: SandboxHandle) -> None:
    sandbox.seed(
        {
            "accounts": [
                {
                    "name": "Seeded",
                    "groups": [{"name": "ED"}],
                    "locations": [{"name": "Main Campus"}],
                    "share_rules": [
                        {"by_type": "group", "by": "ED", "with_type": "location"}
                        | {"with": "Main Campus"}
                    ],
                }
            ]
        }
    )
    seeded = next(
        a["uuid"] for a in sandbox.ok("/account/list")["accounts"] if a["name"] == "Seeded"
    )
    assert [(r["by_name"], r["with_name"]) for r in _rules(sandbox, seeded)] == [
        ("ED", "Main Campus")
    ]
