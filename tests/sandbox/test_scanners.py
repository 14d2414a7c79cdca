"""/scanner/* as documented: added to a site that exists, the site never returned, custom
field values of Scanner fields, validated_for read-only, the scanner permissions."""

from __future__ import annotations

from collections.abc import Callable

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"


def site(sandbox: SandboxHandle, acc: str, name: str = "Boston") -> str:
    return sandbox.ok("/site/add", account_id=acc, name=name)["uuid"]


def test_a_scanner_is_added_to_a_site_which_no_read_returns(
    sandbox: SandboxHandle, acc: str
) -> None:
    boston = site(sandbox, acc)
    uuid = sandbox.ok("/scanner/add", site_id=boston, name="CT 1", modality="CT", serial_no="S-1")[
        "uuid"
    ]
    got = sandbox.ok("/scanner/get", uuid=uuid)
    del got["status"]
    assert got == {
        "uuid": uuid,
        "name": "CT 1",
        "modality": "CT",
        "serial_no": "S-1",
        "manufacturer": None,
        "model": None,
        "validated_for": [],
    }
    [listed] = sandbox.ok("/scanner/list", account_id=acc)["scanners"]
    assert listed == got
    # site_id is no field of the list: a filter on it is refused
    filtered = sandbox.call("/scanner/list", account_id=acc, **{"filter.site_id.equals": boston})
    assert filtered.error_type == "INVALID_FIELD"


def test_set_changes_fields_but_not_the_site(sandbox: SandboxHandle, acc: str) -> None:
    uuid = sandbox.ok("/scanner/add", site_id=site(sandbox, acc), name="CT 1")["uuid"]
    sandbox.ok("/scanner/set", uuid=uuid, model="Revolution", site_id=site(sandbox, acc, "B"))
    assert sandbox.ok("/scanner/get", uuid=uuid)["model"] == "Revolution"
    sandbox.ok("/scanner/delete", uuid=uuid)
    assert sandbox.call("/scanner/get", uuid=uuid).error_type == "NOT_FOUND"


def test_documented_errors(sandbox: SandboxHandle, acc: str) -> None:
    missing = sandbox.call("/scanner/add", name="CT 1")
    assert (missing.error_type, missing.error_subtype) == ("MISSING_FIELDS", ["site_id"])
    nowhere = sandbox.call("/scanner/add", site_id=MISSING, name="CT 1")
    assert (nowhere.error_type, nowhere.error_subtype) == ("NOT_FOUND", "site")
    unnamed = sandbox.call("/scanner/add", site_id=site(sandbox, acc))
    assert (unnamed.error_type, unnamed.error_subtype) == ("MISSING_FIELDS", ["name"])
    for path in ("/scanner/get", "/scanner/set", "/scanner/delete"):
        assert sandbox.call(path, uuid=MISSING).error_type == "NOT_FOUND"
    assert sandbox.call("/scanner/list", account_id=MISSING).error_type == "NOT_FOUND"


def test_custom_field_values_of_scanner_fields(sandbox: SandboxHandle, acc: str) -> None:
    field = sandbox.ok(
        "/customfield/add", account_id=acc, name="Room", object="Scanner", type="text"
    )["uuid"]
    uuid = sandbox.ok(
        "/scanner/add", site_id=site(sandbox, acc), name="CT 1", **{f"customfield-{field}": "B12"}
    )["uuid"]
    [value] = sandbox.ok("/scanner/get", uuid=uuid)["customfields"]
    assert (value["uuid"], value["value"]) == (field, "B12")


def test_scanners_need_the_scanner_permissions(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    boston = site(sandbox, acc)
    uuid = sandbox.ok("/scanner/add", site_id=boston, name="CT 1")["uuid"]
    sid = limited_sid(scanner_view=1)
    assert sandbox.call("/scanner/list", sid=sid, account_id=acc).status == 200
    refused = sandbox.call("/scanner/add", sid=sid, site_id=boston, name="CT 2")
    assert refused.error_type == "NOT_PERMITTED"
    assert sandbox.call("/scanner/set", sid=sid, uuid=uuid, name="X").error_type == (
        "NOT_PERMITTED"
    )
    assert sandbox.call("/scanner/delete", sid=sid, uuid=uuid).error_type == "NOT_PERMITTED"


def test_a_seed_names_the_site(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.seed(
        {
            "accounts": [
                {
                    "name": "Sandbox Hospital",
                    "sites": [{"name": "Boston"}],
                    "scanners": [{"name": "CT 1", "site": "Boston", "modality": "CT"}],
                }
            ]
        }
    )
    [scanner] = sandbox.ok("/scanner/list", account_id=acc)["scanners"]
    assert (scanner["name"], scanner["modality"]) == ("CT 1", "CT")
