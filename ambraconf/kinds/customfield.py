"""Custom field: an extra field on studies (or users, groups, orders...) and its mappings."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field, model_validator

from ambraconf.facts import CUSTOMFIELD_OBJECTS, CUSTOMFIELD_TYPES
from ambraconf.kinds.apimap import ApiMap, Hook
from ambraconf.kinds.base import (
    AT_KEY,
    Flag,
    Integer,
    JsonObject,
    Model,
    Name,
    ObjectModel,
    Problem,
    Text,
    describe,
    one_of,
    pattern_text,
    problem_error,
)
from ambraconf.kinds.codec import Names, as_flag, decode_json, encode_json
from ambraconf.kinds.permissions import FIELD_LETTERS
from ambraconf.kinds.spec import ANY, KEYS, KindSpec, Reference
from ambraconf.kinds.wiring import Api
from ambraconf.suggest import did_you_mean

HL7_SEGMENTS = ("NTE", "PID", "PID1", "PV1", "PV2", "OBR", "DG1", "OBX", "CTI", "BLG", "ORC")
VALIDATE_PAGES = ("study_add", "study_set", "study_set_must_approve", "study_share")
SEARCH_SOURCES = (
    "athena_providers",
    "athena_order_types",
    "us_states",
    "account_users",
    "customfield_values",
)
_DICOM_TAG = r"\([0-9A-F]{4},[0-9A-F]{4}\)(:\([0-9A-F]{4},[0-9A-F]{4}\))*"
_VALUES_BY_FIELD = re.compile(r"values_[A-Za-z0-9_\-]+")
DicomTag = Annotated[str, pattern_text(_DICOM_TAG, "a DICOM tag like (0008,0050), upper case hex")]
CustomFieldType = Annotated[str, one_of(CUSTOMFIELD_TYPES, "custom field type")]
Hl7Segment = Annotated[str, one_of(HL7_SEGMENTS, "HL7 segment")]
FieldLetter = Annotated[str, one_of(FIELD_LETTERS, "field flag")]


class CustomFieldOptions(Model):
    """The ``options`` JSON of a custom field; ``show_when`` is keyed by custom field name."""

    model_config = {"extra": "allow"}

    values: list[Text] | None = None
    suggested_values: list[Text] | None = None
    inactive_options: list[Text] | None = None
    labels: dict[str, Text] | None = None
    validate_regexp: Text | None = Field(None, alias="validate")
    validate_error: Text | None = None
    validate_pages: list[Annotated[str, one_of(VALIDATE_PAGES, "page")]] | None = None
    hint: Text | None = None
    field_label: Text | None = None
    max_length: Integer | None = None
    show_when: dict[str, list[Text]] | None = Field(
        None, description="Show only when these custom fields (by name) hold one of the values."
    )
    admin_only: Flag | None = None
    hint_as_help_text: Flag | None = None
    forbid_future_dates: Flag | None = None
    block_id: Text | None = None
    show_in_qr_activity: Flag | None = None
    search_source: Annotated[str, one_of(SEARCH_SOURCES, "search source")] | None = None

    @model_validator(mode="after")
    def _values_by_field(self) -> CustomFieldOptions:
        """``values_<FIELD>`` keys are documented (one at most); anything else is a typo."""
        extra = self.model_extra or {}
        problems: list[Problem] = []
        by_field = [k for k in extra if _VALUES_BY_FIELD.fullmatch(k)]
        for key, value in extra.items():
            if key not in by_field:
                known = [f.alias or n for n, f in type(self).model_fields.items()]
                problems.append(((key,), f"unknown key '{key}'{did_you_mean(key, known)}", AT_KEY))
            elif not isinstance(value, dict) or not all(
                isinstance(v, list) for v in value.values()
            ):
                problems.append(
                    ((key,), f"expected a mapping of value to list, got {describe(value)}")
                )
        problems.extend(
            ((key,), "only one values_<FIELD> key may be given") for key in by_field[1:]
        )
        if problems:
            raise problem_error(problems, "options")
        return self


class CustomFieldMapping(Model):
    """``/customfield/mapping/add``: copy this field's value into another custom field."""

    to_customfield: Name = Field(description="The destination custom field, by name.")
    overwrite_with_blank: Flag | None = None
    refresh_on_reshare: Flag | None = None
    refresh_on_edit: Flag | None = None
    reverse_refresh_on_edit: Flag | None = None


class CustomField(ObjectModel):
    """A custom field (``/customfield/add``); ``object`` and ``type`` cannot change later."""

    name: Annotated[Name, Api()]
    object: Annotated[
        str, one_of(CUSTOMFIELD_OBJECTS, "custom field object"), Api(add_only=True)
    ] = Field(description="What the field is attached to (fixed once created).")
    type: Annotated[CustomFieldType | None, Api(add_only=True)] = Field(
        None, description="Kind of input (fixed once created)."
    )
    capture_on_share_code: Annotated[Flag | None, Api()] = None
    capture_on_destination_search: Annotated[Flag | None, Api()] = None
    display_order: Annotated[Integer | None, Api()] = None
    wrapped_dicom_only: Annotated[Flag | None, Api()] = None
    dicom_only: Annotated[Flag | None, Api()] = None
    required: Annotated[Flag | None, Api()] = None
    options: CustomFieldOptions | None = None
    hl7_segment: Annotated[Hl7Segment | None, Api()] = None
    hl7_field: Annotated[Integer | None, Api()] = Field(None, ge=1, le=64)
    hl7_component: Annotated[Integer | None, Api()] = Field(None, ge=1, le=64)
    load_hl7: Annotated[Text | None, Api()] = None
    load_hl7_filter: Annotated[Text | None, Api()] = None
    dicom_tag: Annotated[DicomTag | None, Api()] = Field(None, description="e.g. (0008,0050)")
    other_dicom_tags: Annotated[list[DicomTag] | None, Api(codec="json")] = None
    load_dicom_tag: Annotated[Flag | None, Api()] = None
    dicom_tag_ignore_empty: Annotated[Flag | None, Api()] = None
    load_from_sr: Annotated[list[Text] | None, Api(codec="json")] = None
    field_flag: Annotated[FieldLetter | None, Api()] = None
    ui_json: Annotated[JsonObject | None, Api()] = None
    load_order: Annotated[Flag | None, Api()] = None
    customfield_mapping: list[CustomFieldMapping] | None = Field(
        None, description="Mappings from this field to other custom fields."
    )

    @model_validator(mode="after")
    def _tags(self) -> CustomField:
        problems = [
            (("other_dicom_tags", i), f"expected a DICOM tag like (0008,0050), got {tag!r}")
            for i, tag in enumerate(self.other_dicom_tags or [])
            if not re.fullmatch(_DICOM_TAG, tag)
        ]
        if problems:
            raise problem_error(problems, "customfield")
        return self


def _field_schema(schema: dict[str, Any]) -> None:
    """Allow ``values_<FIELD>`` in the JSON Schema of ``options``."""
    schema["patternProperties"] = {"^values_[A-Za-z0-9_\\-]+$": {"type": "object"}}
    schema["additionalProperties"] = False


CustomFieldOptions.model_config["json_schema_extra"] = _field_schema


MAPPING_DEFAULTS = {
    "overwrite_with_blank": True,
    "refresh_on_reshare": True,
    "refresh_on_edit": True,
    "reverse_refresh_on_edit": False,
}
"""The flags of ``/customfield/mapping/add`` and their documented defaults."""
MAPPING_FLAGS = tuple(MAPPING_DEFAULTS)


def _mappings_from_api(raw: dict[str, Any], names: Names) -> list[dict[str, Any]]:
    return [
        {
            "to_customfield": names.name("customfield", str(m.get("to_customfield_id")))
            or str(m.get("to_customfield_id")),
            **{flag: as_flag(m[flag]) for flag in MAPPING_FLAGS if flag in m},
        }
        for m in raw.get("customfield_mapping") or []
        if isinstance(m, dict)
    ]


def _sync_mappings(
    desired: dict[str, Any], raw: dict[str, Any], uuid: str, names: Names
) -> list[tuple[str, dict[str, str]]]:
    """Mappings live under ``/customfield/mapping/*``: add the missing, set the changed,
    delete the ones the config no longer lists (the config sets the whole list)."""
    if "customfield_mapping" not in desired:
        return []
    live = {
        str(m.get("to_customfield_id")): m
        for m in raw.get("customfield_mapping") or []
        if isinstance(m, dict)
    }
    calls: list[tuple[str, dict[str, str]]] = []
    for mapping in desired["customfield_mapping"]:
        target = names.uuid("customfield", mapping["to_customfield"])
        flags = {f: "1" if mapping[f] else "0" for f in MAPPING_FLAGS if f in mapping}
        existing = live.pop(target, None)
        if existing is None:
            params = {"from_customfield_id": uuid, "to_customfield_id": target, **flags}
            calls.append(("/customfield/mapping/add", params))
        elif any(as_flag(existing.get(f)) != (v == "1") for f, v in flags.items()):
            calls.append(("/customfield/mapping/set", {"uuid": str(existing["uuid"]), **flags}))
    calls.extend(("/customfield/mapping/delete", {"uuid": str(m["uuid"])}) for m in live.values())
    return calls


def _decode_mappings(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    """Mappings come back nested in the custom field."""
    if "customfield_mapping" in raw:
        values["customfield_mapping"] = _mappings_from_api(raw, names)


def _decode_options(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    """``show_when`` is keyed by custom field uuids in the API and by names in the config;
    its flags are 1/0 like every documented flag."""
    options = decode_json(raw.get("options"), CustomFieldOptions)
    if isinstance(options, dict):
        show_when = options.get("show_when")
        if isinstance(show_when, dict):
            options = {
                **options,
                "show_when": {names.name("customfield", k) or k: v for k, v in show_when.items()},
            }
        values["options"] = options


def _encode_options(desired: dict[str, Any], params: dict[str, str], names: Names) -> None:
    options = desired.get("options")
    if options is not None:
        show_when = options.get("show_when")
        if show_when:
            options = {
                **options,
                "show_when": {names.uuid("customfield", k): v for k, v in show_when.items()},
            }
        params["options"] = encode_json(options, CustomFieldOptions)


API = ApiMap(
    list_path="/customfield/list",
    list_key="customfields",
    add_path="/customfield/add",
    set_path="/customfield/set",
    delete_path="/customfield/delete",
    hooks=(
        Hook(("options",), decode=_decode_options, encode=_encode_options, params=("options",)),
        Hook(
            ("customfield_mapping",),
            decode=_decode_mappings,
            after_write=_sync_mappings,
            paths=(
                "/customfield/mapping/add",
                "/customfield/mapping/set",
                "/customfield/mapping/delete",
            ),
        ),
    ),
    partial_items=frozenset({"customfield_mapping"}),
)

SPEC = KindSpec(
    api=API,
    name="customfield",
    key="customfields",
    title="custom field",
    model=CustomField,
    identity=("object", "name"),
    item_defaults={"customfield_mapping": MAPPING_DEFAULTS},
    references=(
        Reference(
            ("options", "show_when", KEYS),
            "customfield",
            same=("object",),
            cycle="show_when",
            label="show_when field",
        ),
        Reference(
            ("customfield_mapping", ANY, "to_customfield"),
            "customfield",
            where=(("object", "Study"),),
            cycle="customfield mapping",
            label="mapping target",
        ),
    ),
)
