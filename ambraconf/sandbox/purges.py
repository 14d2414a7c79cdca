"""Purge rules (``/purge/*``) and ``/purge/run``, as documented.

Add requires ``name``, ``account_id``, ``days_old`` and ``days_old_how``; ``object`` (Study
by default, or Hl7) only add takes. ``days_old`` and ``max_deletes`` are numbers
(NOT_A_NUMBER) greater than zero (GT_ZERO, read as applying to both); ``days_old_how`` is
U, C or S and ``object`` Study or Hl7 (VALIDATION_FAILED naming the field); ``namespaces``
and ``modalities`` are JSON arrays (NOT_LIST on add; bad JSON is INVALID_JSON), each
namespace one of the account's (NOT_FOUND with its uuid: a namespace of another account is
read as not found for this rule); at most one of ``thin``, ``archive``, ``skinny``
(ONLY_ONE_FLAG, on the resulting rule); ``global`` only a sysadmin may set (NOT_PERMITTED).
Get adds ``account_id`` and ``namespaces_names``.

``/purge/run`` takes ``rule_id`` or ``account_id`` (NOT_FOUND for an unknown one) and
``dry_run``, and answers only ``status`` as documented: the real API queues a job and
emails its results. The sandbox holds no studies, so a run (dry or not) has nothing to
count or delete: it checks the call and answers OK.
"""

from __future__ import annotations

from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.namespaces import namespace_name
from ambraconf.sandbox.protocol import ApiError, parse_flag
from ambraconf.sandbox.routes import seed_namespace
from ambraconf.sandbox.schema import (
    NO,
    REQUIRED,
    Endpoint,
    Field,
    Kind,
    SeedContext,
    Seeding,
    flags,
)
from ambraconf.sandbox.store import Row

OBJECTS = ("Study", "Hl7")
DAYS_OLD_HOW = ("U", "C", "S")
ONE_OF = ("thin", "archive", "skinny")
NUMBERS = ("days_old", "max_deletes")
LISTS = ("namespaces", "modalities")


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """The documented rules of /purge/add and /purge/set, on the resulting rule."""
    for name in NUMBERS:
        doc[name] = _positive(name, doc.get(name))
    if doc.get("days_old_how") not in DAYS_OLD_HOW:
        raise ApiError("VALIDATION_FAILED", "days_old_how")
    if doc.get("object") not in OBJECTS:
        raise ApiError("VALIDATION_FAILED", "object")
    for name in LISTS:
        if doc.get(name) is not None and not isinstance(doc[name], list):
            raise ApiError("NOT_LIST" if old is None else "INVALID_JSON", name)
    for namespace_id in doc.get("namespaces") or []:
        namespace = call.lookup("namespace", str(namespace_id))
        if namespace is None or namespace.account_id != account.uuid:
            raise ApiError("NOT_FOUND", namespace_id)
    if sum(1 for name in ONE_OF if doc.get(name)) > 1:
        raise ApiError("ONLY_ONE_FLAG")
    if doc.get("global") and (old is None or not old.doc.get("global")) and not call.sysadmin:
        raise ApiError("NOT_PERMITTED")


def _positive(name: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ApiError("NOT_A_NUMBER", name) from None
    if number <= 0:
        raise ApiError("GT_ZERO", name)
    return number


def present(call: Call, row: Row, out: dict[str, Any]) -> None:
    """The read-only fields of /purge/get: the account and the namespaces' names."""
    out["account_id"] = row.account_id
    out["namespaces_names"] = [
        namespace_name(call, str(n)) for n in (row.doc.get("namespaces") or [])
    ]


def run(call: Call) -> dict[str, Any]:
    """``/purge/run``: one rule (``rule_id``) or all of an account's (``account_id``)."""
    params = call.params
    given = params.require_one_of("rule_id", "account_id")
    if given == "rule_id":
        rule = call.lookup("purge", params.get("rule_id"))
        if rule is None:
            raise ApiError("NOT_FOUND", "rule_id")
        account_id = rule.account_id or ""
    else:
        account = call.lookup("account", params.get("account_id"))
        if account is None:
            raise ApiError("NOT_FOUND", "account_id")
        account_id = account.uuid
    call.authorize(account_id)
    parse_flag("dry_run", params.get("dry_run", "0"))
    return {}


def seed_names(context: SeedContext, params: dict[str, Any]) -> dict[str, Any]:
    """A seed rule's ``namespaces`` may name groups and locations."""
    if isinstance(params.get("namespaces"), list):
        params = {
            **params,
            "namespaces": [seed_namespace(context, n) for n in params["namespaces"]],
        }
    return params


PURGE = Kind(
    "purge",
    "/purge",
    "purges",
    [
        Field("name", add=REQUIRED),
        Field("object", set=NO, default="Study"),
        Field("days_old", add=REQUIRED),
        Field("days_old_how", add=REQUIRED),
        Field("namespaces", "json"),
        Field("modalities", "json"),
        *flags("minors", "adults", "thin", "archive", "skinny", "owned_phr"),
        *flags("shared_from_phr", "suspended", "global"),
        Field("max_deletes"),
        Field("study_status_tags"),
    ],
    readonly=("account_id", "namespaces_names"),
    seed=Seeding("purges", prepare=seed_names),
    check=check,
    present=present,
    extra={"run": Endpoint(run)},
)
