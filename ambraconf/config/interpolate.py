"""``${env:NAME}`` and ``${var:NAME}`` in string values, so one set of files serves UAT and prod.

A value that is exactly one ``${var:NAME}`` takes the variable's own type (a boolean stays a
boolean); anywhere else the variable is written into the text. ``$${`` is a literal ``${``.
Text that came from the environment is an ``EnvStr``: the secret check uses that to tell a
password read from ``${env:...}`` from one written into a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.positions import LocatedDict, LocatedList, Mark
from ambraconf.suggest import closest, did_you_mean

_TOKEN = re.compile(r"\$\$\{|\$\{([^{}]*)\}")
_REFERENCE = re.compile(r"(?P<scheme>[a-z]+):(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)")
SCHEMES = ("env", "var")

Scalar = str | int | float | bool | None


class EnvStr(str):
    """Text that was read, in whole or in part, from an environment variable."""

    __slots__ = ()


@dataclass(frozen=True)
class Variable:
    """A ``variables:`` entry: its value (already interpolated) and where it was set."""

    value: Scalar
    mark: Mark


def has_interpolation(text: str) -> bool:
    """Whether ``text`` holds a ``${...}`` expression (the JSON Schema lets those stand in)."""
    return any(m.group(0) != "$${" for m in _TOKEN.finditer(text))


def variables_in(value: Any) -> tuple[str, ...] | None:
    """The variables that ``${var:NAME}`` expressions under ``value`` name, in order, or
    None when no text under it holds a ``$`` (then interpolation leaves it as it is).
    Keys are not interpolated, so not looked at."""
    names: dict[str, None] = {}
    found = False
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "$" in item:
                found = True
                for match in _TOKEN.finditer(item):
                    reference = _REFERENCE.fullmatch((match.group(1) or "").strip())
                    if reference is not None and reference["scheme"] == "var":
                        names[reference["name"]] = None
        elif getattr(item, "literal", False):
            continue
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return tuple(names) if found else None


class Interpolator:
    """Replaces ``${...}`` expressions in loaded data; problems go to ``diagnostics``."""

    def __init__(
        self,
        variables: Mapping[str, Variable],
        env: Mapping[str, str],
        diagnostics: Diagnostics,
        *,
        allow_vars: bool = True,
        is_secret: Callable[[tuple[Any, ...]], bool] = lambda path: False,
        missing_secret_warns: bool = False,
    ) -> None:
        self.variables = variables
        self.env = env
        self.diagnostics = diagnostics
        self.allow_vars = allow_vars
        self.is_secret = is_secret
        self.missing_secret_warns = missing_secret_warns

    def values_of(self, names: tuple[str, ...]) -> tuple[Any, ...]:
        """What the variables ``names`` are here (value and type; a name alone if unknown):
        a value naming only those interpolates alike wherever this is equal."""
        return tuple(
            (name, type(v.value), v.value) if (v := self.variables.get(name)) else (name,)
            for name in names
        )

    def value(self, value: Any, mark: Mark, path: tuple[Any, ...] = ()) -> Any:
        """``value`` with every string expanded (located containers keep their marks).

        What holds no expression is returned itself, not copied: a shared block's objects
        without ``${...}`` are then the same objects in every account that includes them,
        validated once (``config.validate``). Loaded data is never modified in place.
        ``path`` is where ``value`` sits in the account, to tell secret fields apart.
        A container the loader found no ``$`` under (``literal``) is not walked at all.
        """
        if isinstance(value, (LocatedDict, LocatedList)) and value.literal:
            return value
        if isinstance(value, LocatedDict):
            changed = {}
            for key, item in value.items():
                if isinstance(item, str) and "$" not in item:
                    continue
                new = self.value(item, value.value_mark(key), (*path, key))
                if new is not item:
                    changed[key] = new
            return value.replacing(changed) if changed else value
        if isinstance(value, LocatedList):
            changed_items = {}
            for index, item in enumerate(value):
                if isinstance(item, str) and "$" not in item:
                    continue
                new = self.value(item, value.item_mark(index), (*path, index))
                if new is not item:
                    changed_items[index] = new
            return value.replacing(changed_items) if changed_items else value
        if isinstance(value, str):
            return self.text(value, mark, path)
        return value

    def text(self, text: str, mark: Mark, path: tuple[Any, ...] = ()) -> Any:
        """``text`` with its expressions replaced; a lone ``${var:X}`` keeps X's type."""
        if "$" not in text:
            return text
        whole = _TOKEN.fullmatch(text)
        if whole and whole.group(0) != "$${":  # resolved once, not again as a piece of text
            resolved = self._resolve(whole.group(1), mark, path)
            if resolved is None:
                return text
            value, env = resolved
            if not isinstance(value, str):
                return value
            return EnvStr(value) if env or isinstance(text, EnvStr) else str(value)
        pieces: list[str] = []
        from_env = isinstance(text, EnvStr)
        position = 0
        for match in _TOKEN.finditer(text):
            pieces.append(text[position : match.start()])
            position = match.end()
            if match.group(0) == "$${":
                pieces.append("${")
                continue
            resolved = self._resolve(match.group(1), mark, path)
            if resolved is None:
                return text
            value, env = resolved
            pieces.append(_as_text(value))
            from_env = from_env or env
        rest = text[position:]
        if "${" in rest:
            self.diagnostics.error(
                mark,
                f"unterminated '${{' in {text!r}",
                hint="close it with '}', or write '$${' for a literal '${'",
            )
            self.diagnostics.suppress(mark)
            return text
        pieces.append(rest)
        result = "".join(pieces)
        return EnvStr(result) if from_env else result

    def _resolve(
        self, expression: str, mark: Mark, path: tuple[Any, ...]
    ) -> tuple[Scalar, bool] | None:
        """The value of one ``scheme:NAME`` and whether it came from the environment."""
        match = _REFERENCE.fullmatch(expression.strip())
        if match is None or match["scheme"] not in SCHEMES:
            scheme = expression.split(":", 1)[0].strip()
            hint = "write ${env:NAME} for an environment variable or ${var:NAME} for a variable"
            if match is not None or ":" in expression:
                suggestion = closest(scheme, SCHEMES)
                hint = f"did you mean '${{{suggestion}:...}}'?" if suggestion else hint
            self.diagnostics.error(mark, f"cannot interpolate '${{{expression}}}'", hint=hint)
            self.diagnostics.suppress(mark)
            return None
        scheme, name = match["scheme"], match["name"]
        if scheme == "env":
            if name not in self.env and self.missing_secret_warns and self.is_secret(path):
                self.diagnostics.warning(
                    mark,
                    f"environment variable {name} is not set (a secret: plan and apply need it)",
                    hint=f"export {name}=... before running plan or apply",
                )
                return EnvStr(""), True
            if name not in self.env:
                self.diagnostics.error(
                    mark,
                    f"environment variable {name} is not set",
                    hint=f"export {name}=... before running ambraconf (in CI: a secret)",
                )
                self.diagnostics.suppress(mark)
                return None
            return EnvStr(self.env[name]), True
        if not self.allow_vars:
            self.diagnostics.error(
                mark,
                f"'${{var:{name}}}' cannot be used here: a variable's value may use "
                "only ${env:NAME}",
            )
            self.diagnostics.suppress(mark)
            return None
        if name not in self.variables:
            self.diagnostics.error(
                mark,
                f"unknown variable '{name}'{did_you_mean(name, self.variables)}",
                hint="define it under 'variables:' at the top level or in this account",
            )
            self.diagnostics.suppress(mark)
            return None
        value = self.variables[name].value
        return value, isinstance(value, EnvStr)


def _as_text(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)
