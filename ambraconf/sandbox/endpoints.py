"""Every emulated endpoint: the kinds served by the generic handlers, and the special ones.

Permissions are those the documentation gives per endpoint (e.g. /route/add needs
route_edit); a tuple means any one of them suffices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ambraconf.sandbox import (
    accounts,
    crud,
    customfields,
    destinations,
    members,
    namespaces,
    roles,
    routes,
    session,
    templates,
    webhooks,
)
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.schema import (
    ACCOUNT_FIELDS,
    CUSTOMFIELD_FIELDS,
    DESTINATION_FIELDS,
    GROUP_FIELDS,
    HL7_TEMPLATE_FIELDS,
    MAPPING_FIELDS,
    NAMESPACE_FIELDS,
    NODE_FIELDS,
    RADREPORT_TEMPLATE_FIELDS,
    ROLE_FIELDS,
    ROUTE_FIELDS,
    WEBHOOK_FIELDS,
    Field,
    Kind,
)

Handler = Callable[[Call], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    """An endpoint: its handler, whether it needs a session, whether GET is refused.

    ``object_name`` is what ``fields.OBJECT`` names for the objects it returns, and
    ``list_key`` the array they are in (None: the object is the reply itself).
    """

    handler: Handler
    auth: bool = True
    post_only: bool = False
    object_name: str | None = None
    list_key: str | None = None


ACCOUNT = Kind(
    "account",
    "/account",
    "accounts",
    ACCOUNT_FIELDS,
    view=(),
    edit=("account_edit",),
    readonly=("namespace_id", "role_name", "settings", "connected"),
    customfield_object="Account",
    check=accounts.check,
    present=accounts.present,
    after_set=accounts.renamed,
    endpoints=("get", "set"),
)
ROLE = Kind(
    "role",
    "/role",
    "roles",
    ROLE_FIELDS,
    view=("role_view",),
    edit=("role_edit",),
    account_missing="ACCOUNT_NOT_FOUND",
    readonly=("type", "permissions", "settings"),
    check=roles.check,
    present=roles.present,
    before_delete=roles.before_delete,
)


def namespace_kind(name: str, fields: list[Field], customfield_object: str) -> Kind:
    """Groups and locations: alike but for their fields and endpoints (each owns a namespace)."""
    return Kind(
        name,
        f"/{name}",
        f"{name}s",
        fields,
        view=(f"{name}_view",),
        edit=(f"{name}_edit",),
        account_missing="ACCOUNT_NOT_FOUND",
        readonly=("namespace_id", "role_name"),
        customfield_object=customfield_object,
        check=namespaces.check_owner,
        present=namespaces.present_owner,
        after_add=namespaces.owner_added,
        after_set=namespaces.owner_renamed,
        before_delete=namespaces.owner_deleted,
    )


GROUP = namespace_kind("group", GROUP_FIELDS, "Group")
LOCATION = namespace_kind("location", NAMESPACE_FIELDS, "Location")
ROUTE = Kind(
    "route",
    "/route",
    "routes",
    ROUTE_FIELDS,
    view=("route_view",),
    edit=("route_edit",),
    readonly=("namespace_id", "namespace_name", "capture_email"),
    scope_params=("account_id", "group_id", "location_id", "namespace_id"),
    add_scope=routes.linkage,
    check=routes.check,
    present=routes.present,
)
WEBHOOK = Kind(
    "webhook",
    "/webhook",
    "webhooks",
    WEBHOOK_FIELDS,
    view=("webhook_view",),
    edit=("webhook_edit",),
    paged=False,
    account_missing="ACCOUNT_NOT_FOUND",
    readonly=("last_error",),
    check=webhooks.check,
    present=webhooks.present,
)
CUSTOMFIELD = Kind(
    "customfield",
    "/customfield",
    "customfields",
    CUSTOMFIELD_FIELDS,
    view=("customfield_view", "role_view"),
    edit=("customfield_edit",),
    account_missing="ACCOUNT_NOT_FOUND",
    readonly=("customfield_mapping",),
    check=customfields.check,
    present=customfields.present,
    before_delete=customfields.before_delete,
)
CUSTOMFIELD_MAPPING = Kind(
    "customfield_mapping",
    "/customfield/mapping",
    "",
    MAPPING_FIELDS,
    view=("customfield_view", "role_view"),
    edit=("customfield_edit",),
    endpoints=("set", "delete"),
)
HL7_TEMPLATE = Kind(
    "hl7_template",
    "/hl7/template",
    "templates",
    HL7_TEMPLATE_FIELDS,
    view=("hl7_template_view",),
    edit=("hl7_template_edit",),
    paged=False,
    readonly=("type",),
    check=templates.check_hl7,
    present=templates.present_hl7,
)
RADREPORT_TEMPLATE = Kind(
    "radreport_template",
    "/radreport/template",
    "templates",
    RADREPORT_TEMPLATE_FIELDS,
    view=("radreport_view",),
    edit=(),
    sysadmin_edit=True,
    readonly=("active",),
    present=templates.present_radreport,
    list_filters=("type", "active"),
)
DESTINATION = Kind(
    "destination",
    "/destination",
    "destinations",
    DESTINATION_FIELDS,
    view=("destination_view",),
    edit=("destination_edit",),
    check=destinations.check,
)
NODE = Kind(
    "node",
    "/node",
    "nodes",
    NODE_FIELDS,
    view=("node_view",),
    edit=("node_edit",),
    readonly=("serial_no", "account_id"),
    scope_params=("account_id", "location_id", "group_id"),
    add_scope=destinations.node_scope,
    check=destinations.check_node,
    after_add=destinations.node_added,
    present=destinations.present_node,
    before_delete=destinations.node_deleted,
)

KINDS = (
    ACCOUNT,
    ROLE,
    GROUP,
    LOCATION,
    ROUTE,
    WEBHOOK,
    CUSTOMFIELD,
    CUSTOMFIELD_MAPPING,
    HL7_TEMPLATE,
    RADREPORT_TEMPLATE,
    DESTINATION,
    NODE,
)


def _build() -> dict[str, Endpoint]:
    table: dict[str, Endpoint] = {}
    for kind in KINDS:
        for path, handler in crud.handlers(kind).items():
            listing = path.endswith("/list")
            table[path] = Endpoint(
                handler, object_name=kind.name, list_key=kind.list_key if listing else None
            )
    user_list = {"object_name": "user", "list_key": "users"}
    table.update(
        {
            "/session/login": Endpoint(session.login, auth=False, post_only=True),
            "/session/user": Endpoint(session.session_user, object_name="user"),
            "/session/permissions": Endpoint(session.session_permissions),
            "/session/logout": Endpoint(session.logout),
            "/setting/get": Endpoint(session.setting_get),
            "/setting/set": Endpoint(session.setting_set),
            "/account/list": Endpoint(
                accounts.account_list(ACCOUNT), object_name="account", list_key="accounts"
            ),
            "/account/add": Endpoint(accounts.account_add),
            "/account/delete": Endpoint(accounts.account_delete),
            "/account/user/list": Endpoint(members.account_user_list, **user_list),
            "/account/user/add": Endpoint(members.account_user_add),
            "/account/user/get": Endpoint(members.account_user_get, object_name="user"),
            "/account/user/set": Endpoint(members.account_user_set),
            "/account/user/delete": Endpoint(members.account_user_delete),
            "/role/settings": Endpoint(roles.role_settings),
            "/customfield/mapping/add": Endpoint(customfields.mapping_add),
            "/radreport/template/activate": Endpoint(templates.radreport_activate),
            "/radreport/template/get/type": Endpoint(
                templates.radreport_by_type, object_name="radreport_template"
            ),
            "/namespace/settings": Endpoint(namespaces.namespace_settings),
        }
    )
    for kind in ("group", "location"):
        table[f"/{kind}/user/add"] = Endpoint(members.member_add(kind))
        table[f"/{kind}/user/delete"] = Endpoint(members.member_delete(kind))
        table[f"/{kind}/user/list"] = Endpoint(members.member_list(kind), **user_list)
    return table


ENDPOINTS: dict[str, Endpoint] = _build()
