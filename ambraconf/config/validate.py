"""From a path to a validated desired state, collecting every problem on the way.

load → merge → interpolate per account (with its variables and included shared blocks) →
validate each object with its kind's model → cross-object checks → ``Config``.
Each stage goes on past errors so one run reports all of them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ambraconf.config.checks import check_accounts
from ambraconf.config.desired import Config, DesiredAccount, DesiredObject
from ambraconf.config.diagnostics import Diagnostic, Diagnostics
from ambraconf.config.errors import InvalidConfig
from ambraconf.config.files import with_files
from ambraconf.config.interpolate import Interpolator, Variable, variables_in
from ambraconf.config.loader import load_path
from ambraconf.config.merge import Merged, SharedBlock, check_variables, merge_documents
from ambraconf.config.model_errors import report_validation_error
from ambraconf.config.policies import Policy, check_policies, load_policies
from ambraconf.config.positions import LocatedDict, LocatedList, Mark
from ambraconf.config.positions import Path as DataPath
from ambraconf.config.sources import Sources
from ambraconf.config.templates import Validated, expression_paths, interpolated
from ambraconf.gc_tuning import collector_paused
from ambraconf.kinds import ACCOUNT, BY_KEY, KINDS, AccountHead, KindSpec
from ambraconf.kinds.base import describe
from ambraconf.suggest import did_you_mean, suggestion_budget

# Values that accounts take from shared blocks, all accounts together: four times what 500
# accounts each including a 200-object block take (about 1,250,000). An object without
# ${...} is shared, not copied, and validated once; but every include still costs its
# account's reference checks and plan, so past this the include is refused.
MAX_INCLUDED_VALUES = 5_000_000


@dataclass
class ValidationResult:
    """What ``validate`` found: the config (None when there are errors) and every problem.
    ``sources`` are the files read, with digests (a saved plan keeps them)."""

    path: str
    files: list[str]
    diagnostics: list[Diagnostic]
    accounts: list[DesiredAccount] = field(default_factory=list)
    sources: Sources = field(default_factory=Sources)
    policies: list[Policy] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def config(self) -> Config | None:
        return Config(self.accounts, self.files, self.sources, self.policies) if self.ok else None


@collector_paused()
def validate_path(
    path: str | Path,
    env: Mapping[str, str] | None = None,
    *,
    need_secrets: bool = False,
) -> ValidationResult:
    """Validate the config file or directory at ``path``; never raises for bad content.

    ``env`` stands in for the process environment (``${env:NAME}``); tests pass their own.
    A secret whose environment variable is unset is a warning unless ``need_secrets``:
    validate runs where secrets are not (a pull request's CI); plan and apply need them.
    """
    with suggestion_budget():
        return _validate(Path(path), env, need_secrets)


def _validate(path: Path, env: Mapping[str, str] | None, need_secrets: bool) -> ValidationResult:
    diagnostics = Diagnostics()
    loaded = load_path(path, diagnostics)
    merged = merge_documents(loaded.documents, diagnostics)
    environment = dict(os.environ if env is None else env)
    accounts = _build_accounts(merged, environment, diagnostics, need_secrets, loaded.sources)
    if not merged.accounts and not diagnostics.errors:
        diagnostics.error(
            Mark(loaded.files[0], 1, 1) if len(loaded.files) == 1 else None,
            "no accounts defined: nothing to manage",
            hint="add an 'accounts:' list with at least one account name",
        )
    check_accounts(accounts, diagnostics, references=not loaded.unreadable)
    policies = load_policies(merged.policies, diagnostics)
    check_policies(policies, accounts, diagnostics)
    if loaded.unreadable and accounts:
        diagnostics.warning(
            None,
            "references between objects were not checked because "
            f"{', '.join(loaded.unreadable)} could not be read",
            hint="fix the errors in those files first",
        )
    return ValidationResult(
        str(path), loaded.files, diagnostics.sorted(), accounts, loaded.sources, policies
    )


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> Config:
    """The desired state at ``path``, or ``InvalidConfig`` carrying every diagnostic."""
    result = validate_path(path, env, need_secrets=True)
    if result.config is None:
        raise InvalidConfig(result.diagnostics)
    return result.config


def _build_accounts(
    merged: Merged,
    env: dict[str, str],
    diagnostics: Diagnostics,
    need_secrets: bool,
    sources: Sources,
) -> list[DesiredAccount]:
    variables = _resolve_variables(merged.variables, env, diagnostics)
    included = _Included()
    accounts = []
    for raw in merged.accounts:
        accounts.append(
            _build_account(
                raw, merged, variables, env, included, diagnostics, need_secrets, sources
            )
        )
    for key, block in merged.shared.items():
        if key not in included.names:
            diagnostics.warning(
                block.mark,
                f"shared block '{block.name}' is not included by any account",
                hint=f"add it to an account's include: [{block.name}], or remove it",
            )
    return accounts


def _resolve_variables(
    raw: Mapping[str, Variable], env: dict[str, str], diagnostics: Diagnostics
) -> dict[str, Variable]:
    """Variable values may read the environment, not other variables (no ordering puzzles)."""
    interpolator = Interpolator({}, env, diagnostics, allow_vars=False)
    return {name: Variable(interpolator.value(v.value, v.mark), v.mark) for name, v in raw.items()}


def _build_account(
    raw: LocatedDict,
    merged: Merged,
    top_variables: dict[str, Variable],
    env: dict[str, str],
    included: _Included,
    diagnostics: Diagnostics,
    need_secrets: bool,
    sources: Sources,
) -> DesiredAccount:
    name = str(raw["name"])
    own = {}
    if "variables" in raw:
        entries = check_variables(raw["variables"], raw.value_mark("variables"), diagnostics)
        own = _resolve_variables({n: Variable(v, m) for n, v, _k, m in entries}, env, diagnostics)
    interpolator = Interpolator(
        {**top_variables, **own},
        env,
        diagnostics,
        is_secret=_is_secret,
        missing_secret_warns=not need_secrets,
    )
    body = LocatedDict(raw.mark)
    for key, value, key_mark, value_mark in raw.located_items():
        if key != "variables":
            body.put(key, interpolator.value(value, value_mark, (key,)), key_mark, value_mark)
    _include_shared(body, merged, interpolator, included, diagnostics)

    head_data = LocatedDict(raw.mark)
    for key, value, key_mark, value_mark in body.located_items():
        if key not in BY_KEY:
            head_data.put(key, value, key_mark, value_mark)
    if "variables" in raw:
        head_data.put(
            "variables",
            {n: v.value for n, v in own.items()},
            raw.key_mark("variables"),
            raw.value_mark("variables"),
        )
    head = _validated(AccountHead, head_data, diagnostics)
    if head is None:  # reported; go on so the account's objects are checked too
        head = AccountHead.model_construct(name=name)
    account = DesiredAccount(
        name=name,
        mark=raw.mark,
        head=head,
        source=head_data,
        uuid=getattr(head, "uuid", None),
        create=bool(getattr(head, "create", False)),
        exact=bool(getattr(head, "exact", False)),
        fields=_dump(getattr(head, "fields", None)),
        settings=dict(getattr(head, "settings", None) or {}),
        variables={n: v.value for n, v in {**top_variables, **own}.items()},
        prune=dict(getattr(head, "prune", None) or {}),
        ignore=dict(getattr(head, "ignore", None) or {}),
        dangerous_ok=dict(getattr(head, "dangerous_ok", None) or {}),
    )
    account.objects[ACCOUNT.name] = [account.own_object()]
    for spec in KINDS:
        items = body.get(spec.key)
        if items is None:
            continue
        if not isinstance(items, LocatedList):
            diagnostics.error(
                body.value_mark(spec.key),
                f"expected a list of {spec.plural}, got {describe(items)}",
            )
            continue
        for index, item in enumerate(items):
            mark = items.item_mark(index)
            if not isinstance(item, LocatedDict):
                diagnostics.error(mark, f"a {spec.title} is a mapping, got {describe(item)}")
                continue
            read = with_files(spec, item, diagnostics, sources)
            obj = None if read is None else included.validated(spec, read, name, diagnostics)
            if obj is not None:
                account.objects[spec.name].append(obj)
            elif isinstance(item.get(spec.name_key), str):
                account.invalid_names.setdefault(spec.name, []).append(item[spec.name_key])
    return account


_Expressions = tuple[tuple[str, ...], tuple[DataPath, ...]]
"""The variables an object names and where under it a text holds a ``$``."""
_NO_PATHS: tuple[DataPath, ...] = ()


@dataclass
class _Included:
    """Which shared blocks accounts include, how many values they have taken so far, and
    the models of the objects they gave.

    A block included by 500 accounts gives 500 copies of each object; validating and
    dumping each with pydantic was most of the CPU and memory of such a config. An object
    without ``${...}`` is the block's own (``Interpolator.value`` does not copy it), so it
    is validated once. One with expressions is a template (``config.templates``): per
    account only its expressions are interpolated, once for all the accounts where the
    variables they name are the same, and only the fields that hold them are validated
    again on the first account's model. Only the model and its values are shared; each
    account keeps its own ``source``, so positions and secret checks are its own. An object
    that fails is validated (and reported) whole every time, as before.
    """

    names: set[str] = field(default_factory=set)
    values: int = 0
    sizes: dict[str, int] = field(default_factory=dict)  # per block, counted once
    shared: dict[int, tuple[LocatedDict, LocatedDict, tuple[DataPath, ...]]] = field(
        default_factory=dict
    )
    """The objects that came from a block, by ``id`` (each kept alive here), with their
    template and where it holds expressions."""
    models: dict[int, tuple[BaseModel, dict[str, Any]]] = field(default_factory=dict)
    """Per object that came from a block, by ``id``, its model and values."""
    templates: dict[int, Validated | None] = field(default_factory=dict)
    """Per template, by ``id``, its first valid copy (None: copies are validated whole)."""
    expressions: dict[tuple[str, str], list[_Expressions | None]] = field(default_factory=dict)
    """Per block and list, the variables each object names and where its expressions are
    (None: it holds no ``$``)."""
    interpolated: dict[tuple[int, tuple[Any, ...]], Any] = field(default_factory=dict)

    def size(self, key: str, block: SharedBlock) -> int:
        if key not in self.sizes:
            self.sizes[key] = sum(_count_values(items) for items in block.lists.values())
        return self.sizes[key]

    def expanded(
        self,
        block: str,
        key: str,
        items: LocatedList,
        interpolator: Interpolator,
        diagnostics: Diagnostics,
    ) -> list[Any]:
        """The objects of a block's list ``key`` interpolated for an account.

        An object is interpolated only if it holds a ``$``, and only once for all the
        accounts where the variables it names are the same (when that raised no problem):
        500 sites naming one ``${var:code}`` get one copy, not 500."""
        if (block, key) not in self.expressions:
            self.expressions[block, key] = [_expressions(item) for item in items]
        result = []
        for index, (template, found) in enumerate(
            zip(items, self.expressions[block, key], strict=True)
        ):
            item, paths = template, _NO_PATHS
            if found is not None:
                names, paths = found
                memo = (id(template), interpolator.values_of(names))
                item = self.interpolated.get(memo)
                if item is None:
                    problems = len(diagnostics)
                    if isinstance(template, LocatedDict):
                        item = interpolated(template, paths, interpolator, (key, index))
                    else:
                        item = interpolator.value(template, items.item_mark(index), (key, index))
                    if len(diagnostics) == problems:
                        self.interpolated[memo] = item
            if isinstance(item, LocatedDict) and id(item) not in self.shared:
                self.shared[id(item)] = (item, template, paths)
            result.append(item)
        return result

    def validated(
        self, spec: KindSpec, read: LocatedDict, account: str, diagnostics: Diagnostics
    ) -> DesiredObject | None:
        """The desired object of ``read``, its model reused if a block gave the same before."""
        origin, template, paths = self.shared.get(id(read), (None, None, ()))
        if origin is not read or template is None:
            made = _object(spec, read, account, diagnostics)
            return None if made is None else made[1]
        found = self.models.get(id(read))
        if found is None:
            first = self.templates.get(id(template))
            found = first.copy_for(read) if first is not None else None
        if found is None:
            made = _object(spec, read, account, diagnostics)
            if made is None:
                return None
            model, obj = made
            found = (model, obj.values)
            if paths and id(template) not in self.templates:
                self.templates[id(template)] = Validated.of(model, obj.values, paths)
        self.models[id(read)] = found
        model, values = found
        return DesiredObject.from_model(spec, model, read, account, values)


def _expressions(item: Any) -> _Expressions | None:
    names = variables_in(item)
    return None if names is None else (names, expression_paths(item))


def _object(
    spec: KindSpec, read: LocatedDict, account: str, diagnostics: Diagnostics
) -> tuple[BaseModel, DesiredObject] | None:
    """The model of ``read`` (a template needs it) and its desired object."""
    model = _validated(spec.model, read, diagnostics)
    return None if model is None else (model, DesiredObject.from_model(spec, model, read, account))


def _count_values(value: Any) -> int:
    """The values in ``value``, itself included, counting what aliases share as copies."""
    count, pending = 0, [value]
    while pending:
        item = pending.pop()
        count += 1
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return count


def _include_shared(
    body: LocatedDict,
    merged: Merged,
    interpolator: Interpolator,
    included: _Included,
    diagnostics: Diagnostics,
) -> None:
    """Add the objects of each included shared block, interpolated for this account."""
    names = body.get("include")
    if not isinstance(names, LocatedList):
        return  # a wrong type is reported when the account head is validated
    for index, name in enumerate(names):
        mark = names.item_mark(index)
        if not isinstance(name, str):
            continue
        block = merged.shared.get(name.casefold())
        if block is None:
            blocks = [b.name for b in merged.shared.values()]
            diagnostics.error(
                mark,
                f"no shared block named '{name}'{did_you_mean(name, blocks)}",
                hint="define it under the top-level 'shared:' key",
            )
            continue
        included.names.add(name.casefold())
        size = included.size(name.casefold(), block)
        if included.values + size > MAX_INCLUDED_VALUES:
            diagnostics.error(
                mark,
                f"too much included: shared block '{name}' holds {size:,} values, and the "
                f"accounts that include shared blocks would take more than "
                f"{MAX_INCLUDED_VALUES:,} from them in all",
                hint="include large blocks in fewer accounts, or make them smaller",
            )
            continue
        included.values += size
        for key, items in block.lists.items():
            current = body.get(key)
            combined = LocatedList(current.mark if isinstance(current, LocatedList) else items.mark)
            if isinstance(current, LocatedList):
                combined.put_all(current, current.marks())
            expanded = included.expanded(name.casefold(), key, items, interpolator, diagnostics)
            combined.put_all(expanded, items.marks())
            if current is not None and not isinstance(current, LocatedList):
                continue  # reported as a wrong type for the account's own list
            body.put(key, combined, body.key_mark(key), body.value_mark(key))


def _is_secret(path: tuple[Any, ...]) -> bool:
    """Whether ``path`` (kind key, index, field...) lies in a secret field of its kind."""
    spec = BY_KEY.get(path[0]) if path else None
    inner = path[2:]
    return spec is not None and any(inner[: len(p)] == p for p in spec.secret_fields)


def _validated(model: type[BaseModel], data: LocatedDict, diagnostics: Diagnostics) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        report_validation_error(error, data, model, diagnostics)
        return None


def _dump(model: BaseModel | None) -> dict[str, Any]:
    return model.model_dump(by_alias=True, exclude_unset=True) if model is not None else {}
