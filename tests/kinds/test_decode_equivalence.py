"""The fast paths of decoding live rows give exactly what the plain, step-by-step reading
gives: values, their types (True is not 1 here) and the order of keys (exports and plans
show them in it).

Decoding runs for every live object of every account, so it takes shortcuts (one lookup for
a missing field or a null one, flags by a table of the API's spellings, permissions mapped
in one pass, settings read by a per-name table); each is checked here against the plain
reading on random rows.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambraconf.engine.refs import RefIndex
from ambraconf.facts import ACCOUNT_SETTINGS, PERMISSIONS, permission_fact
from ambraconf.kinds import kind
from ambraconf.kinds.apimap import ApiMap
from ambraconf.kinds.codec import (
    API_FLAGS,
    DECODERS,
    Field,
    as_flag,
    decode_value,
    plain_type,
    shaped,
)
from ambraconf.kinds.permissions import (
    _CUSTOMFIELD_BY_UUID,
    _CUSTOMFIELD_PREFIX,
    CUSTOMFIELDS_KEY,
    permissions_from_api,
)
from ambraconf.kinds.route import RouteOptions, Schedule
from ambraconf.kinds.setting_names import BY_SETTING
from ambraconf.kinds.settings import _setting_from_api, settings_from_api

FIELD_UUID = "0b6f1c2e-5a7d-4e8f-9a0b-1c2d3e4f5a6b"
OTHER_UUID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"


EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""Enough random rows to meet every branch; no deadline: a loaded machine is not a failure."""


def names() -> RefIndex:
    index = RefIndex("Acme")
    index.add("customfield", "Priority", FIELD_UUID)
    index.add("role", "Radiologist", "r-1")
    index.add("destination", "PACS", "d-1")
    index.add("webhook", "EHR", "w-1")
    index.add("group", "Cardiology", "g-1", namespace_id="ns-g")
    return index


def same_reading(got: Any, want: Any) -> bool:
    """Equal, with the same types and the same key order (JSON tells True from 1)."""
    return got == want and json.dumps(got, default=repr) == json.dumps(want, default=repr)


SCALARS = st.sampled_from([0, 1, 2, -1, "0", "1", "", " 1 ", "true", "no", "F", "R", None])
SCALARS |= st.booleans() | st.floats(allow_nan=False) | st.text(max_size=4)
VALUES = SCALARS | st.lists(st.integers(), max_size=2) | st.dictionaries(st.text(), st.integers())


# --- fields by codec ---------------------------------------------------------------------

KINDS = {
    "flag": Field("suspended", "flag"),
    "text": Field("name"),
    "int": Field("delay", "int"),
    "csv": Field("tags", "csv"),
    "json": Field("options", "json", shape=RouteOptions),
    "ref": Field("role", "ref", api="role_id", ref="role"),
    "refs_csv": Field("roles", "refs_csv", ref="role"),
    "refs_json": Field("targets", "refs_json", ref="destination"),
}
EVERY_CODEC = ApiMap("/t/list", "t", "/t/add", "/t/set", "/t/delete", fields=tuple(KINDS.values()))
ROW_VALUES = SCALARS | st.sampled_from(["r-1", "r-1,r-2", '["d-1"]', '{"bypass_approval": 1}'])


@EXAMPLES
@given(st.dictionaries(st.sampled_from([f.read_name for f in KINDS.values()]), ROW_VALUES))
def test_decode_is_each_fields_decode_value(row: dict[str, Any]) -> None:
    """A field the row lacks is left out, a null one is None, others by their codec."""
    fields = [f for f in EVERY_CODEC.fields if f.read_name in row]
    plain = {f.name: decode_value(f, row[f.read_name], names()) for f in fields}
    assert same_reading(EVERY_CODEC.decode(row, names()), plain)


@EXAMPLES
@given(SCALARS)
def test_a_flag_decodes_as_as_flag_says(value: Any) -> None:
    assert same_reading(DECODERS["flag"](KINDS["flag"], value, names()), as_flag(value))


# --- documented JSON shapes --------------------------------------------------------------


def plain_shaped(value: Any, shape: Any) -> Any:
    """``shaped`` walking the shape's fields per value (route options and schedules hold
    flags and plain values, no nested models)."""
    if not isinstance(value, dict):
        return value
    result = dict(value)
    for name, info in shape.model_fields.items():
        key = info.alias or name
        if result.get(key) is not None and plain_type(info.annotation) is bool:
            result[key] = as_flag(result[key])
    return result


SHAPE_KEYS = st.sampled_from([*RouteOptions.model_fields, *Schedule.model_fields, "extra"])


@EXAMPLES
@given(st.dictionaries(SHAPE_KEYS, SCALARS) | SCALARS, st.sampled_from([RouteOptions, Schedule]))
def test_shaped_converts_the_flags_the_shape_declares(value: Any, shape: Any) -> None:
    assert same_reading(shaped(value, shape, as_flag), plain_shaped(value, shape))


# --- permissions -------------------------------------------------------------------------


def plain_permissions(permissions: dict[str, Any], index: RefIndex) -> dict[str, Any]:
    """Key by key: flags by the API's spellings (a list or a mapping as it is), custom field
    keys by name, last; ``role_id`` left out."""

    def is_flag(key: str) -> bool:
        fact = permission_fact(key)
        return not key.startswith(_CUSTOMFIELD_PREFIX) and fact is not None and fact.kind == "flag"

    result: dict[str, Any] = {}
    by_name: dict[str, Any] = {}
    for key, value in permissions.items():
        if key == "role_id":
            continue
        if _CUSTOMFIELD_BY_UUID.fullmatch(key):
            uuid = key[len(_CUSTOMFIELD_PREFIX) :]
            by_name[index.name("customfield", uuid) or uuid] = value
        elif is_flag(key) and not isinstance(value, list | dict):
            result[key] = API_FLAGS.get(value, value)
        else:
            result[key] = value
    if by_name:
        result[CUSTOMFIELDS_KEY] = by_name
    return result


_FLAG_NAMES = sorted(n for n, f in PERMISSIONS.items() if f.kind == "flag")[:40]
_OTHER_NAMES = sorted(n for n, f in PERMISSIONS.items() if f.kind != "flag")[:20]
PERMISSION_KEYS = st.sampled_from(
    [
        *_FLAG_NAMES,
        *_OTHER_NAMES,
        "role_id",
        "setting_enable_v3_viewer",
        "not_a_permission",
        f"{_CUSTOMFIELD_PREFIX}{FIELD_UUID}",
        f"{_CUSTOMFIELD_PREFIX}{OTHER_UUID}",
        f"{_CUSTOMFIELD_PREFIX}not-a-uuid",
        CUSTOMFIELDS_KEY,
    ]
)


@EXAMPLES
@given(st.dictionaries(PERMISSION_KEYS, SCALARS, max_size=30))
def test_permissions_read_as_key_by_key(permissions: dict[str, Any]) -> None:
    got = permissions_from_api(permissions, names())
    assert same_reading(got, plain_permissions(permissions, names()))


@EXAMPLES
@given(st.dictionaries(PERMISSION_KEYS, VALUES, max_size=30))
def test_permissions_holding_lists_or_mappings_read_as_key_by_key(
    permissions: dict[str, Any],
) -> None:
    got = permissions_from_api(permissions, names())
    assert same_reading(got, plain_permissions(permissions, names()))


def test_a_role_of_flags_study_fields_and_a_custom_field() -> None:
    live = {
        "study_view": 1,
        "study_delete": "0",
        "role_id": "r-1",
        f"{_CUSTOMFIELD_PREFIX}{FIELD_UUID}": "H",
        "study_field_patient_name": "R",
        f"{_CUSTOMFIELD_PREFIX}{OTHER_UUID}": "O",
    }
    assert same_reading(
        permissions_from_api(live, names()),
        {
            "study_view": True,
            "study_delete": False,
            "study_field_patient_name": "R",
            CUSTOMFIELDS_KEY: {"Priority": "H", OTHER_UUID: "O"},
        },
    )


# --- settings ----------------------------------------------------------------------------

_PLAIN = [n for n in sorted(ACCOUNT_SETTINGS) if n not in BY_SETTING]
SETTING_NAMES = st.sampled_from(
    [
        *[n for n in _PLAIN if ACCOUNT_SETTINGS[n].type == "flag"][:10],
        *[n for n in _PLAIN if ACCOUNT_SETTINGS[n].type == "number"][:10],
        *[n for n in _PLAIN if ACCOUNT_SETTINGS[n].type == "text"][:10],
        *sorted(BY_SETTING),
        "not_a_setting",
    ]
)
SETTING_VALUES = st.sampled_from(["0", "1", "", " 1 ", "TRUE", "12", "-3", "--5", "²", "x"])
SETTING_VALUES |= VALUES | st.just(f"customfield:{FIELD_UUID}") | st.just("ns-g,ns-x")


@EXAMPLES
@given(st.dictionaries(SETTING_NAMES, SETTING_VALUES, max_size=20))
def test_settings_read_as_one_by_one(live: dict[str, Any]) -> None:
    plain = {name: _setting_from_api(name, value, names()) for name, value in live.items()}
    assert same_reading(settings_from_api(live, names()), plain)


# --- routes ------------------------------------------------------------------------------

ROUTE = kind("route").api
ACTIONS = [
    ({"destination": "d-1", "name": "PACS"}, {"destination": "PACS"}),
    ({"destination_hl7_orm": "d-9"}, {"destination_hl7_orm": "d-9"}),
    ({"webhook": "w-1"}, {"webhook": "EHR"}),
    (
        {"first_working_destination": '["d-1", "d-2"]'},
        {"first_working_destination": ["PACS", "d-2"]},
    ),
    ({"first_working_destination": "d-1"}, {"first_working_destination": ["PACS"]}),
    ({"namespace": "ns-g"}, {"namespace": {"group": "Cardiology"}}),
    ({"namespace": "PERSONAL"}, {"namespace": "PERSONAL"}),
    ({"share_code": "ABC"}, {"share_code": "ABC"}),
    ({"share_email": "USER_ENTRY"}, {"share_email": "USER_ENTRY"}),
    ({"name": "x", "webhook": "w-1"}, {"webhook": "EHR"}),
    ({"unknown": 1}, {"unknown": 1}),
]
CONDITIONS = [
    (
        {"lv": "modality", "op": "equals", "rv": "CT"},
        {"lv": "modality", "op": "equals", "rv": "CT"},
    ),
    (
        {"lv": f"customfield-{FIELD_UUID}", "op": "equals", "rv": "STAT", "lv_transform": None},
        {"customfield": "Priority", "op": "equals", "rv": "STAT"},
    ),
    (
        {"lv": "validate-v-1", "op": "equals", "rv": "1"},
        {"validate": "validate-v-1", "op": "equals", "rv": "1"},
    ),
    (
        {"lv": "modality", "op": "in", "rv": '["CT", "MR"]'},
        {"lv": "modality", "op": "in", "rv": ["CT", "MR"]},
    ),
    ({"lv": 7, "op": "equals", "rv": "x"}, {"lv": 7, "op": "equals", "rv": "x"}),
    ("not a mapping", "not a mapping"),
]


def test_route_actions_and_conditions_name_their_targets() -> None:
    row = {
        "actions": [live for live, _ in ACTIONS],
        "conditions": [live for live, _ in CONDITIONS],
    }
    decoded = ROUTE.decode(row, names())
    assert same_reading(decoded["actions"], [config for _, config in ACTIONS])
    assert same_reading(decoded["conditions"], [config for _, config in CONDITIONS])
