"""/site/* as the documentation describes it: satellites one level deep in one account
(NOT_FOUND, DIFFERENT_ACCOUNTS, NESTED_SATELLITE_SITE), inactive only on set, and the
satellite_sites and trials get computes."""

from __future__ import annotations

from collections.abc import Callable

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"


def test_a_site_keeps_its_address_and_lists_its_satellites(
    sandbox: SandboxHandle, acc: str
) -> None:
    main = sandbox.ok("/site/add", account_id=acc, name="Main", city="Boston", zip="02115")["uuid"]
    north = sandbox.ok("/site/add", account_id=acc, name="North", site_id=main)["uuid"]
    got = sandbox.ok("/site/get", uuid=main)
    assert {k: got[k] for k in ("name", "city", "zip", "site_id", "account_id")} == {
        "name": "Main",
        "city": "Boston",
        "zip": "02115",
        "site_id": None,
        "account_id": acc,
    }
    assert got["satellite_sites"] == [{"uuid": north, "name": "North"}]
    listed = {s["name"]: s for s in sandbox.ok("/site/list", account_id=acc)["sites"]}
    assert listed["North"]["site_id"] == main


def test_a_parent_must_exist_in_the_same_account(sandbox: SandboxHandle, acc: str) -> None:
    missing = sandbox.call("/site/add", account_id=acc, name="A", site_id=MISSING)
    assert (missing.error_type, missing.error_subtype) == ("NOT_FOUND", "site")
    other = sandbox.ok("/account/add", name="Elsewhere")["uuid"]
    theirs = sandbox.ok("/site/add", account_id=other, name="Theirs")["uuid"]
    refused = sandbox.call("/site/add", account_id=acc, name="A", site_id=theirs)
    assert refused.error_type == "DIFFERENT_ACCOUNTS"
    assert sandbox.ok("/site/list", account_id=acc)["sites"] == []


def test_satellites_are_one_level_deep(sandbox: SandboxHandle, acc: str) -> None:
    main = sandbox.ok("/site/add", account_id=acc, name="Main")["uuid"]
    north = sandbox.ok("/site/add", account_id=acc, name="North", site_id=main)["uuid"]
    under_satellite = sandbox.call("/site/add", account_id=acc, name="Far", site_id=north)
    assert under_satellite.error_type == "NESTED_SATELLITE_SITE"
    other = sandbox.ok("/site/add", account_id=acc, name="Other")["uuid"]
    # Main has a satellite, so it cannot become one
    assert sandbox.call("/site/set", uuid=main, site_id=other).error_type == (
        "NESTED_SATELLITE_SITE"
    )
    assert sandbox.call("/site/set", uuid=other, site_id=other).error_type == (
        "NESTED_SATELLITE_SITE"
    )
    # an empty site_id detaches, after which Main may become a satellite
    sandbox.ok("/site/set", uuid=north, site_id="")
    sandbox.ok("/site/set", uuid=main, site_id=other)
    assert sandbox.ok("/site/get", uuid=north)["site_id"] is None


def test_inactive_is_set_only_and_a_flag(sandbox: SandboxHandle, acc: str) -> None:
    site = sandbox.ok("/site/add", account_id=acc, name="Main", inactive=1)["uuid"]
    assert sandbox.ok("/site/get", uuid=site)["inactive"] == 0
    refused = sandbox.call("/site/set", uuid=site, inactive=2)
    assert (refused.error_type, refused.error_subtype) == ("INVALID_FLAG", "inactive")
    sandbox.ok("/site/set", uuid=site, inactive=1)
    assert sandbox.ok("/site/get", uuid=site)["inactive"] == 1


def test_trials_are_the_groups_naming_the_site(sandbox: SandboxHandle, acc: str) -> None:
    site = sandbox.ok("/site/add", account_id=acc, name="Main")["uuid"]
    group = sandbox.ok("/group/add", account_id=acc, name="Trial A", site_id=site)["uuid"]
    sandbox.ok("/group/set", uuid=group, site_qualified=1)
    [trial] = sandbox.ok("/site/get", uuid=site)["trials"]
    assert trial == {
        "uuid": group,
        "name": "Trial A",
        "account_name": "Sandbox Hospital",
        "inactive": 0,
        "qualified": 1,
    }
    assert sandbox.ok("/group/get", uuid=group)["site_name"] == "Main"


def test_delete_and_permissions(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    site = sandbox.ok("/site/add", account_id=acc, name="Main")["uuid"]
    sid = limited_sid(site_view=1)
    assert [s["name"] for s in sandbox.ok("/site/list", sid=sid, account_id=acc)["sites"]] == [
        "Main"
    ]
    assert sandbox.call("/site/add", sid=sid, account_id=acc, name="B").error_type == (
        "NOT_PERMITTED"
    )
    assert sandbox.call("/site/delete", sid=sid, uuid=site).error_type == "NOT_PERMITTED"
    sandbox.ok("/site/delete", uuid=site)
    assert sandbox.call("/site/get", uuid=site).error_type == "NOT_FOUND"
