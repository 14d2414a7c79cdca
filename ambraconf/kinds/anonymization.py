"""Anonymization: profiles (``/anonymization/*``), and what a namespace applies
(``/namespace/anonymize``: a profile by name, or rules of its own).

Rules are a mapping of study field to a Perl substitution (``patient_name: s/.*/ANON/``),
checked offline: the documented field names (did you mean), the ``s/…/…/`` shape and a
pattern that compiles. They come back from the API as JSON text, and with
``OTHER_INGRESS_TAGS`` expanded into one key per DICOM tag it stands for, keys set refuses
(API notes §3.15, §6.5): those are dropped when read, as Ambra's own cloner does, so they
never show as a change.

A profile's rules are read-only while a namespace is connected to it (``IN_USE``): a change
is sent as disconnect every namespace, set, connect each again (a ``Lock``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field, model_validator

from ambraconf.kinds.apimap import ApiMap, Hook, Lock
from ambraconf.kinds.base import (
    AT_KEY,
    Flag,
    Model,
    Name,
    ObjectModel,
    Problem,
    checked_mapping,
    describe,
    problem_error,
)
from ambraconf.kinds.codec import Names, as_flag, json_text, parse_json_text
from ambraconf.kinds.danger import Danger
from ambraconf.kinds.spec import KindSpec
from ambraconf.kinds.wiring import Api
from ambraconf.suggest import did_you_mean

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
    "OTHER_INGRESS_TAGS",
    "ALL_PRIVATE_TAGS",
)
"""/namespace/anonymize: "Valid field names are ... and the special fields
OTHER_INGRESS_TAGS and ALL_PRIVATE_TAGS"."""
_SUBSTITUTION = re.compile(r"s([^\w\s\\])((?:\\.|(?!\1).)*)\1((?:\\.|(?!\1).)*)\1([a-z]*)", re.S)
_EXPANDED_TAG = re.compile(r"\([0-9A-Fa-f]{4},[0-9A-Fa-f]{4}\)")
PROFILE_KIND = "anonymization_profile"
ANONYMIZE_PATH = "/namespace/anonymize"


def substitution_problem(regexp: Any) -> str | None:
    """What is wrong with one rule's value: "a substitution expression of the form
    s/.*/TEST/" whose pattern is a regular expression (None: nothing)."""
    if not isinstance(regexp, str):
        return f"expected a substitution like s/.*/ANON/, got {describe(regexp)}"
    found = _SUBSTITUTION.fullmatch(regexp)
    if found is None:
        return f"expected a substitution like s/.*/ANON/ (s, pattern, replacement), got {regexp!r}"
    try:
        re.compile(found.group(2))
    except re.error as exc:
        return f"the pattern {found.group(2)!r} is not a regular expression: {exc}"
    return None


def check_rules(values: dict[str, Any]) -> dict[str, Any]:
    """Field names the API takes (INVALID_FIELD_NAME) to substitutions (INVALID_REGEXP)."""
    result: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, regexp in values.items():
        if _EXPANDED_TAG.fullmatch(str(name)):
            hint = "the API takes no DICOM tags here: OTHER_INGRESS_TAGS stands for them"
            problems.append(((name,), f"unknown anonymization field {name!r}: {hint}", AT_KEY))
        elif name not in RULE_FIELDS:
            known = did_you_mean(str(name), RULE_FIELDS)
            problems.append(((name,), f"unknown anonymization field {name!r}{known}", AT_KEY))
        elif problem := substitution_problem(regexp):
            problems.append(((name,), problem))
        else:
            result[str(name)] = regexp
    if problems:
        raise problem_error(problems, "rules")
    return result


RULES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Study field to a substitution (s/<pattern>/<replacement>/); replaced "
    "whole, {} clears.",
    "properties": {name: {"type": "string", "pattern": "^s"} for name in RULE_FIELDS},
    "additionalProperties": False,
}
Rules = Annotated[dict[str, Any], checked_mapping(check_rules, RULES_SCHEMA)]


def rules_from_api(value: Any) -> Any:
    """The rules as the config writes them: JSON text parsed, DICOM tag keys (what
    ``OTHER_INGRESS_TAGS`` was expanded into) dropped; text that is not JSON stays text."""
    rules = parse_json_text(value)
    if rules is None:
        return {}
    if not isinstance(rules, dict):
        return rules
    return {k: v for k, v in rules.items() if not ("(" in k and "," in k)}


# --- /anonymization/* ---------------------------------------------------------------------


class AnonymizationProfile(ObjectModel):
    """An anonymization profile (``/anonymization/add``): rules namespaces connect to."""

    name: Annotated[Name, Api()]
    rules: Rules = Field(description="Study field to substitution, applied where connected.")


def _decode_rules(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    """A hook rather than a JSON field: the expanded DICOM tag keys are dropped as read."""
    if "rules" in raw:
        values["rules"] = rules_from_api(raw["rules"])


def _encode_rules(desired: dict[str, Any], params: dict[str, str], names: Names) -> None:
    if desired.get("rules") is not None:
        params["rules"] = json_text(desired["rules"])


def _connected(raw: dict[str, Any]) -> list[str]:
    """The namespaces connected to a live profile (its read-only ``namespaces``)."""
    return [
        str(ns["uuid"])
        for ns in raw.get("namespaces") or []
        if isinstance(ns, dict) and ns.get("uuid")
    ]


API = ApiMap(
    list_path="/anonymization/list",
    list_key="anonymization_profiles",
    add_path="/anonymization/add",
    set_path="/anonymization/set",
    delete_path="/anonymization/delete",
    hooks=(Hook(("rules",), decode=_decode_rules, encode=_encode_rules, params=("rules",)),),
    locks=(
        Lock(
            by=_connected,
            release=lambda namespace: (
                ANONYMIZE_PATH,
                {"uuid": namespace, "anonymization_id": ""},
            ),
            restore=lambda namespace, profile: (
                ANONYMIZE_PATH,
                {"uuid": namespace, "anonymization_id": profile},
            ),
            fields=frozenset({"rules"}),
            paths=(ANONYMIZE_PATH,),
        ),
    ),
)

SPEC = KindSpec(
    api=API,
    name=PROFILE_KIND,
    key="anonymization_profiles",
    title="anonymization profile",
    model=AnonymizationProfile,
    identity=("name",),
    dangers=(
        Danger(
            "anonymization",
            "changes the rules of an anonymization profile (every namespace connected to it)",
            fields={"rules": "changed"},
        ),
    ),
)


# --- /namespace/anonymize -----------------------------------------------------------------


class NamespaceAnonymization(Model):
    """``/namespace/anonymize``: what anonymization a namespace applies, a profile of the
    account by name or rules of its own (never both: the API answers ONLY_ONE,
    HAS_ANONYMIZATION_PROFILE, HAS_ANONYMIZATION_RULES). Connecting a profile clears the
    namespace's own rules; rules, ``{}`` too, disconnect its profile (read live, a connected
    namespace has no rules of its own, not even ``{}``, so ``rules: {}`` is a change there)."""

    profile: Name | None = Field(None, description="The anonymization profile, by name.")
    rules: Rules | None = Field(None, description="Rules of the namespace's own; {} clears.")
    prompt_for_anonymize: Flag | None = Field(
        None, description="Ask whether to apply the rules (ingress anonymization only)."
    )

    @model_validator(mode="after")
    def _profile_or_rules(self) -> NamespaceAnonymization:
        if self.profile is not None and self.rules:
            message = (
                "a namespace takes a profile or rules, not both (the API refuses both: "
                "ONLY_ONE); put the rules in the profile, or drop the profile"
            )
            raise problem_error([(("rules",), message, AT_KEY)], "anonymization")
        return self


def anonymization_from_api(reply: dict[str, Any], names: Names) -> dict[str, Any]:
    """The profile by name (a uuid no profile of the account has stays as read), the
    rules as the config writes them (none while a profile is connected: the namespace then
    has no rules of its own to compare ``rules: {}`` with), the prompt flag; read-only keys
    dropped."""
    profile = reply.get("anonymization_id")
    return {
        "profile": (names.name(PROFILE_KIND, str(profile)) or str(profile)) if profile else None,
        "rules": None if profile else rules_from_api(reply.get("rules")),
        "prompt_for_anonymize": as_flag(reply.get("prompt_for_anonymize")),
    }


def anonymization_to_api(values: dict[str, Any], names: Names) -> dict[str, str]:
    """The profile's uuid, or the rules (``{}`` clears them), and the prompt flag."""
    params: dict[str, str] = {}
    if values.get("profile") is not None:
        params["anonymization_id"] = names.uuid(PROFILE_KIND, values["profile"])
    elif values.get("rules") is not None:
        params["rules"] = json_text(values["rules"])
    if values.get("prompt_for_anonymize") is not None:
        params["prompt_for_anonymize"] = "1" if values["prompt_for_anonymize"] else "0"
    return params


def anonymization_clear(values: dict[str, Any], names: Names) -> dict[str, str] | None:
    """What the write's value excludes, cleared first: a profile goes in only once the
    namespace has no rules, rules only once it has no profile."""
    if values.get("profile") is not None:
        return {"rules": "{}"}
    if values.get("rules") is not None:
        return {"anonymization_id": ""}
    return None
