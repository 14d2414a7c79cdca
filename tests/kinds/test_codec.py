"""Live objects in the config's shape and back: flags, JSON text, comma lists, names."""

from __future__ import annotations

import json

from ambraconf.engine.refs import RefIndex
from ambraconf.kinds import kind
from ambraconf.kinds.apimap import ApiMap
from ambraconf.kinds.codec import Field
from ambraconf.kinds.settings import settings_from_api, settings_to_api

ROUTE_LIKE = ApiMap(
    list_path="/thing/list",
    list_key="things",
    add_path="/thing/add",
    set_path="/thing/set",
    delete_path="/thing/delete",
    fields=(
        Field("name"),
        Field("suspended", "flag"),
        Field("delay", "int"),
        Field("options", "json"),
        Field("role", "ref", api="role_id", ref="role"),
        Field("manual_roles", "refs_csv", ref="role"),
        Field("other_tags", "csv"),
    ),
)


def names() -> RefIndex:
    index = RefIndex("Acme")
    index.add("role", "Radiologist", "r-1")
    index.add("role", "Tech", "r-2")
    return index


def test_live_object_is_read_into_config_shape() -> None:
    live = {
        "uuid": "x-1",
        "name": "CT",
        "suspended": "0",
        "delay": "15",
        "options": '{"bypass_approval": 1}',
        "role_id": "r-1",
        "manual_roles": "r-2,r-1",
        "other_tags": "a, b",
        "namespace_name": "read only",
    }
    assert ROUTE_LIKE.decode(live, names()) == {
        "name": "CT",
        "suspended": False,
        "delay": 15,
        "options": {"bypass_approval": 1},
        "role": "Radiologist",
        "manual_roles": ["Tech", "Radiologist"],
        "other_tags": ["a", "b"],
    }


def test_config_values_become_form_fields() -> None:
    desired = {
        "name": "CT",
        "suspended": True,
        "options": {"round_robin": "destination"},
        "role": "radiologist",
        "manual_roles": ["Tech"],
    }
    assert ROUTE_LIKE.encode(desired, names()) == {
        "name": "CT",
        "suspended": "1",
        "options": '{"round_robin":"destination"}',
        "role_id": "r-1",
        "manual_roles": "r-2",
    }


def test_unknown_reference_in_live_state_stays_visible_as_uuid() -> None:
    assert ROUTE_LIKE.decode({"role_id": "r-9"}, names()) == {"role": "r-9"}


def test_documented_flags_inside_json_travel_as_numbers_whatever_the_kind() -> None:
    """One rule for the Flag type ("Flags are numeric fields with a 1 or 0 value"), in route
    options and custom field options alike; free-form JSON (ui_json) is sent as written."""
    customfield = kind("customfield")
    route = kind("route")
    params = customfield.api.encode(
        {"options": {"admin_only": True, "values": ["a"]}, "ui_json": {"wide": True}}, names()
    )
    assert params["options"] == '{"admin_only":1,"values":["a"]}'
    assert params["ui_json"] == '{"wide":true}'
    assert route.api.encode({"options": {"bypass_approval": False}}, names()) == {
        "options": '{"bypass_approval":0}'
    }
    live = customfield.api.decode({"options": '{"admin_only": 1, "hint": "1"}'}, names())
    assert live["options"] == {"admin_only": True, "hint": "1"}


def test_route_conditions_name_custom_fields_and_validation_rules() -> None:
    """``lv: <key>-<UUID>`` reads as ``<key>: <name>`` and back; a uuid that names nothing
    in the account stays readable, as the text the API gave."""
    route = kind("route").api
    index = names()
    index.add("customfield", "Priority", "c-1")
    index.add("validation_rule", "Complete study", "v-1")
    live = [
        {"lv": "customfield-c-1", "op": "equals", "rv": "STAT"},
        {"lv": "validate-v-1", "op": "greater_than", "rv": "90"},
        {"lv": "validate-v-9", "op": "equals", "rv": "100"},
    ]
    decoded = route.decode({"conditions": live}, index)["conditions"]
    assert decoded == [
        {"customfield": "Priority", "op": "equals", "rv": "STAT"},
        {"validate": "Complete study", "op": "greater_than", "rv": "90"},
        {"validate": "validate-v-9", "op": "equals", "rv": "100"},
    ]
    sent = route.encode({"conditions": decoded[:2]}, index)["conditions"]
    assert json.loads(sent) == live[:2]


def test_settings_name_namespaces_in_each_documented_form() -> None:
    index = RefIndex("Acme")
    index.add("group", "Portal", "g-1", namespace_id="ns-1")
    index.add("location", "Main", "l-1", namespace_id="ns-2")
    live = {
        "patient_portal_options": '{"source_namespace":["ns-1","ns-2"],"x":1}',
        "sso_second_opinion_workflow": '{"namespace_id":"ns-2"}',
        "update_phi_hl7_namespaces": '{"ns-1":"A08"}',  # its hash form: kept as written
        "take_study_source_namespace": "ns-9",  # another account's: kept as the uuid
    }
    config = {
        "patient_portal_options": {
            "source_namespace": [{"group": "Portal"}, {"location": "Main"}],
            "x": 1,
        },
        "sso_second_opinion_workflow": {"namespace_id": {"location": "Main"}},
        "update_phi_hl7_namespaces": '{"ns-1":"A08"}',
        "take_study_source_namespace": "ns-9",
    }
    assert settings_from_api(live, index) == config
    assert settings_to_api(config, index) == live
