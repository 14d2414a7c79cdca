"""Dictionary: a lookup-and-replace table applied to records as they are created or edited.

``/dictionary/set`` takes only the name, so ``object``, ``lookup``, ``replace`` and
``case_sensitive`` are add-only: changing one is a replace (a new uuid; the files' entries
and attachments are loaded into the new dictionary, and the old one goes with its own).
``lookup`` and ``replace`` list standard field names or custom fields, which the config
names ``customfield:<name>`` (the API: the custom field's uuid).

Entries and attachments are kept by endpoints of their own and read through bundled calls
per dictionary (``/dictionary/entries``, unpaged; ``/dictionary/get`` for ``attachments``).
Entries are a set keyed by lookup (``/entry/add`` adds or updates, ``/entry/delete`` deletes
by lookup); plans show the entries that differ and their counts. An attachment with
``add_if_no_match`` makes the dictionary grow at runtime, so the entries the files list are
then not all there is: live entries the files do not list are deleted only when the files'
attachments add none at runtime, or ``entries_exact: true`` says so. ``/dictionary/get``
does not return an attachment's ``run_once``, ``delay`` or ``global_counter``: they are sent
with every attach and attach/set, and never compared.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field, model_validator

from ambraconf.kinds.apimap import ApiMap, Companion, Hook, KeyedList
from ambraconf.kinds.base import (
    UUID_RE,
    Flag,
    Integer,
    Model,
    Name,
    ObjectModel,
    Problem,
    Text,
    TextOrList,
    one_of,
    problem_error,
)
from ambraconf.kinds.codec import Names, as_flag, json_text, parse_json_text
from ambraconf.kinds.setting_names import CUSTOMFIELD_BY_NAME
from ambraconf.kinds.spec import ANY, KindSpec, Reference, fold
from ambraconf.kinds.wiring import Api

OBJECTS = ("Study", "Order", "User_account", "Case", "Patient")
"""/dictionary/add: "Object this is applied against (Study|Order|User_account|Case|Patient)"."""
NAMESPACE_KINDS = ("group", "location")
ATTACH_FLAGS = (
    "skip_if_lookup_unchanged",
    "skip_if_replace_has_value",
    "add_if_no_match",
    "approve_if_match",
)
UNREAD = ("run_once", "delay", "global_counter")
"""Attach settings /dictionary/get does not return: sent, never compared."""


class DictionaryEntry(Model):
    """One entry (``/dictionary/entry/add``): lookup values to the values that replace them."""

    lookup: TextOrList = Field(
        description="One value per lookup field; with regexp, a regular expression like /^MR/."
    )
    replace: list[Text] = Field(
        description="The replacement values, one per replace field (literal or Text::Template)."
    )
    regexp: Integer | None = Field(
        None, description="Makes lookup a regular expression; regexps run lowest first."
    )

    @model_validator(mode="after")
    def _lookup_shape(self) -> DictionaryEntry:
        if self.regexp is not None and not isinstance(self.lookup, str):
            raise problem_error([(("lookup",), "a regexp entry's lookup is one text, /.../")])
        if self.regexp is None and isinstance(self.lookup, str):
            message = "expected a list of lookup values (or set regexp for a regular expression)"
            raise problem_error([(("lookup",), message)])
        return self


class DictionaryAttachment(Model):
    """Where the dictionary runs (``/dictionary/attach``): a group's or a location's
    namespace, or the whole account when neither is given."""

    group: Name | None = Field(None, description="Attach to this group's namespace.")
    location: Name | None = Field(None, description="Attach to this location's namespace.")
    sequence: Integer | None = Field(None, description="Attachments run from low to high.")
    skip_if_lookup_unchanged: Flag | None = None
    skip_if_replace_has_value: Flag | None = None
    add_if_no_match: Flag | None = Field(
        None, description="Add the lookup and replace values as an entry when nothing matches."
    )
    approve_if_match: Flag | None = None
    run_once: Flag | None = Field(None, description="Sent, never compared (get omits it).")
    delay: Integer | None = Field(None, description="Seconds; sent, never compared.")
    global_counter: Flag | None = Field(None, description="Sent, never compared.")

    @model_validator(mode="after")
    def _one_target(self) -> DictionaryAttachment:
        if self.group is not None and self.location is not None:
            raise problem_error([((), "an attachment names a group or a location, not both")])
        return self


FieldNames = Annotated[list[Text], Field(min_length=1)]


class Dictionary(ObjectModel):
    """A dictionary (``/dictionary/add``); only its name can change later."""

    name: Annotated[Name, Api()]
    object: Annotated[str, one_of(OBJECTS, "dictionary object"), Api(add_only=True)] = Field(
        description="The records it applies to (fixed once created)."
    )
    lookup: FieldNames = Field(
        description="Fields whose values are looked up: names, or customfield:<name>."
    )
    replace: FieldNames = Field(
        description="Fields a match replaces: names, or customfield:<name>."
    )
    case_sensitive: Annotated[Flag | None, Api(add_only=True, add_default=False)] = None
    entries: list[DictionaryEntry] | None = Field(
        None, description="The entries; see entries_exact for the ones the files do not list."
    )
    entries_exact: Flag | None = Field(
        None,
        description="Delete live entries the files do not list (default: only when no "
        "attachment in the files has add_if_no_match).",
    )
    attachments: list[DictionaryAttachment] | None = Field(
        None, description="The whole set of attachments (others are detached)."
    )

    @model_validator(mode="after")
    def _entries_and_attachments(self) -> Dictionary:
        """What the API would refuse (INVALID_LOOKUP) or do twice (a repeated attach makes a
        second attachment; two entries with one lookup are one entry)."""
        problems: list[Problem] = []
        seen: set[Any] = set()
        for i, entry in enumerate(self.entries or []):
            if isinstance(entry.lookup, list) and len(entry.lookup) != len(self.lookup):
                problems.append(
                    (
                        ("entries", i, "lookup"),
                        f"the dictionary looks up {len(self.lookup)} field(s), so each entry "
                        f"needs {len(self.lookup)} lookup value(s), not {len(entry.lookup)}",
                    )
                )
            key = entry_key(entry.model_dump(), {"case_sensitive": self.case_sensitive})
            if key in seen:
                problems.append((("entries", i, "lookup"), "another entry has the same lookup"))
            seen.add(key)
        targets: set[tuple[str, str]] = set()
        for i, attachment in enumerate(self.attachments or []):
            target = _target_of(attachment.model_dump())
            if target in targets:
                named = attachment.group or attachment.location
                where = f"{target[0]} {named!r}" if named else "the account"
                problems.append(
                    (("attachments", i), f"the dictionary is already attached to {where}")
                )
            targets.add(target)
        if problems:
            raise problem_error(problems, "dictionary")
        return self


def entry_key(item: dict[str, Any], values: dict[str, Any]) -> Any:
    """An entry's identity: its lookup values (folded unless the dictionary is case
    sensitive, as the API's lookup), or a regular expression's text."""
    lookup = item.get("lookup")
    if isinstance(lookup, list):
        if values.get("case_sensitive"):
            return tuple(str(v) for v in lookup)
        return tuple(fold(v) for v in lookup)
    return ("regexp", str(lookup))


def entries_whole(values: dict[str, Any]) -> bool:
    """Whether the files' entries are all there is: ``entries_exact`` says so, or else the
    files list the attachments and none adds entries at runtime."""
    exact = values.get("entries_exact")
    if exact is not None:
        return bool(exact)
    attachments = values.get("attachments")
    return attachments is not None and not any(a.get("add_if_no_match") for a in attachments)


ENTRIES = KeyedList(key=entry_key, whole=entries_whole)


def _target_of(item: dict[str, Any]) -> tuple[str, str]:
    """(``group``, name), (``location``, name) or (``account``, ""): where it is attached."""
    for kind in NAMESPACE_KINDS:
        if item.get(kind) is not None:
            return kind, fold(item[kind])
    return "account", ""


# --- lookup and replace: field names, custom fields by name ------------------------------


def _field_from_api(value: Any, names: Names) -> str:
    text = str(value)
    if re.fullmatch(UUID_RE, text):
        name = names.name("customfield", text)
        return f"customfield:{name}" if name else text
    return text


def _field_to_api(value: str, names: Names) -> str:
    match = re.fullmatch(CUSTOMFIELD_BY_NAME, value)
    return names.uuid("customfield", match.group(1)) if match else value


def _decode_fields(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    for name in ("lookup", "replace"):
        parsed = parse_json_text(raw.get(name))
        if isinstance(parsed, list):
            values[name] = [_field_from_api(v, names) for v in parsed]


def _encode_fields(desired: dict[str, Any], params: dict[str, str], names: Names) -> None:
    for name in ("lookup", "replace"):
        if desired.get(name) is not None:
            params[name] = json_text([_field_to_api(v, names) for v in desired[name]])


# --- entries -----------------------------------------------------------------------------


def entries_from_api(reply: dict[str, Any], names: Names) -> list[dict[str, Any]]:
    """``/dictionary/entries`` in the config's shape (the md5 is the API's own)."""
    result = []
    for row in reply.get("entries") or []:
        if not isinstance(row, dict):
            continue
        lookup = parse_json_text(row.get("lookup"))
        entry: dict[str, Any] = {
            "lookup": [str(v) for v in lookup] if isinstance(lookup, list) else str(lookup),
            "replace": [str(v) for v in parse_json_text(row.get("replace")) or []],
        }
        if row.get("regexp") not in (None, ""):
            entry["regexp"] = int(row["regexp"])
        result.append(entry)
    return result


def _lookup_param(lookup: Any) -> str:
    return json_text(lookup) if isinstance(lookup, list) else str(lookup)


def _sync_entries(
    desired: dict[str, Any], raw: dict[str, Any], uuid: str, names: Names
) -> list[tuple[str, dict[str, str]]]:
    """Entries added or changed are sent to /entry/add (an upsert by lookup); live ones the
    files do not list are deleted only when the files' entries are the whole set."""
    if desired.get("entries") is None:
        return []
    reply = raw.get("entries")
    live = entries_from_api(reply, names) if isinstance(reply, dict) else []
    found = ENTRIES.differences(desired["entries"], live, desired)
    calls = []
    for entry in [*found.added, *(wanted for _, wanted in found.changed)]:
        params = {
            "uuid": uuid,
            "lookup": _lookup_param(entry["lookup"]),
            "replace": json_text(entry["replace"]),
        }
        if entry.get("regexp") is not None:
            params["regexp"] = str(entry["regexp"])
        calls.append(("/dictionary/entry/add", params))
    calls.extend(
        ("/dictionary/entry/delete", {"uuid": uuid, "lookup": _lookup_param(e["lookup"])})
        for e in found.removed
    )
    return calls


# --- attachments -------------------------------------------------------------------------


def _live_attachments(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """The attachment rows of /dictionary/get (kept under ``attachments`` once read), or
    of the list, which documents the same fields."""
    kept = raw.get("attachments")
    rows = kept.get("attachments") if isinstance(kept, dict) else kept
    return [r for r in rows or [] if isinstance(r, dict)]


def _attachment_from_api(row: dict[str, Any], names: Names) -> dict[str, Any]:
    item: dict[str, Any] = {}
    namespace = row.get("namespace_id")
    if namespace:
        owner = names.namespace_owner(str(namespace))
        item = {owner[0]: owner[1]} if owner else {"namespace_id": str(namespace)}
    if row.get("sequence") not in (None, ""):
        item["sequence"] = int(row["sequence"])
    item.update({flag: as_flag(row[flag]) for flag in ATTACH_FLAGS if flag in row})
    return item


def attachments_from_api(reply: dict[str, Any], names: Names) -> list[dict[str, Any]]:
    """The ``attachments`` of /dictionary/get in the config's shape: the target by name."""
    return [_attachment_from_api(row, names) for row in _live_attachments(reply)]


def _target_params(item: dict[str, Any], names: Names) -> dict[str, str]:
    kind, _ = _target_of(item)
    if kind == "account":
        return {"account_id": names.own_account()}
    return {"namespace_id": names.namespace_id(kind, item[kind])}


def _is_row_of(row: dict[str, Any], target: dict[str, str]) -> bool:
    if "namespace_id" in target:
        return str(row.get("namespace_id") or "") == target["namespace_id"]
    return not row.get("namespace_id") and str(row.get("account_id")) == target["account_id"]


def _settings(item: dict[str, Any]) -> dict[str, str]:
    """The attach settings the config gives, flags as 1/0."""
    params = {}
    for name in ("sequence", *ATTACH_FLAGS, *UNREAD):
        value = item.get(name)
        if value is None:
            continue
        params[name] = str(int(value)) if isinstance(value, bool) else str(value)
    return params


def _sync_attachments(
    desired: dict[str, Any], raw: dict[str, Any], uuid: str, names: Names
) -> list[tuple[str, dict[str, str]]]:
    """Attach where the files name a target the dictionary is not attached to (never twice:
    a repeated attach makes a second row), set the attachments whose compared settings
    differ, and detach those the files do not list."""
    if desired.get("attachments") is None:
        return []
    live = _live_attachments(raw)
    calls: list[tuple[str, dict[str, str]]] = []
    for item in desired["attachments"]:
        target = _target_params(item, names)
        row = next((r for r in live if _is_row_of(r, target)), None)
        if row is None:
            calls.append(("/dictionary/attach", {"uuid": uuid, **target, **_settings(item)}))
            continue
        live.remove(row)
        have = _attachment_from_api(row, names)
        compared = {k: v for k, v in item.items() if k not in (*NAMESPACE_KINDS, *UNREAD)}
        if any(not _same_setting(v, have.get(k)) for k, v in compared.items()):
            calls.append(("/dictionary/attach/set", {"uuid": str(row["uuid"]), **_settings(item)}))
    calls.extend(("/dictionary/detach", {"uuid": str(r["uuid"])}) for r in live)
    return calls


def _same_setting(want: Any, have: Any) -> bool:
    if want is None:
        return True
    if isinstance(want, bool):
        return want == bool(have)
    return want == have


API = ApiMap(
    list_path="/dictionary/list",
    list_key="dictionaries",
    add_path="/dictionary/add",
    set_path="/dictionary/set",
    delete_path="/dictionary/delete",
    hooks=(
        Hook(
            ("lookup", "replace"),
            decode=_decode_fields,
            encode=_encode_fields,
            params=("lookup", "replace"),
            add_only=True,
        ),
        Hook(
            ("entries",),
            after_write=_sync_entries,
            paths=("/dictionary/entry/add", "/dictionary/entry/delete"),
        ),
        Hook(
            ("attachments",),
            after_write=_sync_attachments,
            paths=("/dictionary/attach", "/dictionary/attach/set", "/dictionary/detach"),
        ),
        # how the files' entries are meant (is any live entry left out to be deleted):
        # read by the entries' rule, sent nowhere, never compared
        Hook(("entries_exact",), compare=False),
    ),
    companions=(
        Companion("attachments", "/dictionary/get", "uuid", attachments_from_api),
        Companion("entries", "/dictionary/entries", "uuid", entries_from_api),
    ),
    partial_items=frozenset({"attachments"}),
    unread_item_keys={"attachments": frozenset(UNREAD)},
    keyed_lists={"entries": ENTRIES},
)

SPEC = KindSpec(
    api=API,
    name="dictionary",
    key="dictionaries",
    title="dictionary",
    plural_title="dictionaries",
    model=Dictionary,
    identity=("object", "name"),
    item_defaults={
        "attachments": {"sequence": None, **dict.fromkeys(ATTACH_FLAGS, False)},
        "entries": {"regexp": None},
    },
    references=(
        *(
            Reference(
                (name, ANY),
                "customfield",
                same=("object",),
                pattern=CUSTOMFIELD_BY_NAME,
                label=f"{name} field",
            )
            for name in ("lookup", "replace")
        ),
        *(
            Reference(("attachments", ANY, kind), kind, label="attachment")
            for kind in NAMESPACE_KINDS
        ),
    ),
)
