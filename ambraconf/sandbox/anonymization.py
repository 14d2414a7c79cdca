"""Anonymization: profiles (``/anonymization/*``) and what a namespace applies
(``/namespace/anonymize``), with the rules that tie them.

A namespace (an account's, a group's or a location's) either has anonymization rules of its
own or is connected to a profile of its account, never both: ONLY_ONE when one call gives
both non-empty, HAS_ANONYMIZATION_PROFILE for rules while a profile is connected,
HAS_ANONYMIZATION_RULES for a profile while rules are set (both judged on the namespace as
it is before the call). An empty ``anonymization_id`` disconnects, ``rules={}`` clears.
A profile's rules are read-only while a namespace is connected to it (IN_USE on a set that
gives rules, and on delete).

Rules come back from get as JSON text, and with ``OTHER_INGRESS_TAGS`` expanded into one
key per DICOM tag it stands for, which set refuses as INVALID_FIELD_NAME (API notes §3.15,
§6.5); the tags are the account's ``other_ingress_tags`` setting, or ``DEFAULT_OTHER_TAGS``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ambraconf.facts import STUDY_DICOM_FIELDS
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError, parse_flag, parse_json
from ambraconf.sandbox.schema import REQUIRED, Field, Kind, Seeding
from ambraconf.sandbox.store import Row

RULE_FIELDS = (
    "patient_name",
    "patient_sex",
    "patient_birth_date",
    "patient_address",
    "accession_number",
    "study_description",
    "study_date",
    "patientid",
    "referring_physician",
)
OTHER_TAGS = "OTHER_INGRESS_TAGS"
META_FIELDS = (OTHER_TAGS, "ALL_PRIVATE_TAGS")
DEFAULT_OTHER_TAGS = ("(0008,0080)", "(0008,0081)", "(0008,1040)", "(0010,1000)", "(0010,2160)")
"""The sandbox's stand-in for "a large number of other DICOM tags" (institution name and
address, department, other patient ids, ethnic group), used while the account's
``other_ingress_tags`` setting is empty."""
SUBSTITUTION = re.compile(r"s([^\w\s\\])((?:\\.|(?!\1).)*)\1((?:\\.|(?!\1).)*)\1([a-z]*)", re.S)
"""``s/.*/TEST/``: "a substitution expression of the form s/.*/TEST/" (any delimiter)."""
NAMESPACE_PARAMS = ("rules", "anonymization_id", "prompt_for_anonymize")


def check_rules(rules: Any, *, fields_checked: bool) -> dict[str, str]:
    """A rules hash: NOT_HASH; with ``fields_checked`` (the namespace endpoint, which
    documents them) INVALID_FIELD_NAME and INVALID_REGEXP too."""
    if not isinstance(rules, dict):
        raise ApiError("NOT_HASH", "rules")
    if not fields_checked:
        return rules
    for name, regexp in rules.items():
        if name not in RULE_FIELDS and name not in META_FIELDS:
            raise ApiError("INVALID_FIELD_NAME", name)
        if not is_substitution(regexp):
            raise ApiError("INVALID_REGEXP", regexp)
    return rules


def is_substitution(regexp: Any) -> bool:
    """``s/<pattern>/<replacement>/<flags>`` whose pattern compiles."""
    found = SUBSTITUTION.fullmatch(regexp) if isinstance(regexp, str) else None
    if found is None:
        return False
    try:
        re.compile(found.group(2))
    except re.error:
        return False
    return True


def rules_as_read(call: Call, account_id: str | None, rules: dict[str, Any] | None) -> str:
    """The JSON text get returns, ``OTHER_INGRESS_TAGS`` expanded into its tags."""
    shown = dict(rules or {})
    if OTHER_TAGS in shown:
        for tag in other_tags(call, account_id):
            shown.setdefault(tag, shown[OTHER_TAGS])
    return json.dumps(shown)


def other_tags(call: Call, account_id: str | None) -> list[str]:
    account = call.lookup("account", account_id)
    text = ((account.doc.get("settings") or {}) if account else {}).get("other_ingress_tags")
    try:
        tags = json.loads(text) if text else None
    except ValueError:
        tags = None
    return [str(t) for t in tags] if isinstance(tags, list) and tags else list(DEFAULT_OTHER_TAGS)


def connected(call: Call, profile: Row) -> list[Row]:
    """The namespaces connected to a profile."""
    return call.store.find(
        "namespace", "anonymization_id", profile.uuid, account_id=profile.account_id
    )


def check_profile(
    call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row
) -> None:
    """NOT_HASH on add and set; IN_USE for a set giving rules while namespaces use it."""
    check_rules(doc.get("rules"), fields_checked=False)
    if old is not None and "rules" in call.params and connected(call, old):
        raise ApiError("IN_USE", [ns.uuid for ns in connected(call, old)])


def present_profile(call: Call, row: Row, out: dict[str, Any]) -> None:
    out["account_id"] = row.account_id
    out["rules"] = rules_as_read(call, row.account_id, row.doc.get("rules"))
    out["namespaces"] = [
        {"uuid": ns.uuid, "name": ns.doc.get("name")} for ns in connected(call, row)
    ]


def before_delete(call: Call, row: Row) -> None:
    users = connected(call, row)
    if users:
        raise ApiError("IN_USE", [ns.uuid for ns in users])


PROFILE = Kind(
    "anonymization",
    "/anonymization",
    "anonymization_profiles",
    [
        Field("name", add=REQUIRED, ci=True),
        Field("rules", "json", add=REQUIRED, default={}),
    ],
    readonly=("account_id", "namespaces"),
    seed=Seeding("anonymization_profiles"),
    check=check_profile,
    present=present_profile,
    before_delete=before_delete,
)


def namespace_anonymize(call: Call) -> dict[str, Any]:
    """/namespace/anonymize: ``uuid`` alone reads (account_view); ``rules``,
    ``anonymization_id`` or ``prompt_for_anonymize`` set (account_edit)."""
    call.params.require("uuid")
    namespace = call.lookup("namespace", call.params.get("uuid"))
    if namespace is None:
        raise ApiError("NOT_FOUND", "namespace")
    account_id = namespace.account_id or ""
    sets = any(name in call.params for name in NAMESPACE_PARAMS)
    if sets:
        call.require(account_id, "account_edit")
    else:
        call.require(account_id, "account_view")
    doc = namespace.doc
    rules = _given_rules(call)
    profile = _given_profile(call, account_id)
    if rules and profile:
        raise ApiError("ONLY_ONE")
    if rules and doc.get("anonymization_id"):
        raise ApiError("HAS_ANONYMIZATION_PROFILE")
    if profile and doc.get("anonymize_rules"):
        raise ApiError("HAS_ANONYMIZATION_RULES")
    if rules is not None:
        doc["anonymize_rules"] = rules
    if profile is not None:
        doc["anonymization_id"] = profile or None
    if "prompt_for_anonymize" in call.params:
        flag = call.params.text("prompt_for_anonymize")
        doc["prompt_for_anonymize"] = parse_flag("prompt_for_anonymize", flag)
    if sets:
        call.store.update(namespace)
    return _anonymize_reply(call, namespace)


def _given_rules(call: Call) -> dict[str, Any] | None:
    if "rules" not in call.params:
        return None
    return check_rules(parse_json("rules", call.params.text("rules") or "{}"), fields_checked=True)


def _given_profile(call: Call, account_id: str) -> str | None:
    """The profile to connect ("" disconnects), None when the call does not say."""
    if "anonymization_id" not in call.params:
        return None
    uuid = call.params.text("anonymization_id")
    if uuid:
        profile = call.lookup("anonymization", uuid)
        if profile is None or profile.account_id != account_id:
            raise ApiError("NOT_FOUND", "anonymization")
    return uuid


def _anonymize_reply(call: Call, namespace: Row) -> dict[str, Any]:
    doc = namespace.doc
    at_ingress = _at_ingress(call, namespace)
    reply: dict[str, Any] = {
        "rules": rules_as_read(call, namespace.account_id, doc.get("anonymize_rules")),
        "anonymization_id": doc.get("anonymization_id"),
        "prompt_for_anonymize": doc.get("prompt_for_anonymize", 0),
        "anonymize_at_ingress": at_ingress,
    }
    if at_ingress:
        reply["dicom_tag_map"] = {name: STUDY_DICOM_FIELDS[name] for name in RULE_FIELDS}
    return reply


def _at_ingress(call: Call, namespace: Row) -> int:
    """The namespace's ``anonymize_at_ingress`` override, else the account's setting."""
    value = (namespace.doc.get("settings") or {}).get("anonymize_at_ingress")
    if value is None:
        account = call.lookup("account", namespace.account_id)
        value = ((account.doc.get("settings") or {}) if account else {}).get("anonymize_at_ingress")
    return 1 if str(value) == "1" else 0
