"""Custom code (``/customcode/*``) and its deployments to namespaces (``/customcode/deploy*``).

From the documentation: add takes ``type`` (only AI_CUSTOM_VALIDATION_CODE: INVALID_TYPE)
and ``language`` (only PYTHON: INVALID_LANGUAGE), which set does not; ``settings`` is a
JSON hash (NOT_HASH); ``zip`` base64 text, of which get shows only ``has_zip``. Code that
is deployed cannot be edited or deleted (IS_DEPLOYED). Get and list add ``account_id``,
``account_name``, ``is_deployed`` and ``deployments`` (most recent first, each as
/customcode/deploy/get shows it).

A list "will also include customcodes from other accounts that are configured for
customcode sharing": the documentation does not say how sharing is configured, so only a
seed can do it (``shared_with:``, account names); the shared code is listed with its own
``account_id``.

A deployment links one code to one namespace (the account's, a group's or a location's,
of the code's account): once per pair (ALREADY). ONE_ZIP_ONLY, "only one code with an
attached zip can be deployed to the namespace", is documented on /customcode/set, where
it cannot happen (deployed code cannot be set); the sandbox answers it where the rule
bites, deploying a code with a zip to a namespace where another one is deployed.
``/customcode/zip`` streams a file, not JSON, and is not emulated.
"""

from __future__ import annotations

from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.crud import permission, present
from ambraconf.sandbox.listing import ListSource, paged_list
from ambraconf.sandbox.protocol import ApiError, Params
from ambraconf.sandbox.schema import (
    NO,
    REQUIRED,
    Endpoint,
    Field,
    Kind,
    SeedContext,
    SeedError,
    Seeding,
)
from ambraconf.sandbox.store import Row

TYPES = ("AI_CUSTOM_VALIDATION_CODE",)
LANGUAGES = ("PYTHON",)
DEPLOYMENT = "customcode_deployment"
SHARED_WITH = "shared_with"
"""Where a seed's sharing is kept: the uuids of the other accounts that list the code."""


def _deployments(call: Call, code_id: str) -> list[Row]:
    return call.store.rows(DEPLOYMENT, parent_id=code_id)


def _show_deployment(call: Call, row: Row) -> dict[str, Any]:
    code = call.lookup("customcode", row.parent_id)
    namespace = call.lookup("namespace", row.doc["namespace_id"])
    return {
        "uuid": row.uuid,
        "customcode_id": row.parent_id,
        "customcode_name": code.doc.get("name") if code else None,
        "namespace_id": row.doc["namespace_id"],
        "namespace_name": namespace.doc.get("name") if namespace else None,
    }


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """The documented errors of add and set, on the resulting code."""
    if old is not None and _deployments(call, old.uuid):
        raise ApiError("IS_DEPLOYED")
    if doc.get("type") not in TYPES:
        raise ApiError("INVALID_TYPE", doc.get("type"))
    if doc.get("language") not in LANGUAGES:
        raise ApiError("INVALID_LANGUAGE", doc.get("language"))
    if not isinstance(doc.get("settings"), dict):
        raise ApiError("NOT_HASH", "settings")


def before_delete(call: Call, row: Row) -> None:
    if _deployments(call, row.uuid):
        raise ApiError("IS_DEPLOYED")


def show(call: Call, row: Row, out: dict[str, Any]) -> None:
    """The read-only fields of /customcode/get."""
    account = call.lookup("account", row.account_id)
    deployments = [_show_deployment(call, d) for d in reversed(_deployments(call, row.uuid))]
    out.update(
        account_id=row.account_id,
        account_name=account.doc.get("name") if account else None,
        is_deployed=1 if deployments else 0,
        deployments=deployments,
        has_zip=1 if row.doc.get("zip") else 0,
    )


def code_list(call: Call) -> dict[str, Any]:
    """The account's code and the code other accounts share with it."""
    call.params.require("account_id")
    account = call.lookup("account", call.params.get("account_id"))
    if account is None:
        raise ApiError("NOT_FOUND", "account_id")
    call.require(account.uuid, *permission(CUSTOMCODE, "list")[0])
    rows = [
        row
        for row in call.store.rows("customcode")
        if row.account_id == account.uuid or account.uuid in row.doc.get(SHARED_WITH, [])
    ]

    def everything() -> list[dict[str, Any]]:
        return [present(call, CUSTOMCODE, row) for row in rows]

    source = ListSource(
        count=lambda: len(rows),
        page=lambda offset, size: everything()[offset : offset + size],
        everything=everything,
        fields=CUSTOMCODE.visible(),
        ci=frozenset({"name"}),
    )
    return paged_list(call.params, "customcodes", source)


def deploy(call: Call) -> dict[str, Any]:
    call.params.require("uuid", "namespace_id")
    code = call.lookup("customcode", call.params.get("uuid"))
    namespace = call.lookup("namespace", call.params.get("namespace_id"))
    if code is None or namespace is None or namespace.account_id != code.account_id:
        raise ApiError("NOT_FOUND", "uuid" if code is None else "namespace_id")
    call.require(code.account_id or "", *permission(CUSTOMCODE, "deploy")[0])
    here = call.store.find(DEPLOYMENT, "namespace_id", namespace.uuid)
    if any(d.parent_id == code.uuid for d in here):
        raise ApiError("ALREADY")
    zipped = [d.parent_id for d in here if _has_zip(call, d.parent_id)]
    if code.doc.get("zip") and zipped:
        raise ApiError("ONE_ZIP_ONLY", zipped)
    doc = {"namespace_id": namespace.uuid}
    row = call.store.insert(DEPLOYMENT, doc, account_id=code.account_id, parent_id=code.uuid)
    return {"uuid": row.uuid}


def _has_zip(call: Call, code_id: str | None) -> bool:
    code = call.lookup("customcode", code_id)
    return bool(code and code.doc.get("zip"))


def _deployment(call: Call, param: str) -> Row:
    call.params.require(param)
    row = call.store.get(DEPLOYMENT, call.params.get(param))
    if row is None:
        raise ApiError("NOT_FOUND", param)
    return row


def undeploy(call: Call) -> dict[str, Any]:
    row = _deployment(call, "deployment_id")
    call.require(row.account_id or "", *permission(CUSTOMCODE, "undeploy")[0])
    call.store.delete(row.uuid)
    return {}


def deployment_get(call: Call) -> dict[str, Any]:
    row = _deployment(call, "uuid")
    call.require(row.account_id or "", *permission(CUSTOMCODE, "deploy/get")[0])
    return _show_deployment(call, row)


def deployment_list(call: Call) -> dict[str, Any]:
    """The deployments of one code or of one namespace."""
    name = call.params.require_one_of("customcode_id", "namespace_id")
    kind = "customcode" if name == "customcode_id" else "namespace"
    owner = call.lookup(kind, call.params.get(name))
    if owner is None:
        raise ApiError("NOT_FOUND", name)
    call.require(owner.account_id or "", *permission(CUSTOMCODE, "deploy/list")[0])
    if kind == "customcode":
        rows = _deployments(call, owner.uuid)
    else:
        rows = call.store.find(DEPLOYMENT, "namespace_id", owner.uuid)
    shown = [_show_deployment(call, row) for row in rows]
    fields = frozenset(
        {"uuid", "customcode_id", "customcode_name", "namespace_id", "namespace_name"}
    )
    source = ListSource(
        count=lambda: len(shown),
        page=lambda offset, size: shown[offset : offset + size],
        everything=lambda: list(shown),
        fields=fields,
    )
    return paged_list(Params(call.params.raw), "deployments", source)


def _share(context: SeedContext, uuid: str, accounts: Any) -> None:
    """A seed's ``shared_with: [account names]``: those accounts list the code too."""
    row = context.row("customcode", uuid)
    assert row is not None  # just added
    row.doc[SHARED_WITH] = [context.account(str(name)) for name in accounts or []]
    context.save(row)


def _deploy_seeded(context: SeedContext, uuid: str, namespaces: Any) -> None:
    """A seed's ``deployed_to: [names]``: a group's or location's name, or the account's
    own name for its namespace; each deployed through /customcode/deploy."""
    account = context.row("account", context.account_id)
    assert account is not None  # the account being seeded
    for name in namespaces or []:
        owner = context.named("group", name) or context.named("location", name)
        if owner is not None:
            namespace = owner.doc["namespace_id"]
        elif str(name).casefold() == str(account.doc.get("name")).casefold():
            namespace = account.doc["namespace_id"]
        else:
            raise SeedError(f"seed: no group, location or account named {name!r}")
        context.call("/customcode/deploy", {"uuid": uuid, "namespace_id": namespace})


CUSTOMCODE = Kind(
    "customcode",
    "/customcode",
    "customcodes",
    [
        Field("name", add=REQUIRED, ci=True),
        Field("type", add=REQUIRED, set=NO),
        Field("language", add=REQUIRED, set=NO),
        Field("code", add=REQUIRED),
        Field("settings", "json", default={}),
        Field("zip", hidden=True),
    ],
    readonly=("account_id", "account_name", "is_deployed", "deployments", "has_zip"),
    endpoints=("get", "add", "set", "delete"),
    extra={
        "list": Endpoint(code_list, object_name="customcode", list_key="customcodes"),
        "deploy": Endpoint(deploy),
        "undeploy": Endpoint(undeploy),
        "deploy/get": Endpoint(deployment_get),
        "deploy/list": Endpoint(deployment_list, list_key="deployments"),
    },
    seed=Seeding("customcodes", then={"shared_with": _share, "deployed_to": _deploy_seeded}),
    check=check,
    present=show,
    before_delete=before_delete,
)
