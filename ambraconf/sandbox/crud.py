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
from ambraconf.sandbox.listing import ListSource, paged_list
from ambraconf.sandbox.protocol import ApiError, Params, parse_flag, parse_integer, parse_json
from ambraconf.sandbox.schema import NO, REQUIRED, Field, Kind
from ambraconf.sandbox.store import Row

Handler = Callable[[Call], dict[str, Any]]


def coerce(field: Field, raw: str) -> Any:
    """Text from the wire to the stored value, with the documented error for bad text."""
    if field.type == "flag":
        return parse_flag(field.name, raw)
    if field.type == "int":
        return parse_integer(field.name, raw)
    if field.type == "json":
        return None if raw == "" else parse_json(field.name, raw)
    return raw


def given(kind: Kind, params: Params, mode: str) -> dict[str, Any]:
    """The fields of ``kind`` present in the call that ``mode`` (add or set) accepts."""
    values = {}
    for field in kind.fields:
        allowed = field.add if mode == "add" else field.set
        if allowed != NO and field.name in params:
            values[field.name] = coerce(field, params.text(field.name))
    return values


def required(kind: Kind, mode: str) -> list[str]:
    return [f.name for f in kind.fields if (f.add if mode == "add" else f.set) == REQUIRED]


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


def find(call: Call, kind: Kind, *, edit: bool) -> Row:
    """The object named by ``uuid``, after the existence and permission checks."""
    call.params.require("uuid")
    if edit and kind.sysadmin_edit:
        call.require_sysadmin()
    row = call.lookup(kind.name, call.params.get("uuid"))
    if row is None:
        raise ApiError("NOT_FOUND", "uuid")
    call.require(row.account_id, *(kind.edit if edit else kind.view))
    return row


def list_handler(kind: Kind) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        account = listed_account(call, kind)
        call.require(account.uuid, *kind.view)
        store = call.store

        def show(rows: list[Row]) -> list[dict[str, Any]]:
            return [present(call, kind, row) for row in rows]

        if not kind.paged:
            return {kind.list_key: show(store.rows(kind.name, account_id=account.uuid))}
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
        source = ListSource(
            count=lambda: store.count(kind.name, account_id=account.uuid),
            page=lambda offset, rows: show(
                store.rows(kind.name, account_id=account.uuid, limit=rows, offset=offset)
            ),
            everything=lambda: show(store.rows(kind.name, account_id=account.uuid)),
            fields=kind.visible(),
            ci=frozenset(f.name for f in kind.fields if f.ci),
        )
        return paged_list(narrowed, kind.list_key, source)

    return handle


def get_handler(kind: Kind) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        return present(call, kind, find(call, kind, edit=False))

    return handle


def add_handler(kind: Kind) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        params = call.params
        missing = [name for name in required(kind, "add") if not params.filled(name)]
        if not any(params.filled(name) for name in kind.scope_params):
            missing += kind.scope_params
        if missing:
            raise ApiError("MISSING_FIELDS", missing)
        if kind.sysadmin_edit:
            call.require_sysadmin()
        account, scoped = added_scope(call, kind)
        call.require(account.uuid, *kind.edit)
        doc = {**kind.defaults(), **scoped, **given(kind, params, "add")}
        if kind.customfield_object:
            customfields.take_values(call, account.uuid, kind.customfield_object, doc)
        if kind.check is not None:
            kind.check(call, kind, doc, None, account)
        row = call.store.insert(kind.name, doc, account_id=account.uuid)
        call.memo[(kind.name, row.uuid)] = row
        extra = kind.after_add(call, row) if kind.after_add is not None else None
        return {"uuid": row.uuid, **(extra or {})}

    return handle


def set_handler(kind: Kind) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        call.params.require("uuid", *required(kind, "set"))
        row = find(call, kind, edit=True)
        old = copy.deepcopy(row.doc)
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
        row = find(call, kind, edit=True)
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


def handlers(kind: Kind) -> dict[str, Handler]:
    """``{"/role/list": handler, ...}`` for the endpoints the kind has."""
    return {f"{kind.path}/{verb}": MAKERS[verb](kind) for verb in kind.endpoints}
