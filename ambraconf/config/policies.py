"""Guard-rail policies: declarative rules over the desired state, checked offline.

A hospital wants some rules to hold whatever a pull request says ("no role but Admin may
edit users", "every route in UAT is suspended"). A policy selects objects (accounts, kind,
names, field values) and applies checks to them; each check type is one entry of
``CHECKS``, a function from the rule and the selected objects to violations, so the rule
language is data (docs/policies.md), not Python. Checks of the plan (``forbid_ops``) are in
``engine.policy``. Nothing here knows a kind by name: kinds and fields come from the
registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError, WithJsonSchema

from ambraconf.config.desired import DesiredAccount, DesiredObject
from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.model_errors import report_validation_error
from ambraconf.config.positions import LocatedDict, LocatedList, Mark
from ambraconf.kinds import BY_KEY, BY_NAME, KindSpec
from ambraconf.kinds.account import Scalar
from ambraconf.kinds.base import Model, describe
from ambraconf.kinds.codec import as_flag
from ambraconf.kinds.compare import same
from ambraconf.kinds.spec import fold, shown
from ambraconf.suggest import did_you_mean

PlanOp = Literal["create", "update", "replace", "delete"]


def _listed(value: Any) -> Any:
    """One pattern may be written without a list: ``accounts: "*UAT*"``."""
    return [value] if isinstance(value, str) else value


Patterns = Annotated[
    list[str],
    BeforeValidator(_listed),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]


class PolicyRule(Model):
    """One entry of ``policies:``: which objects, then what must hold for them."""

    name: str = Field(description="Unique name, shown with every violation.")
    description: str | None = Field(None, description="Why the rule exists, for reviewers.")
    accounts: Patterns = Field(
        default_factory=lambda: ["*"],
        description="Account name patterns (* and ?, any letter case) the rule applies to.",
    )
    kind: str = Field(description="The kind's key or name: roles, routes, users, account...")
    names: Patterns = Field(
        default_factory=lambda: ["*"], description="Name patterns of the objects it covers."
    )
    except_: Patterns = Field(
        default_factory=list, alias="except", description="Name patterns it does not cover."
    )
    where: dict[str, Scalar] = Field(
        default_factory=dict,
        description="Only objects whose value at each path matches (e.g. role: Admin).",
    )
    forbid: dict[str, Scalar] = Field(
        default_factory=dict, description="No value at the path may match (path: value)."
    )
    require: dict[str, Scalar] = Field(
        default_factory=dict, description="The path must be set, and every value match."
    )
    allow: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Every value (a mapping: every key) at the path matches a pattern.",
    )
    max: int | None = Field(None, ge=0, description="At most this many covered objects.")
    forbid_ops: list[PlanOp] = Field(
        default_factory=list, description="Plan actions refused on covered objects."
    )


@dataclass(frozen=True)
class Policy:
    """A checked rule, the kind it names and where it was written."""

    rule: PolicyRule
    spec: KindSpec
    mark: Mark
    source: LocatedDict

    @property
    def name(self) -> str:
        return self.rule.name

    def at(self, key: str) -> Mark:
        return self.source.key_mark(key)

    def covers_account(self, account: str) -> bool:
        return _matches_any(account, self.rule.accounts)

    def covers_name(self, name: str) -> bool:
        """``name`` as plans show it: a route in a group is ``Cardiology/STAT to PACS``."""
        return _matches_any(name, self.rule.names) and not _matches_any(name, self.rule.except_)

    def selects(self, obj: DesiredObject) -> bool:
        """Whether ``obj`` (of an account the policy covers) is one the rule is about."""
        return (
            obj.spec is self.spec
            and self.covers_name(obj.display)
            and all(
                any(_value_matches(v, want) for v, _ in values_at(obj.values, path))
                for path, want in self.rule.where.items()
            )
        )


Found = tuple[Mark, str]
"""A violation: the place in the object's file and what is wrong there."""
Checker = Callable[[Policy, list[DesiredObject]], Iterator[Found]]


def load_policies(raw: LocatedList | None, diagnostics: Diagnostics) -> list[Policy]:
    """The well-formed rules of the merged ``policies:`` lists; problems are diagnostics."""
    policies: list[Policy] = []
    seen: dict[str, Mark] = {}
    for index, item in enumerate(raw or ()):
        if not isinstance(item, LocatedDict):
            diagnostics.error(
                raw.item_mark(index) if raw is not None else None,
                f"a policy is a mapping, got {describe(item)}",
            )
            continue
        try:
            rule = PolicyRule.model_validate(item)
        except ValidationError as error:
            report_validation_error(error, item, PolicyRule, diagnostics)
            continue
        policy = _checked(rule, item, diagnostics)
        if policy is None:
            continue
        first = seen.setdefault(fold(rule.name), item.value_mark("name"))
        if first != item.value_mark("name"):
            diagnostics.error(
                item.value_mark("name"),
                f"policy '{rule.name}' is defined twice (first at {first.where})",
                hint="give each policy its own name",
            )
            continue
        policies.append(policy)
    return policies


def _checked(rule: PolicyRule, item: LocatedDict, diagnostics: Diagnostics) -> Policy | None:
    """The rule with its kind, or None when it names a kind or field that does not exist
    (a typo would otherwise make a guard-rail that silently checks nothing)."""
    spec = BY_KEY.get(rule.kind) or BY_NAME.get(rule.kind)
    if spec is None:
        names = [*BY_KEY, *BY_NAME]
        diagnostics.error(
            item.value_mark("kind"), f"unknown kind '{rule.kind}'{did_you_mean(rule.kind, names)}"
        )
        return None
    checks = [*CHECKS, "forbid_ops"]
    if not any(getattr(rule, key) not in (None, [], {}) for key in checks):
        diagnostics.error(
            item.mark,
            f"policy '{rule.name}' checks nothing",
            hint=f"give it one of: {', '.join(checks)}",
        )
        return None
    fields = {f.alias or n for n, f in spec.model.model_fields.items()}
    ok = True
    for key in ("where", "forbid", "require", "allow"):
        paths = item.get(key)
        for path in getattr(rule, key):
            top = path.split(".")[0]
            if not any(fnmatchcase(f, top) for f in fields):
                at = paths.key_mark(path) if isinstance(paths, LocatedDict) else item.mark
                diagnostics.error(
                    at,
                    f"a {spec.title} has no field '{top}'{did_you_mean(top, fields)}",
                    hint="paths are dotted field names as the files write them",
                )
                ok = False
    return Policy(rule, spec, item.mark, item) if ok else None


def check_policies(
    policies: Sequence[Policy], accounts: Sequence[DesiredAccount], diagnostics: Diagnostics
) -> None:
    """Every offline check of every policy in every account it covers: an error at the
    object's value, naming the policy and where it was written."""
    for policy in policies:
        for account in accounts:
            if not policy.covers_account(account.name):
                continue
            selected = [o for o in account.of(policy.spec.name) if policy.selects(o)]
            for key, checker in CHECKS.items():
                if getattr(policy.rule, key) in (None, {}):
                    continue
                for mark, problem in checker(policy, selected):
                    diagnostics.error(
                        mark,
                        f"violates policy '{policy.name}' ({policy.at(key).where}): {problem}",
                        hint=policy.rule.description or "change the object, or the policy",
                    )


def values_at(data: Any, path: str) -> Iterator[tuple[Any, tuple[str | int, ...]]]:
    """The values at a dotted ``path`` and where each is (for its mark): a list is entered
    item by item, and a segment may be a pattern over a mapping's keys (``settings.*share*``)."""
    pending: list[tuple[Any, tuple[str | int, ...], list[str]]] = [(data, (), path.split("."))]
    while pending:
        node, at, rest = pending.pop(0)
        if isinstance(node, list):
            pending[0:0] = [(item, (*at, i), rest) for i, item in enumerate(node)]
        elif not rest:
            yield node, at
        elif isinstance(node, Mapping):
            head, tail = rest[0], rest[1:]
            pending[0:0] = [(v, (*at, k), tail) for k, v in node.items() if fnmatchcase(k, head)]


def _forbid(policy: Policy, objects: list[DesiredObject]) -> Iterator[Found]:
    for obj in objects:
        for path, want in policy.rule.forbid.items():
            for value, at in values_at(obj.values, path):
                if _value_matches(value, want):
                    yield obj.where(*at), f"{_what(obj)} sets {_dotted(at)} to {_yaml(value)}"


def _require(policy: Policy, objects: list[DesiredObject]) -> Iterator[Found]:
    for obj in objects:
        for path, want in policy.rule.require.items():
            found = list(values_at(obj.values, path))
            if not found:
                yield obj.where(), f"{_what(obj)} does not set {path} (required: {_yaml(want)})"
            for value, at in found:
                if not _value_matches(value, want):
                    yield (
                        obj.where(*at),
                        f"{_what(obj)} sets {_dotted(at)} to {_yaml(value)}, not {_yaml(want)}",
                    )


def _allow(policy: Policy, objects: list[DesiredObject]) -> Iterator[Found]:
    for obj in objects:
        for path, patterns in policy.rule.allow.items():
            for value, at in values_at(obj.values, path):
                items = list(value) if isinstance(value, Mapping) else [value]
                for item in items:
                    if not _matches_any(shown(item), patterns):
                        where = (*at, item) if isinstance(value, Mapping) else at
                        yield (
                            obj.where(*where, key=isinstance(value, Mapping)),
                            f"{_what(obj)} has {_dotted(at)} {shown(item)}, "
                            f"allowed: {', '.join(patterns)}",
                        )


def _max(policy: Policy, objects: list[DesiredObject]) -> Iterator[Found]:
    limit = policy.rule.max or 0
    for obj in objects[limit:]:
        yield (
            obj.where(),
            f"account '{obj.account}' has {len(objects)} {policy.spec.plural} it covers, "
            f"at most {limit} allowed; {_what(obj)} is one too many",
        )


CHECKS: dict[str, Checker] = {
    "forbid": _forbid,
    "require": _require,
    "allow": _allow,
    "max": _max,
}
"""Rule type (the key in a policy) to its offline checker; ``forbid_ops`` is a plan check."""


def _what(obj: DesiredObject) -> str:
    return f"{obj.spec.title} '{obj.display}'"


def _yaml(value: Any) -> str:
    """A value as the files write it (true, not True)."""
    return str(value).lower() if isinstance(value, bool) else shown(value)


def _dotted(at: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in at if isinstance(part, str)) or "it"


def _matches_any(name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatchcase(fold(name), fold(p)) for p in patterns)


def _value_matches(value: Any, want: Any) -> bool:
    """A rule value against a desired one: true/false as flags (1, "yes"), text as a
    pattern in any letter case, numbers as numbers."""
    if value is None or isinstance(value, (Mapping, list)):
        return False
    if isinstance(want, bool):
        return as_flag(value) == want
    if isinstance(want, str):
        return fnmatchcase(fold(value), fold(want))
    return same(value, want)
