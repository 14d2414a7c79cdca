"""A shared block's object as a template: interpolated and validated per account only where
it holds ``${...}``.

500 accounts including a block whose routes say ``destination: ${var:pacs}`` give 500
different routes that differ in one value. Interpolating and validating each whole route
was most of the load of such a config; here the expressions' places are found once, an
account's copy replaces only the containers on the way to them, and its model is the first
account's model with just the fields that hold an expression validated again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from ambraconf.config.interpolate import Interpolator
from ambraconf.config.positions import LocatedDict, LocatedList, Path
from ambraconf.kinds.base import META_FIELDS


def expression_paths(item: Any) -> tuple[Path, ...]:
    """Where under ``item`` a text holds a ``$`` (what interpolation may change)."""
    found: list[Path] = []
    pending: list[tuple[Any, Path]] = [(item, ())]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str):
            if "$" in value:
                found.append(path)
        elif isinstance(value, LocatedDict):
            pending.extend((v, (*path, k)) for k, v in value.items())
        elif isinstance(value, LocatedList):
            pending.extend((v, (*path, i)) for i, v in enumerate(value))
    return tuple(sorted(found, key=str))


def interpolated(
    template: LocatedDict, paths: tuple[Path, ...], interpolator: Interpolator, at: Path
) -> LocatedDict:
    """``template`` with the texts at ``paths`` interpolated; everything else is shared with
    it. ``at`` is where the template sits in the account (``("routes", 3)``), for the secret
    check."""
    result = template
    for path in paths:
        result = _replaced(result, path, interpolator, (*at, *path))
    return result


def _replaced(node: Any, rest: Path, interpolator: Interpolator, full: Path) -> Any:
    """``node`` copied with the text at ``rest`` below it interpolated: only the containers
    on the way are copied (whole, see ``LocatedDict.replacing``), the rest is shared."""
    part, inner = rest[0], rest[1:]
    mark = node.item_mark(part) if isinstance(part, int) else node.value_mark(part)
    value = node[part]
    if inner:
        value = _replaced(value, inner, interpolator, full)
    else:
        value = interpolator.text(value, mark, full)
    return node.replacing({part: value})


@dataclass(frozen=True)
class Validated:
    """A template's first valid copy: its model and values, and the top-level fields that
    hold an expression (by YAML key, with the model's attribute name)."""

    model: BaseModel
    values: dict[str, Any]
    fields: tuple[tuple[str, str], ...]

    @classmethod
    def of(
        cls, model: BaseModel, values: dict[str, Any], paths: tuple[Path, ...]
    ) -> Validated | None:
        """None when another copy cannot be checked field by field: an expression in a
        meta field (uuid, protect...) or a key that is no field, or a model whose own
        rules read the raw mapping before its fields are validated."""
        spec = type(model)
        names = {info.alias or name: name for name, info in spec.model_fields.items()}
        keys = {str(path[0]) for path in paths}
        if keys & META_FIELDS or not keys <= names.keys() or _reads_raw(spec):
            return None
        return cls(model, values, tuple((key, names[key]) for key in sorted(keys)))

    def copy_for(self, source: LocatedDict) -> tuple[BaseModel, dict[str, Any]] | None:
        """The model and values of another copy of the template, ``source``: each field
        that holds an expression validated again, as an assignment (the field's own rules,
        then the model's rules across fields); None when that fails (the caller validates
        the whole object, which reports the problem where it always did)."""
        model = self.model.model_copy()
        validator = type(model).__pydantic_validator__
        try:
            for key, name in self.fields:
                validator.validate_assignment(model, name, source[key])
        except ValidationError:
            return None
        names = {name for _key, name in self.fields}
        dumped = model.model_dump(by_alias=True, exclude_unset=True, include=names)
        values = dict(self.values)
        for key, _name in self.fields:
            if key in dumped:
                values[key] = dumped[key]
            else:
                values.pop(key, None)
        return model, values


def _reads_raw(model: type[BaseModel]) -> bool:
    validators = model.__pydantic_decorators__.model_validators.values()
    return any(v.info.mode != "after" for v in validators)
