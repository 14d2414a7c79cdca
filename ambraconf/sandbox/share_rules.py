"""Share rules: who in an account may share with whom (``/account/can/share*``).

A rule is the tuple (``by_type``, ``by_id``, ``with_type``, ``with_id``), types
user|account|group|location, ids of those objects (the data dictionary's
``account_can_share`` holds one foreign key per type, not namespaces). There is no uuid
and no set: ``/account/can/share`` adds one, ``/stop`` removes it with the same five
parameters, ``/list`` returns them all, unpaged, with ``by_name`` and ``with_name``.

Where the documentation is silent the sandbox decides, and docs/sandbox.md says so:

- the "by" object and a "with" user, group or location belong to the account (a user is
  one of its account users, named by their user id); a "by" account is the account
  itself, a "with" account any account (sharing with another organisation);
- a repeated share is idempotent (OK, still one rule): the documented errors have no
  ALREADY_EXISTS, and the table has no uniqueness a second row would break;
- stopping a rule that does not exist answers OK: there is nothing left to stop;
- a rule whose object has since been deleted is no longer listed (its foreign key is
  gone with the object).
"""

from __future__ import annotations

from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import Endpoint, Kind, SeedContext, Seeding
from ambraconf.sandbox.store import Row

TYPES = ("user", "account", "group", "location")
RULE = ("by_type", "by_id", "with_type", "with_id")


def _account(call: Call) -> Row:
    """The rules' account, after the documented MISSING_FIELDS and NOT_FOUND checks."""
    call.params.require("account_id")
    account = call.lookup("account", call.params.get("account_id"))
    if account is None:
        raise ApiError("NOT_FOUND", "account_id")
    return account


def _party(call: Call, account: Row, type_: str, uuid: str, side: str) -> Row | None:
    """The object a rule's side names, if the account may name it (see the module)."""
    if type_ == "user":
        return call.membership(account.uuid, uuid) and call.lookup("user", uuid)
    row = call.lookup(type_, uuid)
    if row is None:
        return None
    if type_ == "account":
        return row if side == "with" or row.uuid == account.uuid else None
    return row if row.account_id == account.uuid else None


def _rule(call: Call) -> tuple[Row, dict[str, str]]:
    """The account and the rule a share or a stop names, checked in the documented order."""
    call.params.require("account_id", *RULE)
    account = _account(call)
    call.authorize(account.uuid)
    rule = {name: call.params.get(name) or "" for name in RULE}
    for side in ("by", "with"):
        if rule[f"{side}_type"] not in TYPES:
            raise ApiError("INVALID_TYPE", rule[f"{side}_type"])
    for side, error in (("by", "BY_NOT_FOUND"), ("with", "WITH_NOT_FOUND")):
        if _party(call, account, rule[f"{side}_type"], rule[f"{side}_id"], side) is None:
            raise ApiError(error)
    return account, rule


def _matching(call: Call, account: Row, rule: dict[str, str]) -> list[Row]:
    return [
        row
        for row in call.store.rows("share_rule", account_id=account.uuid)
        if all(row.doc.get(name) == value for name, value in rule.items())
    ]


def share(call: Call) -> dict[str, Any]:
    account, rule = _rule(call)
    if not _matching(call, account, rule):
        call.store.insert("share_rule", rule, account_id=account.uuid)
    return {}


def stop(call: Call) -> dict[str, Any]:
    account, rule = _rule(call)
    for row in _matching(call, account, rule):
        call.store.delete(row.uuid)
    return {}


def rules(call: Call) -> dict[str, Any]:
    account = _account(call)
    call.authorize(account.uuid)
    listed = []
    for row in call.store.rows("share_rule", account_id=account.uuid):
        out = {name: row.doc[name] for name in RULE}
        parties = {s: _party(call, account, out[f"{s}_type"], out[f"{s}_id"], s) for s in _SIDES}
        if all(parties.values()):
            listed.append(out | {f"{s}_name": p.doc.get("name") for s, p in parties.items() if p})
    return {"rules": listed}


_SIDES = ("by", "with")


def _seeded(context: SeedContext, entry: dict[str, Any]) -> dict[str, Any]:
    """A seed rule names its objects as the config does: ``by_type`` and ``by`` (an email
    for a user, a name otherwise, the account's own name for the account), or ``by_id``."""
    params = dict(entry)
    for side in _SIDES:
        name = params.pop(side, None)
        if name is None:
            continue
        type_ = params.get(f"{side}_type")
        if type_ == "user":
            params[f"{side}_id"] = context.user(name)
        elif type_ == "account":
            params[f"{side}_id"] = context.account_id
        else:
            params[f"{side}_id"] = context.uuid(str(type_), name)
    return params


SHARE_RULE = Kind(
    "share_rule",
    "/account/can",
    "rules",
    [],
    paged=False,
    endpoints=(),
    extra={
        "share": Endpoint(share),
        "share/stop": Endpoint(stop),
        "share/list": Endpoint(rules, object_name="rule", list_key="rules"),
    },
    seed=Seeding("share_rules", verb="share", prepare=_seeded),
)
