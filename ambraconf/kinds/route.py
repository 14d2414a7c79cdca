"""Route (routing rule): conditions on incoming studies and the actions to take on a match."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field, PlainValidator, WithJsonSchema, model_validator

from ambraconf.facts import (
    ROUTE_CONDITION_LVS,
    ROUTE_CONDITION_OPS,
    ROUTE_LV_TRANSFORMS,
    SCHEDULE_TIMEZONES,
    is_route_condition_lv,
)
from ambraconf.kinds.apimap import ApiMap, Hook
from ambraconf.kinds.base import (
    OWN_NAMESPACE,
    Flag,
    Integer,
    Model,
    Name,
    ObjectModel,
    Problem,
    Text,
    TextOrList,
    describe,
    exactly_one,
    fail,
    one_of,
    pattern_text,
    problem_error,
)
from ambraconf.kinds.codec import Names, json_text, parse_json_text, split_csv
from ambraconf.kinds.spec import ANY, KindSpec, Reference
from ambraconf.kinds.wiring import Api
from ambraconf.suggest import did_you_mean

PHYSICIAN_ALIAS = "PHYSICIAN_ALIAS"
NAMESPACE_SPECIALS = ("PERSONAL", "GROUP", "LOCATION")
"""Namespace action targets the API takes as words, resolved by the study's PHYSICIAN_ALIAS."""
ACCOUNT = OWN_NAMESPACE
Clock = Annotated[str, pattern_text(r"([01]\d|2[0-3]):[0-5]\d", "a time as HH:MM (24 hour clock)")]
NAMED_LVS = {
    "customfield": ("customfield", "custom field"),
    "validate": ("validation_rule", "validation rule"),
}
"""Left values the API gives as ``<key>-<UUID>`` and a condition names by name instead, with
``<key>: <name>``: the kind named, and what people call it."""
_LVS = sorted(ROUTE_CONDITION_LVS)
_LV_HINT = "a study field (modality, study_description...) or hl7_SEG_N[_N]"


class Condition(Model):
    """``{lv, op, rv, lv_transform}``; a custom field is named with ``customfield:`` instead
    of ``lv: customfield-<UUID>``, a validation rule (its study's score) with ``validate:``
    instead of ``lv: validate-<UUID>``: uuids differ from account to account."""

    lv: Text | None = Field(None, description=f"Left value: {_LV_HINT}.")
    customfield: Name | None = Field(None, description="Left value: a Study custom field, by name.")
    validate_rule: Name | None = Field(
        None,
        alias="validate",
        description="Left value: the study's score by this validation rule, by name.",
    )
    op: Annotated[str, one_of(ROUTE_CONDITION_OPS, "operator")]
    rv: TextOrList = Field(description="Right value; a list only with op 'in'; PHYSICIAN_ALIAS.")
    lv_transform: Annotated[str, one_of(ROUTE_LV_TRANSFORMS, "lv_transform")] | None = None

    @model_validator(mode="after")
    def _operands(self) -> Condition:
        problems: list[Problem] = []
        operands = {"lv": self.lv, "customfield": self.customfield, "validate": self.validate_rule}
        either = exactly_one(operands, operands, "a condition")
        if either:
            problems.append(((), either))
        lv = self.lv or ""
        named = next((key for key in NAMED_LVS if lv.startswith(f"{key}-")), None)
        if named:
            what = NAMED_LVS[named][1]
            problems.append((("lv",), f"name the {what} instead: {named}: <{what} name>"))
        elif self.lv is not None and not is_route_condition_lv(self.lv):
            problems.append(
                (
                    ("lv",),
                    f"unknown left value {self.lv!r}{did_you_mean(self.lv, _LVS)}",
                )
            )
        if isinstance(self.rv, list) and self.op != "in":
            problems.append((("rv",), f"a list of values needs op 'in', not '{self.op}'"))
        if self.rv == PHYSICIAN_ALIAS and self.op != "equals":
            problems.append((("op",), "PHYSICIAN_ALIAS works only with op 'equals'"))
        if problems:
            raise problem_error(problems, "condition")
        return self


class NamespaceRef(Model):
    """A group or a location of the account, by name."""

    group: Name | None = None
    location: Name | None = None

    @model_validator(mode="after")
    def _one(self) -> NamespaceRef:
        problem = exactly_one(self.__dict__, ("group", "location"), "a namespace")
        if problem:
            raise problem_error([((), problem)], "namespace")
        return self


def _namespace_target(value: Any) -> str | NamespaceRef:
    if isinstance(value, str):
        if value not in (ACCOUNT, *NAMESPACE_SPECIALS):
            raise fail(
                f"expected {{group: <name>}}, {{location: <name>}}, {ACCOUNT} or one of "
                f"{', '.join(NAMESPACE_SPECIALS)}, got {describe(value)}"
            )
        return value
    if isinstance(value, dict):
        return NamespaceRef.model_validate(value)
    raise fail(f"expected {{group: <name>}} or {{location: <name>}}, got {describe(value)}")


def _other_namespace(value: Any) -> str | NamespaceRef:
    if value == ACCOUNT:
        return value
    if isinstance(value, dict):
        return NamespaceRef.model_validate(value)
    raise fail(
        f"expected {{group: <name>}}, {{location: <name>}} or {ACCOUNT}, got {describe(value)}"
    )


_NAMESPACE_REF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"group": {"type": "string"}, "location": {"type": "string"}},
    "additionalProperties": False,
    "minProperties": 1,
    "maxProperties": 1,
}
NamespaceTarget = Annotated[
    Any,
    PlainValidator(_namespace_target),
    WithJsonSchema({"anyOf": [{"enum": [ACCOUNT, *NAMESPACE_SPECIALS]}, _NAMESPACE_REF_SCHEMA]}),
]
OtherNamespace = Annotated[
    Any,
    PlainValidator(_other_namespace),
    WithJsonSchema({"anyOf": [{"enum": [ACCOUNT]}, _NAMESPACE_REF_SCHEMA]}),
]


class Action(Model):
    """One action, a single-key mapping as in the API; targets are named, not uuids."""

    destination: Name | None = Field(None, description="Push to this destination (by name).")
    first_working_destination: list[Name] | None = Field(
        None, description="Push to the first destination whose gateway answers."
    )
    destination_hl7_orm: Name | None = Field(None, description="Send an HL7 ORM to it.")
    share_code: Text | None = None
    namespace: NamespaceTarget | None = Field(
        None,
        description="Share into {group: X}, {location: X}, ACCOUNT (the account's own "
        "namespace), or PERSONAL/GROUP/LOCATION.",
    )
    webhook: Name | None = Field(None, description="Run this webhook (by name).")
    share_email: Text | None = Field(None, description="An email address or USER_ENTRY.")

    @model_validator(mode="after")
    def _one(self) -> Action:
        problem = exactly_one(self.__dict__, _ACTION_KINDS, "an action")
        if problem:
            raise problem_error([((), problem)], "action")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in _ACTION_KINDS if getattr(self, k) is not None)


_ACTION_KINDS = tuple(Action.model_fields)
"""An action's fields, one per kind of action: asked of each of a config's actions (100,000
at 500 accounts) twice as it is validated, where pydantic's ``model_fields`` on the class is
a descriptor call each time."""


class RouteOptions(Model):
    bypass_approval: Flag | None = None
    round_robin: Annotated[str, one_of(("namespace", "destination"), "round_robin")] | None = None
    first_working_ping: Integer | None = Field(None, ge=0, description="Seconds (default 15).")
    hl7_report_physician_alias_regexp: Text | None = None


class Schedule(Model):
    """When the rule applies; outside it the rule is skipped (or delayed)."""

    start: Clock | None = Field(None, description="HH:MM, 24 hour clock.")
    stop: Clock | None = Field(None, description="HH:MM, 24 hour clock.")
    mon: Flag | None = None
    tue: Flag | None = None
    wed: Flag | None = None
    thu: Flag | None = None
    fri: Flag | None = None
    sat: Flag | None = None
    sun: Flag | None = None
    tz: Annotated[str, one_of(SCHEDULE_TIMEZONES, "time zone")] | None = None
    invert: Flag | None = Field(None, description="Run outside the scheduled times instead.")


_ON_THIN_INVALID = ("destination", "first_working_destination")


class Route(ObjectModel):
    """A routing rule (``/route/add``). It belongs to the account, or to the group or
    location named by ``group:``/``location:``; that cannot change once created."""

    name: Annotated[Name, Api()]
    group: Name | None = Field(None, description="The group the rule belongs to.")
    location: Name | None = Field(None, description="The location the rule belongs to.")
    conditions: list[Condition] = Field(
        default_factory=list, description="All must match; none matches every study."
    )
    actions: list[Action] = Field(min_length=1)
    options: Annotated[RouteOptions | None, Api()] = None
    schedule: Annotated[Schedule | None, Api()] = None
    # /route/add requires both; a config that leaves them out means "no"
    on_share: Annotated[Flag | None, Api(add_default=False)] = None
    on_harvest: Annotated[Flag | None, Api(add_default=False)] = None
    on_upload: Annotated[Flag | None, Api()] = None
    on_manual_route: Annotated[Flag | None, Api()] = None
    on_thin: Annotated[Flag | None, Api()] = None
    no_re_run: Annotated[Flag | None, Api()] = None
    only_re_run: Annotated[Flag | None, Api()] = None
    suspended: Annotated[Flag | None, Api()] = None
    delay: Annotated[Integer | None, Api()] = Field(None, ge=0, description="Minutes.")
    delay_seconds: Annotated[Integer | None, Api()] = Field(None, ge=0)
    delay_till_schedule: Annotated[Flag | None, Api()] = None
    other_namespaces: list[OtherNamespace] | None = Field(
        None, description="Also run for these: {group: X}, {location: X}, ACCOUNT."
    )
    manual_roles: Annotated[list[Name] | None, Api(codec="refs_csv", ref="role")] = Field(
        None, description="Roles that may run it manually."
    )
    delay_from_study_field: Annotated[Text | None, Api()] = None
    delay_from_study_seconds: Annotated[Integer | None, Api()] = None

    @model_validator(mode="after")
    def _documented_rules(self) -> Route:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if self.group and self.location:
            problems.append((("location",), "a route belongs to a group or a location, not both"))
        if self.no_re_run and self.only_re_run:
            problems.append((("only_re_run",), "no_re_run and only_re_run exclude each other"))
        physician_alias = any(c.rv == PHYSICIAN_ALIAS for c in self.conditions)
        for index, action in enumerate(self.actions):
            kind = action.kind
            if self.on_thin and kind in _ON_THIN_INVALID:
                problems.append(
                    (("actions", index, kind), f"'{kind}' is not valid on an on_thin rule")
                )
            if (
                kind == "namespace"
                and action.namespace in NAMESPACE_SPECIALS
                and not physician_alias
            ):
                problems.append(
                    (
                        ("actions", index, kind),
                        f"{action.namespace} needs a condition with rv PHYSICIAN_ALIAS",
                    )
                )
            if (
                kind == "share_email"
                and action.share_email == "USER_ENTRY"
                and not self.on_manual_route
            ):
                problems.append(
                    (("actions", index, kind), "USER_ENTRY works only with on_manual_route: true")
                )
        if problems:
            raise problem_error(problems, "route")
        return self


_STUDY = (("object", "Study"),)


def namespace_name(names: Names, namespace_id: Any) -> dict[str, str] | str:
    """A namespace as the config names it: ``{group: X}``, ``{location: X}`` or ACCOUNT
    (an unknown uuid stays a uuid); purge rules and custom code deployments name theirs the
    same way."""
    owner = names.namespace_owner(str(namespace_id))
    if owner:
        return {owner[0]: owner[1]}
    return ACCOUNT if names.is_own_namespace(str(namespace_id)) else str(namespace_id)


def _decode_owner(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    """The group or location whose namespace the route belongs to, by name."""
    owner = names.namespace_owner(str(raw.get("namespace_id")))
    if owner:
        values[owner[0]] = owner[1]


def _decode_route(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    """Uuids inside the route (condition fields, action targets) as names."""
    conditions = parse_json_text(raw.get("conditions"))
    if isinstance(conditions, list):
        values["conditions"] = [_condition_from_api(c, names) for c in conditions]
    actions = parse_json_text(raw.get("actions"))
    if isinstance(actions, list):
        values["actions"] = [_action_from_api(a, names) for a in actions if isinstance(a, dict)]
    others = raw.get("other_namespaces")
    if others:
        values["other_namespaces"] = [namespace_name(names, n) for n in split_csv(others)]


def _condition_from_api(condition: Any, names: Names) -> Any:
    """A live condition as the config writes it: nulls left out, a named left value
    (``customfield-<UUID>``: its key, a dash, the uuid) by name, an ``in`` list parsed."""
    if not isinstance(condition, dict):
        return condition
    if None in condition.values():
        result = {k: v for k, v in condition.items() if v is not None}
    else:
        result = dict(condition)
    lv = str(result.get("lv", ""))
    key, dash, uuid = lv.partition("-")
    named = NAMED_LVS.get(key) if dash else None
    if named:
        del result["lv"]
        result = {key: names.name(named[0], uuid) or lv, **result}
    if result.get("op") == "in":
        result["rv"] = parse_json_text(result.get("rv"))
    return result


def _action_from_api(action: dict[str, Any], names: Names) -> dict[str, Any]:
    """The action's first key that is an action kind, its target by name."""
    for kind in action:
        decode = _ACTION_FROM_API.get(kind)
        if decode is not None:
            return {kind: decode(kind, action[kind], names)}
    return action


def _namespace_from_api(kind: str, value: Any, names: Names) -> Any:
    return value if value in NAMESPACE_SPECIALS else namespace_name(names, value)


def _destinations_from_api(kind: str, value: Any, names: Names) -> list[str]:
    uuids = parse_json_text(value)
    uuids = uuids if isinstance(uuids, list) else [uuids]
    return [names.name("destination", str(u)) or str(u) for u in uuids]


def _target_from_api(kind: str, value: Any, names: Names) -> str:
    return names.name(ACTION_TARGETS[kind], str(value)) or str(value)


def _as_given(kind: str, value: Any, names: Names) -> Any:
    return value


def _encode_route(desired: dict[str, Any], params: dict[str, str], names: Names) -> None:
    if "conditions" in desired:
        params["conditions"] = json_text(
            [_condition_to_api(c, names) for c in desired["conditions"]]
        )
    if "actions" in desired:
        params["actions"] = json_text([_action_to_api(a, names) for a in desired["actions"]])
    if desired.get("other_namespaces") is not None:
        params["other_namespaces"] = ",".join(
            namespace_id(names, ref) for ref in desired["other_namespaces"]
        )


def namespace_id(names: Names, ref: dict[str, str] | str) -> str:
    """The uuid of a namespace the config names as ``namespace_name`` writes it."""
    if ref == ACCOUNT:
        return names.own_namespace()
    assert isinstance(ref, dict)  # validated: {group: X}, {location: X} or ACCOUNT
    kind, name = next(iter(ref.items()))
    return names.namespace_id(kind, name)


def _condition_to_api(condition: dict[str, Any], names: Names) -> dict[str, Any]:
    result = dict(condition)
    for key, (kind, _) in NAMED_LVS.items():
        if key in result:
            result = {"lv": f"{key}-{names.uuid(kind, result.pop(key))}", **result}
    if isinstance(result.get("rv"), list):
        result["rv"] = json_text(result["rv"])
    return result


def _action_to_api(action: dict[str, Any], names: Names) -> dict[str, Any]:
    kind, value = next(iter(action.items()))
    if kind == "namespace" and (isinstance(value, dict) or value == ACCOUNT):
        return {kind: namespace_id(names, value)}
    if kind == "first_working_destination":
        return {kind: [names.uuid("destination", v) for v in value]}
    if kind in ACTION_TARGETS:
        return {kind: names.uuid(ACTION_TARGETS[kind], value)}
    return {kind: value}


def _linkage(desired: dict[str, Any], names: Names, account_uuid: str) -> dict[str, str]:
    """Where a new route belongs: a group's or location's namespace, else the account."""
    for kind in ("group", "location"):
        if desired.get(kind):
            return {"namespace_id": names.namespace_id(kind, desired[kind])}
    return {"account_id": account_uuid}


ACTION_TARGETS = {
    "destination": "destination",
    "destination_hl7_orm": "destination",
    "webhook": "webhook",
}
PLAIN_ACTIONS = ("first_working_destination", "namespace", "share_code", "share_email")

_ACTION_FROM_API: dict[str, Callable[[str, Any, Names], Any]] = {
    **dict.fromkeys(PLAIN_ACTIONS, _as_given),
    **dict.fromkeys(ACTION_TARGETS, _target_from_api),
    "namespace": _namespace_from_api,
    "first_working_destination": _destinations_from_api,
}
"""How a live action's target reads, by the action's kind: targets by name."""

API = ApiMap(
    list_path="/route/list",
    list_key="routes",
    add_path="/route/add",
    set_path="/route/set",
    delete_path="/route/delete",
    hooks=(
        Hook(
            ("group", "location"),
            decode=_decode_owner,
            scope=_linkage,
            params=("namespace_id", "account_id"),
            add_only=True,
        ),
        Hook(
            ("conditions", "actions", "other_namespaces"),
            decode=_decode_route,
            encode=_encode_route,
            params=("conditions", "actions", "other_namespaces"),
        ),
    ),
)

SPEC = KindSpec(
    api=API,
    name="route",
    key="routes",
    title="route",
    model=Route,
    identity=("group", "location", "name"),
    share_code_refs=(("actions", ANY, "share_code"),),
    references=(
        Reference(("group",), "group", label="group"),
        Reference(("location",), "location", label="location"),
        Reference(
            ("conditions", ANY, "customfield"),
            "customfield",
            where=_STUDY,
            label="condition custom field",
        ),
        Reference(
            ("conditions", ANY, "validate"), "validation_rule", label="condition validation rule"
        ),
        Reference(("actions", ANY, "webhook"), "webhook", label="webhook action"),
        Reference(("actions", ANY, "destination"), "destination", label="destination action"),
        Reference(
            ("actions", ANY, "first_working_destination", ANY),
            "destination",
            label="first_working_destination action",
        ),
        Reference(
            ("actions", ANY, "destination_hl7_orm"),
            "destination",
            label="destination_hl7_orm action",
        ),
        Reference(("actions", ANY, "namespace", "group"), "group", label="namespace action group"),
        Reference(
            ("actions", ANY, "namespace", "location"), "location", label="namespace action location"
        ),
        Reference(("other_namespaces", ANY, "group"), "group", label="other_namespaces group"),
        Reference(
            ("other_namespaces", ANY, "location"), "location", label="other_namespaces location"
        ),
        Reference(("manual_roles", ANY), "role", label="manual_roles role"),
    ),
)
