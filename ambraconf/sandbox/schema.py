"""What each kind of object looks like on the wire: a table of fields per kind.

A :class:`Field` says how a parameter is typed (text, flag, int, JSON, comma list),
whether add requires it, whether set may change it, and its value when never given.
A :class:`Kind` gathers the fields of one object with its endpoints, list key,
permissions and the few hooks that hold its documented rules (see ``rules.py``).
The generic handlers in ``crud.py`` read these tables, so a field is one line
here rather than an ``if`` in a handler.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REQUIRED = "required"
OPTIONAL = "optional"
NO = "no"

NAMESPACE_FLAGS = (
    "must_approve",
    "must_approve_upload",
    "must_approve_harvest",
    "must_approve_move",
    "no_share",
    "share_via_gateway",
)

NAMESPACE_EVENTS = (
    "event_share",
    "event_approve",
    "event_upload",
    "event_upload_fail",
    "event_harvest",
    "event_new_report",
    "event_report_remove",
    "event_study_comment",
    "event_status_change",
    "event_message",
    "event_node",
    "event_link",
    "event_link_mine",
    "event_thin_study_success",
    "event_thin_study_fail",
    "event_case_assignment",
    "event_incoming_study_request",
    "event_query_add",
    "event_query_edit",
    "event_query_new_recipient",
    "event_query_reply",
    "event_site_qualified",
)
ACCOUNT_EVENTS = NAMESPACE_EVENTS[:5] + ("event_join", "event_purge") + NAMESPACE_EVENTS[5:]


@dataclass(frozen=True)
class Field:
    """One documented parameter/field of a kind.

    ``type``: text, flag (0/1), int, json (JSON text in, structure out), csv (comma list
    kept as text). ``add``/``set``: required, optional or no. ``ci``: compared without case
    in filters and uniqueness (names are citext in the data dictionary). ``hidden``: accepted
    but never returned (a password, a parent's uuid).
    """

    name: str
    type: str = "text"
    add: str = OPTIONAL
    set: str = OPTIONAL
    default: Any = None
    ci: bool = False
    hidden: bool = False


def flags(*names: str, default: int = 0, add: str = OPTIONAL, set: str = OPTIONAL) -> list[Field]:
    return [Field(name, "flag", add=add, set=set, default=default) for name in names]


Hook = Callable[..., Any]


@dataclass
class Kind:
    """One kind of object and the endpoints the generic handlers serve for it."""

    name: str
    path: str
    list_key: str
    fields: list[Field]
    view: tuple[str, ...]
    edit: tuple[str, ...]
    paged: bool = True
    account_missing: str = "NOT_FOUND"
    readonly: tuple[str, ...] = ()
    customfield_object: str | None = None
    sysadmin_edit: bool = False
    scope_params: tuple[str, ...] = ("account_id",)
    add_scope: Hook | None = None
    check: Hook | None = None
    present: Hook | None = None
    after_add: Hook | None = None
    after_set: Hook | None = None
    before_delete: Hook | None = None
    list_filters: tuple[str, ...] = ()
    endpoints: tuple[str, ...] = ("list", "get", "add", "set", "delete")
    by_name: dict[str, Field] = field(init=False)

    def __post_init__(self) -> None:
        self.by_name = {f.name: f for f in self.fields}

    def defaults(self) -> dict[str, Any]:
        return {f.name: copy.deepcopy(f.default) for f in self.fields}

    def visible(self) -> frozenset[str]:
        """Names a get returns, and so the names a filter or sort may use."""
        shown = {f.name for f in self.fields if not f.hidden}
        return frozenset({"uuid", *shown, *self.readonly})


NAMESPACE_FIELDS = [
    Field("name", add=REQUIRED, ci=True),
    *flags(*NAMESPACE_FLAGS),
    Field("share_code"),
    Field("share_description"),
    Field("share_settings", "json"),
    Field("hl7_template"),
    Field("search_threshold", "int"),
    Field("role_id"),
]

GROUP_FIELDS = [
    *NAMESPACE_FIELDS,
    Field("site_id"),
    *flags("site_qualified", "site_inactive", add=NO),
]

ACCOUNT_FIELDS = [
    Field("name", ci=True),
    Field("vanity", "csv"),
    Field("password_expire", "int", default=0),
    Field("session_expire", "int", default=0),
    *flags(*NAMESPACE_FLAGS, "can_request"),
    Field("share_code"),
    Field("share_description"),
    Field("share_settings", "json"),
    Field("hl7_template"),
    Field("search_threshold", "int"),
    Field("css"),
    Field("vendor"),
    Field("role_id"),
    Field("site_management_account_id"),
]

ROLE_FIELDS = [
    Field("name", add=REQUIRED, ci=True),
    Field("description", add=NO),
    *flags("for_account", "for_group", "for_location", default=1),
]

ROUTE_FIELDS = [
    Field("name", add=REQUIRED, ci=True),
    Field("conditions", "json", add=REQUIRED, default=[]),
    Field("actions", "json", add=REQUIRED, default=[]),
    Field("options", "json", default={}),
    Field("schedule", "json"),
    *flags("on_share", "on_harvest", add=REQUIRED),
    *flags(
        "on_upload",
        "on_manual_route",
        "on_thin",
        "no_re_run",
        "only_re_run",
        "suspended",
        "delay_till_schedule",
    ),
    Field("delay", "int"),
    Field("delay_seconds", "int"),
    Field("other_namespaces", "csv"),
    Field("manual_roles", "csv"),
    Field("delay_from_study_field"),
    Field("delay_from_study_seconds", "int"),
]

WEBHOOK_FIELDS = [
    Field("name", add=REQUIRED, ci=True),
    Field("event", add=REQUIRED),
    Field("url", add=REQUIRED),
    Field("method", add=REQUIRED),
    Field("node_id"),
    Field("parameters", "json", default={}),
    Field("sid_user_id"),
    Field("filter_field"),
    Field("filter_regexp"),
    *flags("suspended", "retry", "once", "by_uid", "by_accession_number", "by_webhook_event"),
    Field("delay", "int"),
    Field("max_age", "int"),
    Field("auth", "json"),
    Field("cron"),
]

CUSTOMFIELD_FIELDS = [
    Field("name", add=REQUIRED, ci=True),
    Field("object", add=REQUIRED, set=NO),
    Field("type", set=NO, default="text"),
    *flags(
        "capture_on_share_code",
        "capture_on_destination_search",
        "wrapped_dicom_only",
        "dicom_only",
        "required",
        "load_dicom_tag",
        "dicom_tag_ignore_empty",
        "load_order",
    ),
    Field("display_order", "int"),
    Field("options", "json", default={}),
    Field("hl7_segment"),
    Field("hl7_field", "int"),
    Field("hl7_component", "int"),
    Field("load_hl7"),
    Field("load_hl7_filter"),
    Field("dicom_tag"),
    Field("other_dicom_tags", "json"),
    Field("load_from_sr", "json"),
    Field("field_flag"),
    Field("ui_json", "json", default={}),
    Field("other_customfield_id"),
    *flags(
        "other_customfield_no_overwrite_with_blank",
        "other_customfield_no_refresh_on_reshare",
        add=NO,
    ),
]

MAPPING_FIELDS = [
    Field("from_customfield_id", add=REQUIRED, set=NO, hidden=True),
    Field("to_customfield_id", add=REQUIRED, set=NO),
    *flags("overwrite_with_blank", "refresh_on_reshare", "refresh_on_edit", default=1),
    *flags("reverse_refresh_on_edit"),
]

HL7_TEMPLATE_FIELDS = [
    Field("name", add=REQUIRED, set=REQUIRED, ci=True),
    Field("body", add=REQUIRED, set=REQUIRED),
]

RADREPORT_TEMPLATE_FIELDS = [
    Field("type", add=REQUIRED),
    Field("name", add=REQUIRED, ci=True),
    Field("body", add=REQUIRED),
    Field("preview"),
    Field("options", "json"),
]

DESTINATION_FIELDS = [
    Field("name", add=REQUIRED, ci=True),
    Field("node_id", add=REQUIRED),
    Field("type", set=NO, default="DICOM"),
    Field("linked_destination", set=NO),
    *flags("linked_qr_to_referred_account", "linked_qr_activity_in_referred_account"),
    Field("distributed_destinations", "json"),
    Field("path"),
    Field("aetitle"),
    Field("address"),
    Field("port", "int"),
    *flags(
        "can_query_retrieve",
        "can_retrieve_thin",
        "can_search",
        "can_search_mwl",
        "can_push_hl7",
        "sqlch_psh_if_img_unchg",
        "sqlch_psh_if_route_hl7",
        "fire_webhooks",
        "push_related_studies",
    ),
    Field("hl7_address"),
    Field("hl7_port", "int"),
    Field("c_echo_interval", "int"),
    Field("c_echo_schedule", "json"),
    Field("default_query_retrieve_level", default="study"),
    Field("gateway_settings"),
    Field("cd_burn_info", "json"),
    Field("cd_burn_name"),
    Field("cd_burn_priority", "int"),
    Field("sort_order", "int"),
    Field("hl7_fetch_filter"),
    Field("manual_push_roles", "csv"),
    Field("ui_json", "json", default={}),
]

NODE_FIELDS = [
    Field("name", add=REQUIRED, ci=True),
    Field("type", add=REQUIRED, set=NO),
    Field("os_type"),
    Field("facility_name"),
    Field("facility_zip"),
    Field("facility_contact"),
    Field("facility_contact_title"),
    Field("facility_email"),
    Field("facility_notes"),
    Field("category"),
    *flags("is_public"),
]

ACCOUNT_USER_FIELDS = [
    Field("role_id"),
    Field("account_email"),
    Field("account_alias"),
    Field("account_login"),
    Field("account_password", hidden=True),
    *flags("password_reset", "global", "sso_only"),
    Field("global_role_id"),
    Field("epic_user"),
    Field("session_expire", "int"),
    Field("max_sessions", "int"),
    *flags(*ACCOUNT_EVENTS),
]

MEMBER_FIELDS = [
    Field("role_id"),
    *flags(*NAMESPACE_EVENTS, "no_physician_alias_share"),
]
