"""Dictionaries (``/dictionary/*``): lookup-and-replace tables, their entries and attachments.

From ``/dictionary/add``: ``object`` is one of Study|Order|User_account|Case|Patient
(INVALID_OBJECT); ``lookup`` and ``replace`` are JSON arrays (NOT_LIST) of field names or
custom field uuids of the account (INVALID_FIELD otherwise); ``case_sensitive`` a flag.
``/dictionary/set`` takes only ``name``. Get (and list: "the same fields as the
/dictionary/get call") adds ``account_id`` and ``attachments``, whose rows hold neither
``run_once``, ``delay`` nor ``global_counter``: the documentation does not list them there.

Entries hang off their dictionary: ``/entry/add`` adds or updates by lookup (the md5 of the
concatenated lookup values, folded when the dictionary is not case sensitive), or by the
regular expression when ``regexp`` (its ordering number) is given; the lookup must have one
value per lookup field (INVALID_LOOKUP). ``/entries`` is not paged. Attachments too: every
``/dictionary/attach`` makes a new row (the documentation does not say a second one is
refused), to the dictionary's account or a namespace of it.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError, parse_flag, parse_integer
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

OBJECTS = ("Study", "Order", "User_account", "Case", "Patient")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# "To wildcard match any lookup value use this regular expression /.*/": Perl-style.
DELIMITED = re.compile(r"/(.*)/([a-z]*)", re.DOTALL)
ATTACH_FLAGS = (
    "skip_if_lookup_unchanged",
    "skip_if_replace_has_value",
    "add_if_no_match",
    "approve_if_match",
)
UNLISTED_FLAGS = ("run_once", "global_counter")
"""Attach parameters /dictionary/get does not return (with ``delay``)."""
ENTRY = "dictionary_entry"
ATTACHMENT = "dictionary_attachment"


def _json_list(name: str, value: Any) -> list[Any]:
    """A JSON array parameter: NOT_LIST (naming it) for anything else."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ApiError("NOT_LIST", name) from None
    if not isinstance(value, list):
        raise ApiError("NOT_LIST", name)
    return value


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """The documented errors of add (set changes only the name)."""
    if old is not None:
        return
    if doc.get("object") not in OBJECTS:
        raise ApiError("INVALID_OBJECT", doc.get("object"))
    for name in ("lookup", "replace"):
        fields = _json_list(name, doc[name])
        for field in fields:
            if not _is_field(call, account, field):
                raise ApiError("INVALID_FIELD", field)
        doc[name] = fields


def _is_field(call: Call, account: Row, field: Any) -> bool:
    """A standard field name, or the uuid of one of the account's custom fields."""
    if not isinstance(field, str):
        return False
    if UUID.fullmatch(field):
        found = call.lookup("customfield", field)
        return found is not None and found.account_id == account.uuid
    return bool(FIELD_NAME.fullmatch(field))


def present(call: Call, row: Row, out: dict[str, Any]) -> None:
    """``account_id`` and the ``attachments`` array of get."""
    out["account_id"] = row.account_id
    out["attachments"] = [
        _attachment(call, a) for a in call.store.rows(ATTACHMENT, parent_id=row.uuid)
    ]


def _attachment(call: Call, row: Row) -> dict[str, Any]:
    """One attachment as get lists it: no run_once, delay or global_counter."""
    doc = row.doc
    target = "account_id" if doc.get("account_id") else "namespace_id"
    owner = call.lookup("account" if target == "account_id" else "namespace", doc[target])
    return {
        "uuid": row.uuid,
        target: doc[target],
        "name": owner.doc.get("name") if owner else None,
        "sequence": doc.get("sequence"),
        **{flag: doc.get(flag, 0) for flag in ATTACH_FLAGS},
    }


def _dictionary(call: Call, verb: str) -> Row:
    """The dictionary ``uuid`` names, after the documented permission check."""
    call.params.require("uuid")
    row = call.lookup("dictionary", call.params.get("uuid"))
    if row is None:
        raise ApiError("NOT_FOUND", "uuid")
    call.authorize(row.account_id or "")
    return row


def _digest(values: list[Any], case_sensitive: Any) -> str:
    """The md5 of the concatenated lookup values, the way the dictionary matches them."""
    text = "".join("" if v is None else str(v) for v in values)
    if not case_sensitive:
        text = text.casefold()
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - the API's own digest


def _key(dictionary: Row, lookup: Any) -> str:
    """What identifies an entry: its digest, or a regular expression's text."""
    if isinstance(lookup, list):
        return _digest(lookup, dictionary.doc.get("case_sensitive"))
    return f"regexp:{lookup}"


def _entry_rows(call: Call, dictionary: Row) -> dict[str, Row]:
    return {
        _key(dictionary, row.doc["lookup"]): row
        for row in call.store.rows(ENTRY, parent_id=dictionary.uuid)
    }


def entries(call: Call) -> dict[str, Any]:
    """``/dictionary/entries``: every entry (or the one ``lookup`` names), unpaged."""
    dictionary = _dictionary(call, "entries")
    rows = list(_entry_rows(call, dictionary).values())
    if call.params.filled("lookup"):
        wanted = _key(dictionary, _json_list("lookup", call.params.get("lookup")))
        rows = [r for r in rows if _key(dictionary, r.doc["lookup"]) == wanted]
    return {
        "entries": [
            {
                "lookup": r.doc["lookup"],
                "replace": r.doc["replace"],
                "md5": r.doc["md5"],
                "regexp": r.doc.get("regexp"),
            }
            for r in rows
        ]
    }


def entry_add(call: Call) -> dict[str, Any]:
    """``/dictionary/entry/add``: add, or update the entry with the same lookup."""
    call.params.require("uuid", "lookup", "replace")
    dictionary = _dictionary(call, "entry/add")
    params = call.params
    regexp = parse_integer("regexp", params.text("regexp")) if params.filled("regexp") else None
    lookup: Any
    if regexp is None:
        lookup = _json_list("lookup", params.get("lookup"))
        if len(lookup) != len(dictionary.doc["lookup"]):
            raise ApiError("INVALID_LOOKUP", len(lookup))
    else:
        lookup = params.text("lookup")
        _check_regexp(lookup)
    replace = _json_list("replace", params.get("replace"))
    key = _key(dictionary, lookup)
    digest = _digest(lookup if isinstance(lookup, list) else [lookup], True)
    doc = {"lookup": lookup, "replace": replace, "md5": digest, "regexp": regexp}
    existing = _entry_rows(call, dictionary).get(key)
    if existing is None:
        call.store.insert(ENTRY, doc, account_id=dictionary.account_id, parent_id=dictionary.uuid)
    else:
        existing.doc = doc
        call.store.update(existing)
    return {}


def _check_regexp(text: str) -> None:
    """INVALID_REGEXP (the subtype the regexp) unless ``/pattern/flags`` compiles."""
    match = DELIMITED.fullmatch(text)
    try:
        if match is None:
            raise re.error("not delimited by /")
        re.compile(match.group(1))
    except re.error:
        raise ApiError("INVALID_REGEXP", text) from None


def entry_delete(call: Call) -> dict[str, Any]:
    """``/dictionary/entry/delete``: by the JSON array of lookup values, or the regexp."""
    call.params.require("uuid", "lookup")
    dictionary = _dictionary(call, "entry/delete")
    text = call.params.text("lookup")
    rows = _entry_rows(call, dictionary)
    regexp = rows.get(f"regexp:{text}")
    if regexp is not None:
        call.store.delete(regexp.uuid)
        return {}
    found = rows.get(_key(dictionary, _json_list("lookup", text)))
    if found is None:
        raise ApiError("NOT_FOUND", "lookup")
    call.store.delete(found.uuid)
    return {}


def _attach_values(call: Call) -> dict[str, Any]:
    """The optional settings of attach and attach/set, as given."""
    params = call.params
    values: dict[str, Any] = {
        flag: parse_flag(flag, params.text(flag))
        for flag in (*ATTACH_FLAGS, *UNLISTED_FLAGS)
        if params.filled(flag)
    }
    for number in ("sequence", "delay"):
        if number in params:
            values[number] = parse_integer(number, params.text(number))
    return values


def attach(call: Call) -> dict[str, Any]:
    """``/dictionary/attach``: a new attachment row, to the account or one of its namespaces."""
    call.params.require("uuid")
    target = call.params.require_one_of("account_id", "namespace_id")
    dictionary = _dictionary(call, "attach")
    owner_id = call.params.text(target)
    owner = call.lookup("account" if target == "account_id" else "namespace", owner_id)
    if owner is None or (owner.account_id or owner.uuid) != dictionary.account_id:
        raise ApiError("NOT_FOUND", target)
    doc = {target: owner_id, "sequence": None, **_attach_values(call)}
    row = call.store.insert(
        ATTACHMENT, doc, account_id=dictionary.account_id, parent_id=dictionary.uuid
    )
    return {"uuid": row.uuid}


def _attachment_row(call: Call) -> Row:
    call.params.require("uuid")
    row = call.lookup(ATTACHMENT, call.params.get("uuid"))
    if row is None:
        raise ApiError("NOT_FOUND", "uuid")
    call.authorize(row.account_id or "")
    return row


def attach_set(call: Call) -> dict[str, Any]:
    """``/dictionary/attach/set``: the given settings of one attachment."""
    row = _attachment_row(call)
    row.doc.update(_attach_values(call))
    call.store.update(row)
    return {}


def detach(call: Call) -> dict[str, Any]:
    """``/dictionary/detach``: remove one attachment."""
    call.store.delete(_attachment_row(call).uuid)
    return {}


def seed_entries(context: SeedContext, uuid: str, items: list[dict[str, Any]]) -> None:
    """A seed dictionary's ``entries``: each sent to /dictionary/entry/add as written."""
    for item in items:
        context.call("/dictionary/entry/add", {"uuid": uuid, **item})


def seed_attachments(context: SeedContext, uuid: str, items: list[dict[str, Any]]) -> None:
    """A seed dictionary's ``attachments``: ``group``/``location`` by name, else the account."""
    for item in items:
        params = {k: v for k, v in item.items() if k not in ("group", "location")}
        owner = next((k for k in ("group", "location") if k in item), None)
        if owner is None:
            params["account_id"] = context.account_id
        else:
            row = context.named(owner, item[owner])
            if row is None:
                raise SeedError(f"seed: no {owner} named {item[owner]!r}")
            params["namespace_id"] = row.doc["namespace_id"]
        context.call("/dictionary/attach", {"uuid": uuid, **params})


DICTIONARY = Kind(
    "dictionary",
    "/dictionary",
    "dictionaries",
    [
        Field("name", add=REQUIRED, set=REQUIRED, ci=True),
        Field("object", add=REQUIRED, set=NO),
        Field("lookup", add=REQUIRED, set=NO),
        Field("replace", add=REQUIRED, set=NO),
        Field("case_sensitive", "flag", add=REQUIRED, set=NO, default=0),
    ],
    readonly=("account_id", "attachments"),
    extra={
        "entries": Endpoint(entries, object_name="entry", list_key="entries"),
        "entry/add": Endpoint(entry_add),
        "entry/delete": Endpoint(entry_delete),
        "attach": Endpoint(attach),
        "attach/set": Endpoint(attach_set),
        "detach": Endpoint(detach),
    },
    seed=Seeding("dictionaries", then={"entries": seed_entries, "attachments": seed_attachments}),
    check=check,
    present=present,
)
