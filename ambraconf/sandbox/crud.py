"""The generic list/get/add/set/delete endpoints, driven by a kind's table of fields.

Every kind answers the same way for the same situation (missing fields, unknown
account, unknown uuid, missing permission, badly typed values) because one piece
of code does it for all; the kind's hooks add only its own documented rules.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ambraconf.sandbox import customfields
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.documented import DOCUMENTED
from ambraconf.sandbox.listing import paged_list, stored
from ambraconf.sandbox.protocol import ApiError, Params, parse_flag, parse_integer, parse_json
from ambraconf.sandbox.schema import REQUIRED, Endpoint, Field, Handler, Kind
from ambraconf.sandbox.store import Row


def coerce(field: Field, raw: str) -> Any:
    """Text from the wire to the stored value, with the documented error for bad text."""
    if field.type == "flag":
        return parse_flag(field.name, raw)
    if field.type == "int":
        return parse_integer(field.name, raw)
    if field.type == "json":
        return None if raw == "" else parse_json(field.name, raw)
    return raw


def parsed(fields: list[Field], params: Params) -> dict[str, Any]:
    """The given ones of ``fields`` as stored values."""
    return {f.name: coerce(f, params.text(f.name)) for f in fields if f.name in params}


def given(kind: Kind, params: Params, mode: str) -> dict[str, Any]:
    """The fields of ``kind`` present in the call that ``mode`` (add or set) accepts."""
    accepted = kind.accepts(mode)
    return parsed([f for f in kind.fields if f.name in accepted], params)


def required(kind: Kind, mode: str) -> list[str]:
    return [f.name for f in kind.fields if (f.add if mode == "add" else f.set) == REQUIRED]


def permission(kind: Kind, verb: str) -> tuple[tuple[str, ...], bool]:
    """What ``/<kind>/<verb>`` needs: permissions (any one suffices), and a sysadmin or not."""
    documented = DOCUMENTED[f"{kind.path}/{verb}"]
    own = kind.view if verb in ("list", "get") else kind.edit
    return (documented.needs() if own is None else own), documented.sysadmin


def listed_account(call: Call, kind: Kind) -> Row:
    """The account a list reads: ``account_id``, which every listed kind takes."""
    call.params.require("account_id")
    account = call.lookup("account", call.params.get("account_id"))
    if account is None:
        raise ApiError("NOT_FOUND", "account_id")
    return account


def added_scope(call: Call, kind: Kind) -> tuple[Row, dict[str, Any]]:
    """The account an add works in, and any linkage fields (e.g. a route's namespace)."""
    if kind.add_scope is not None:
        return kind.add_scope(call)
    account = call.lookup("account", call.params.get("account_id"))
    if account is None:
        raise ApiError(kind.account_missing)
    return account, {}


def present(call: Call, kind: Kind, row: Row) -> dict[str, Any]:
    """An object as get and list return it: uuid, documented fields, read-only extras."""
    out: dict[str, Any] = {"uuid": row.uuid}
    for field in kind.fields:
        if not field.hidden:
            out[field.name] = row.doc.get(field.name, field.default)
    if kind.present is not None:
        kind.present(call, row, out)
    if kind.customfield_object:
        fields = customfields.attached(call, row.account_id, kind.customfield_object, row.doc)
        if fields:
            out["customfields"] = fields
    return out


def find(call: Call, kind: Kind, verb: str) -> Row:
    """The object named by ``uuid``, after the existence and permission checks."""
    call.params.require("uuid")
    needed, sysadmin = permission(kind, verb)
    if sysadmin:
        call.require_sysadmin()
    row = call.lookup(kind.name, call.params.get("uuid"))
    if row is None:
        raise ApiError("NOT_FOUND", "uuid")
    call.require(row.account_id or "", *needed)
    return row


def list_handler(kind: Kind) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        account = listed_account(call, kind)
        call.require(account.uuid, *permission(kind, "list")[0])
        source = stored(
            call.store,
            kind.name,
            lambda row: present(call, kind, row),
            kind.visible(),
            frozenset(f.name for f in kind.fields if f.ci),
            account_id=account.uuid,
        )
        if not kind.paged:
            return {kind.list_key: source.everything()}
        params = call.params
        narrowed = Params(
            {
                **params.raw,
                **{
                    f"filter.{n}.equals": params.text(n)
                    for n in kind.list_filters
                    if params.filled(n)
                },
            }
        )
        return paged_list(narrowed, kind.list_key, source)

    return handle


def get_handler(kind: Kind) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        return present(call, kind, find(call, kind, "get"))

    return handle


def add_handler(kind: Kind) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        params = call.params
        missing = [name for name in required(kind, "add") if not params.filled(name)]
        if not any(params.filled(name) for name in kind.scope_params):
            missing += kind.scope_params
        if missing:
            raise ApiError("MISSING_FIELDS", missing)
        needed, sysadmin = permission(kind, "add")
        if sysadmin:
            call.require_sysadmin()
        account, scoped = added_scope(call, kind)
        call.require(account.uuid, *needed)
        doc = {**kind.defaults(), **scoped, **given(kind, params, "add")}
        if kind.customfield_object:
            customfields.take_values(call, account.uuid, kind.customfield_object, doc)
        if kind.check is not None:
            kind.check(call, kind, doc, None, account)
        parent_id = doc[kind.parent] if kind.parent else None
        row = call.store.insert(kind.name, doc, account_id=account.uuid, parent_id=parent_id)
        call.memo[(kind.name, row.uuid)] = row
        extra = kind.after_add(call, row) if kind.after_add is not None else None
        return {"uuid": row.uuid, **(extra or {})}

    return handle


def set_handler(kind: Kind) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        call.params.require("uuid", *required(kind, "set"))
        row = find(call, kind, "set")
        old = Row(row.uuid, row.kind, row.account_id, row.parent_id, copy.deepcopy(row.doc))
        row.doc.update(given(kind, call.params, "set"))
        if kind.customfield_object:
            customfields.take_values(call, row.account_id, kind.customfield_object, row.doc)
        if kind.check is not None:
            account = call.lookup("account", row.account_id)
            kind.check(call, kind, row.doc, old, account)
        call.store.update(row)
        if kind.after_set is not None:
            kind.after_set(call, row, old)
        return {}

    return handle


def delete_handler(kind: Kind) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        row = find(call, kind, "delete")
        if kind.before_delete is not None:
            kind.before_delete(call, row)
        call.store.delete_children(row.uuid)
        call.store.delete(row.uuid)
        return {}

    return handle


MAKERS: dict[str, Callable[[Kind], Handler]] = {
    "list": list_handler,
    "get": get_handler,
    "add": add_handler,
    "set": set_handler,
    "delete": delete_handler,
}


def endpoints(kind: Kind) -> dict[str, Endpoint]:
    """``{"/role/list": Endpoint, ...}``: the generic endpoints of a kind and its extra ones."""
    table = {
        f"{kind.path}/{verb}": Endpoint(
            MAKERS[verb](kind),
            object_name=kind.name,
            list_key=kind.list_key if verb == "list" else None,
        )
        for verb in kind.endpoints
    }
    table.update({f"{kind.path}/{verb}": endpoint for verb, endpoint in kind.extra.items()})
    return table
