"""/node/set as the documentation describes it: configuration merged, setting overrides
merged and reverted with __DELETE__, NO_NODE_OVERRIDE, storage_namespace for a sysadmin of
the same account, NOT_FOUND, and node_edit."""

from __future__ import annotations

from collections.abc import Callable

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"


def test_configuration_is_merged_key_by_key(sandbox: SandboxHandle, node_id: str) -> None:
    sandbox.ok("/node/set", uuid=node_id, configuration={"ae_title": "GW", "port": 104})
    sandbox.ok("/node/set", uuid=node_id, configuration={"port": 11112}, reload_configuration=1)
    got = sandbox.ok("/node/get", uuid=node_id)
    assert got["configuration"] == {"ae_title": "GW", "port": 11112}
    assert "reload_configuration" not in got
    refused = sandbox.call("/node/set", uuid=node_id, configuration="[1, 2]")
    assert (refused.error_type, refused.error_subtype) == ("INVALID_JSON", "configuration")


def test_settings_merge_and___delete___reverts_one(sandbox: SandboxHandle, node_id: str) -> None:
    sandbox.ok("/node/set", uuid=node_id, settings={"report_from_hl7": "1"})
    sandbox.ok("/node/set", uuid=node_id, setting_mwl_filter_expression="PID_3")
    got = sandbox.ok("/node/get", uuid=node_id)["settings"]
    assert got == {"report_from_hl7": "1", "mwl_filter_expression": "PID_3"}
    sandbox.ok("/node/set", uuid=node_id, settings={"report_from_hl7": "__DELETE__"})
    assert sandbox.ok("/node/get", uuid=node_id)["settings"] == {"mwl_filter_expression": "PID_3"}


def test_a_setting_the_table_keeps_from_nodes_is_no_node_override(
    sandbox: SandboxHandle, node_id: str
) -> None:
    refused = sandbox.call("/node/set", uuid=node_id, settings={"ui_json": "{}"})
    assert (refused.error_type, refused.error_subtype) == ("NO_NODE_OVERRIDE", "ui_json")
    unknown = sandbox.call("/node/set", uuid=node_id, setting_no_such_setting="1")
    assert unknown.error_type == "INVALID_SETTING"
    flag = sandbox.call("/node/set", uuid=node_id, settings={"include_patientid_in_hl7_match": 2})
    assert flag.error_type == "INVALID_SETTING_VALUE"
    assert sandbox.ok("/node/get", uuid=node_id)["settings"] == {}


def test_monitoring_and_facility_fields_are_kept(sandbox: SandboxHandle, node_id: str) -> None:
    sandbox.ok(
        "/node/set",
        uuid=node_id,
        monitor_node_ping=1,
        monitor_node_last_send_threshold=90,
        monitor_email="ops@clinic.example",
        facility_name="North",
        category="TEST",
        ctc_bucket="c2c",
    )
    got = sandbox.ok("/node/get", uuid=node_id)
    assert {k: got[k] for k in ("monitor_node_ping", "monitor_node_last_send_threshold")} == {
        "monitor_node_ping": 1,
        "monitor_node_last_send_threshold": 90,
    }
    assert (got["monitor_email"], got["facility_name"], got["category"], got["ctc_bucket"]) == (
        "ops@clinic.example",
        "North",
        "TEST",
        "c2c",
    )
    assert (got["last_ping"], got["type"]) == (-1, "HARVESTER")
    threshold = sandbox.call("/node/set", uuid=node_id, monitor_study_create_threshold="soon")
    assert threshold.error_type == "INVALID_INTEGER"


def test_storage_namespace_takes_a_sysadmin_and_a_namespace_of_the_account(
    sandbox: SandboxHandle,
    acc: str,
    node_id: str,
    limited_sid: Callable[..., str],
) -> None:
    group = sandbox.ok("/group/add", account_id=acc, name="Radiology")
    sandbox.ok("/node/set", uuid=node_id, storage_namespace=group["namespace_id"])
    got = sandbox.ok("/node/get", uuid=node_id)
    assert (got["storage_namespace"], got["storage_namespace_name"]) == (
        group["namespace_id"],
        "Radiology",
    )
    other = sandbox.ok("/account/add", name="Elsewhere")
    elsewhere = sandbox.ok("/account/get", uuid=other["uuid"])["namespace_id"]
    refused = sandbox.call("/node/set", uuid=node_id, storage_namespace=elsewhere)
    assert (refused.error_type, refused.error_subtype) == ("NOT_FOUND", "storage_namespace")
    editor = limited_sid(node_edit=1, node_view=1)
    assert sandbox.call("/node/set", sid=editor, uuid=node_id, name="Renamed").status == 200
    not_sysadmin = sandbox.call(
        "/node/set", sid=editor, uuid=node_id, storage_namespace=group["namespace_id"]
    )
    assert not_sysadmin.error_type == "NOT_PERMITTED"


def test_set_needs_node_edit_and_an_existing_node(
    sandbox: SandboxHandle, node_id: str, limited_sid: Callable[..., str]
) -> None:
    viewer = limited_sid(node_view=1)
    refused = sandbox.call("/node/set", sid=viewer, uuid=node_id, name="Mine now")
    assert refused.error_type == "NOT_PERMITTED"
    assert sandbox.ok("/node/get", uuid=node_id)["name"] == "Sandbox Gateway"
    assert sandbox.call("/node/set", uuid=MISSING, name="X").error_type == "NOT_FOUND"
