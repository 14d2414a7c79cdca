"""Account settings whose values hold uuids of the account's objects: written by name.

The settings table documents a dozen settings that name custom fields, roles or namespaces
by uuid (a CSV, a JSON list, a JSON hash...). Uuids differ from account to account, so a
settings block written with them does not carry from UAT to production. The config names
those objects instead, as everywhere else; ``NAMED_SETTINGS`` says, per setting, how its
value travels (``container``), where the objects sit inside it (``paths``) and how each is
spelled (``spelling``). From it come the references validate and plan follow
(``setting_references``), the conversion both ways (``setting_to_api``,
``setting_from_api``) and the shape check (``shape_problem``).

A uuid read live that names nothing of the account (a deleted object, another account's
namespace) is kept as the uuid, as route conditions keep theirs. A config may write a uuid
only where the documentation allows objects outside the account: namespaces ("Namespaces
from another account are allowed to be listed here"); a custom field or a role is named.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ambraconf.facts import ACCOUNT_SETTINGS, SettingFact
from ambraconf.kinds.base import OWN_NAMESPACE, UUID_RE
from ambraconf.kinds.codec import Names, parse_json_text, split_csv
from ambraconf.kinds.spec import ANY, Reference, RefPath, walk

_STUDY = (("object", "Study"),)
NAMESPACE_KINDS = ("group", "location")
CUSTOMFIELD_BY_NAME = r"customfield:(.+)"
"""A study field list's custom field as the config writes it (the API: customfield-<UUID>)."""


@dataclass(frozen=True)
class Spelling:
    """How one object sits in a value: the API's text for it and the config's.

    ``by_name``: the uuid itself, named by the object's name. ``prefixed``: a study field
    list's ``customfield-<UUID>``, written ``customfield:<name>`` as webhooks write it
    (other texts are study fields and pass). ``namespace``: a namespace uuid, written
    ``{group: <name>}`` or ``{location: <name>}`` as route actions write it, ``ACCOUNT``
    for the account's own, or kept as a uuid (another account's namespace).
    """

    style: str
    target: str = ""
    where: tuple[tuple[str, str], ...] = ()

    def references(self, path: RefPath, label: str) -> tuple[Reference, ...]:
        if self.style == "namespace":
            return tuple(Reference((*path, k), k, label=label) for k in NAMESPACE_KINDS)
        pattern = CUSTOMFIELD_BY_NAME if self.style == "prefixed" else None
        return (Reference(path, self.target, where=self.where, label=label, pattern=pattern),)

    def from_api(self, value: Any, names: Names) -> Any:
        if not isinstance(value, str):
            return value
        if self.style == "namespace":
            owner = names.namespace_owner(value)
            if owner:
                return {owner[0]: owner[1]}
            return OWN_NAMESPACE if names.is_own_namespace(value) else value
        if self.style == "prefixed":
            match = re.fullmatch(rf"customfield-({UUID_RE})", value)
            name = names.name("customfield", match.group(1)) if match else None
            return f"customfield:{name}" if name else value
        return names.name(self.target, value) or value

    def to_api(self, value: Any, names: Names) -> Any:
        if self.style == "namespace":
            if isinstance(value, dict) and len(value) == 1:
                kind, name = next(iter(value.items()))
                return names.namespace_id(kind, name)
            return names.own_namespace() if value == OWN_NAMESPACE else value
        if not isinstance(value, str):
            return value
        if self.style == "prefixed":
            match = re.fullmatch(CUSTOMFIELD_BY_NAME, value)
            return f"customfield-{names.uuid('customfield', match.group(1))}" if match else value
        return names.uuid(self.target, value)

    def problem(self, value: Any) -> str | None:
        """Why ``value`` cannot stand for an object here, or None."""
        if self.style != "namespace":
            return None if isinstance(value, str) else f"expected a {self.what}, got {value!r}"
        if value == OWN_NAMESPACE or isinstance(value, str) and re.fullmatch(UUID_RE, value):
            return None
        if (
            isinstance(value, dict)
            and len(value) == 1
            and next(iter(value)) in NAMESPACE_KINDS
            and isinstance(next(iter(value.values())), str)
        ):
            return None
        return (
            f"expected {{group: <name>}}, {{location: <name>}}, {OWN_NAMESPACE} or the uuid "
            f"of another account's namespace, got {value!r}"
        )

    @property
    def what(self) -> str:
        if self.style == "prefixed":
            return "study field or customfield:<custom field name>"
        return f"{self.target.replace('customfield', 'custom field')} name"


CUSTOMFIELD = Spelling("by_name", "customfield")
STUDY_CUSTOMFIELD = Spelling("by_name", "customfield", _STUDY)
STUDY_FIELD = Spelling("prefixed", "customfield", _STUDY)
ROLE = Spelling("by_name", "role")
NAMESPACE = Spelling("namespace")


@dataclass(frozen=True)
class NamedSetting:
    """One setting holding uuids: ``container`` is how its value travels (``csv``: a
    comma-separated text, a list in the config; ``json``: JSON text, YAML in the config;
    ``text``: the text itself), ``paths`` where the objects sit inside it."""

    setting: str
    container: str
    paths: tuple[RefPath, ...]
    spelling: Spelling


NAMED_SETTINGS: tuple[NamedSetting, ...] = (
    # "Comma-delimited list of customfield uuids" (which object's fields is not documented)
    NamedSetting("vanity_registration_customfields", "csv", ((ANY,),), CUSTOMFIELD),
    # "The first element is a customfield UUID and the second element is the 'stat' value"
    NamedSetting("study_stat_filter", "json", ((0,),), STUDY_CUSTOMFIELD),
    # "Ordinary study field name or a 'customfield-UUID'"
    NamedSetting("take_study_dedup_by_field", "text", ((),), STUDY_FIELD),
    # "JSON array of the field names ... e.g. ["patient_name","patientid","customfield-UUID"]"
    NamedSetting("update_all_studies", "json", ((ANY,),), STUDY_FIELD),
    # "The keys are study status tags and the values are a list of the role uuids"
    NamedSetting("study_status_role_tags", "json", ((ANY, ANY),), ROLE),
    NamedSetting("study_requestable_namespaces", "csv", ((ANY,),), NAMESPACE),
    NamedSetting("default_query_owner_namespace", "text", ((),), NAMESPACE),
    NamedSetting("take_study_source_namespace", "text", ((),), NAMESPACE),
    NamedSetting("athena_unsolicited_namespace", "text", ((),), NAMESPACE),
    NamedSetting("try_update_original_study_from_namespaces", "csv", ((ANY,),), NAMESPACE),
    NamedSetting("try_update_original_study_to_namespaces", "csv", ((ANY,),), NAMESPACE),
    # the CSV form; its other form, a hash keyed by namespace uuid, passes as written
    NamedSetting("update_phi_hl7_namespaces", "csv", ((ANY,),), NAMESPACE),
    # "namespaces • A list of uuid of the the namespaces to search for studies in"
    NamedSetting("update_accession_from_orm", "json", (("namespaces", ANY),), NAMESPACE),
    # "The hash must contain a key called namespace_id with the value the UUID of ..."
    NamedSetting("sso_second_opinion_workflow", "json", (("namespace_id",),), NAMESPACE),
    # "source_namespace contains a namespace UUID (or an array of namespace UUIDs)"
    NamedSetting(
        "patient_portal_options",
        "json",
        (("source_namespace",), ("source_namespace", ANY)),
        NAMESPACE,
    ),
)
BY_SETTING = {entry.setting: entry for entry in NAMED_SETTINGS}

_undocumented = [
    e.setting
    for e in NAMED_SETTINGS
    if e.setting not in ACCOUNT_SETTINGS or ACCOUNT_SETTINGS[e.setting].type != "text"
]
if _undocumented:  # the table above is checked against the documented one, like the kinds
    raise RuntimeError(f"not text settings of the settings table: {', '.join(_undocumented)}")


def setting_references(field: str, allowed: Callable[[SettingFact], bool]) -> tuple[Reference, ...]:
    """The references of a ``field`` of settings (``settings``, ``namespace_settings``)
    that may hold the settings ``allowed`` lets through."""
    return tuple(
        reference
        for entry in NAMED_SETTINGS
        if allowed(ACCOUNT_SETTINGS[entry.setting])
        for path in entry.paths
        for reference in entry.spelling.references(
            (field, entry.setting, *path), f"setting {entry.setting}"
        )
    )


def _at(value: Any, path: RefPath, change: Callable[[Any], Any]) -> Any:
    """``value`` with ``change`` applied at every place ``path`` matches (a copy)."""
    if not path:
        return change(value)
    head, rest = path[0], path[1:]
    if head == ANY and isinstance(value, list):
        return [_at(v, rest, change) for v in value]
    if head == ANY and isinstance(value, dict):
        return {k: _at(v, rest, change) for k, v in value.items()}
    if isinstance(head, int) and isinstance(value, list) and head < len(value):
        return [_at(v, rest, change) if i == head else v for i, v in enumerate(value)]
    if isinstance(head, str) and isinstance(value, dict) and head in value:
        return {k: _at(v, rest, change) if k == head else v for k, v in value.items()}
    return value


def shape_problem(name: str, value: Any) -> str | None:
    """Why a config value of setting ``name`` cannot be read for names, or None."""
    entry = BY_SETTING.get(name)
    if entry is None or value == "":
        return None
    if entry.container != "text" and isinstance(value, str):
        form = "a list" if entry.container == "csv" else "YAML (a list or a mapping)"
        return (
            f"setting '{name}' names objects of the account: write it as {form} "
            f"of names, not as text"
        )
    places = [place for path in entry.paths for place in walk(value, path)]
    whole = {at for at, item in places if entry.spelling.problem(item) is None}
    for at, item in places:
        # ``source_namespace`` is one namespace or a list of them, so both of its paths
        # match either: a place inside a good item is part of it (X in {group: X}), and a
        # place with places below it is the list holding them
        inside = any(at[:i] in whole for i in range(len(at)))
        if inside or any(len(o) > len(at) and o[: len(at)] == at for o, _ in places):
            continue
        problem = entry.spelling.problem(item)
        if problem:
            return f"setting '{name}': {problem}"
    return None


def setting_from_api(name: str, value: Any, names: Names) -> Any:
    """A live setting's value (text, or JSON read as a structure) with its objects by name."""
    entry = BY_SETTING.get(name)
    if entry is None or value is None or (isinstance(value, str) and not value.strip()):
        return value
    if value == ACCOUNT_SETTINGS[name].default:
        return value  # the documented default ("0" for vanity_registration_customfields)
    if entry.container == "csv":
        if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
            return value  # not the CSV form (update_phi_hl7_namespaces may be a hash)
        structure: Any = split_csv(value)
    elif entry.container == "json":
        structure = parse_json_text(value)
        if not isinstance(structure, list | dict):
            return value
    else:
        structure = value
    for path in entry.paths:
        structure = _at(structure, path, lambda v: entry.spelling.from_api(v, names))
    return structure


def setting_to_api(name: str, value: Any, names: Names) -> Any:
    """A config setting's value with its objects by uuid, as the API's text where the
    value is a CSV; JSON settings stay structures (``settings_to_api`` writes the JSON)."""
    entry = BY_SETTING.get(name)
    if entry is None or value == "":
        return value
    for path in entry.paths:
        value = _at(value, path, lambda v: entry.spelling.to_api(v, names))
    if entry.container == "csv" and isinstance(value, list):
        return ",".join(str(v) for v in value)
    return value
