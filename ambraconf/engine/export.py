"""Live state → YAML in the layout ambraconf reads: how teams adopt an existing account.

One file per kind (``roles.yaml``...) and ``account.yaml`` for the account's fields and
settings, each an ``accounts: [{name: ..., roles: [...]}]`` document, so the files of one
directory merge back into the account. What goes in:

- references as names (live values are already in the config's shape);
- server defaults left out (``defaults``), so the files say only what someone chose;
- secrets replaced by ``${env:AMBRACONF_<KIND>_<NAME>_<FIELD>}`` placeholders, listed for
  the user to set; a literal ``${`` in live text is written ``$${``;
- every object run through its kind's model, so nothing the config language refuses
  (read-only or malformed values) is written; what had to be left out is reported;
- stock roles left out: every account has them and references to them need no definition;
- objects sorted by natural key, keys in the model's field order, free-form mappings
  sorted: exporting twice gives the same bytes, and a re-export diffs cleanly in git.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ambraconf.engine.defaults import without_defaults
from ambraconf.engine.live import LiveAccount, LiveObject
from ambraconf.kinds.base import META_FIELDS
from ambraconf.kinds.codec import parse_json_text
from ambraconf.kinds.spec import KindSpec, walk

ACCOUNT_FILE = "account.yaml"
_Strip = Callable[[KindSpec, Mapping[str, Any]], dict[str, Any]]
ENV_PREFIX = "AMBRACONF"


@dataclass
class ExportedFile:
    name: str
    title: str
    document: dict[str, Any]
    objects: int


@dataclass
class ExportedText:
    """A text a YAML file names by path (custom code: ``code_file:``), written beside it."""

    name: str
    text: str
    kind: str
    object: str


@dataclass
class Placeholder:
    """An environment variable standing in for a secret: set it before plan or apply."""

    variable: str
    kind: str
    name: str
    path: str


@dataclass
class Export:
    account: str
    files: list[ExportedFile] = field(default_factory=list)
    placeholders: list[Placeholder] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    texts: list[ExportedText] = field(default_factory=list)


def export_account(
    live: LiveAccount,
    kinds: Sequence[str],
    specs: Mapping[str, KindSpec],
    *,
    keep_defaults: bool = False,
) -> Export:
    """The documents of ``kinds`` (kind names, ``account`` for fields and settings).

    ``keep_defaults`` writes server defaults too: ``compare`` needs them, since a default
    in one account is a value another account must have to be alike."""
    result = Export(live.name)
    strip = _kept if keep_defaults else without_defaults
    names = _EnvNames()
    texts = _TextFiles(result)
    for kind in (k for k in specs if k in kinds):
        spec = specs[kind]
        if spec.holds_others:
            head = _account_head(spec, live, result, strip)
            if head:
                title = f"Fields and settings of the account {live.name}"
                document = _document(live.name, head)
                result.files.append(ExportedFile(ACCOUNT_FILE, title, document, 1))
            continue
        objects = [
            values
            for obj, pinned in _chosen(spec, live.of_kind(kind), result)
            if (values := _export_object(spec, obj, pinned, names, result, live, strip)) is not None
            and (values := texts.moved_out(spec, obj, values)) is not None
        ]
        if objects:
            document = _document(live.name, {spec.key: objects})
            title = f"{spec.plural[:1].upper()}{spec.plural[1:]} of {live.name}"
            result.files.append(ExportedFile(f"{spec.key}.yaml", title, document, len(objects)))
    result.placeholders = names.used
    return result


def to_yaml(
    exported: ExportedFile, *, source: str, schema: str | None, command: str = "ambraconf export"
) -> str:
    """The file's text: a schema modeline for editors, a header (what wrote it, from
    where), then the document."""
    lines = [f"# yaml-language-server: $schema={schema}", "#"] if schema else []
    lines += [
        f"# {exported.title}, exported by `{command}` from {source}.",
        "# Server defaults are left out; secrets are ${env:...} placeholders.",
    ]
    body = yaml.safe_dump(
        exported.document, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    return "\n".join(lines) + "\n\n" + body


def _document(account: str, content: dict[str, Any]) -> dict[str, Any]:
    return {"accounts": [{"name": account, **content}]}


def _kept(spec: KindSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every value, defaults included (``keep_defaults``)."""
    return dict(values)


def _account_head(
    spec: KindSpec, live: LiveAccount, result: Export, strip: _Strip
) -> dict[str, Any]:
    """``fields:`` and ``settings:`` of the account, through the account model."""
    own = live.of_kind(spec.name)
    current = strip(spec, own[0].values if own else {})
    settings = current.pop("settings", {})
    values = {
        **_escaped(current),
        "name": live.name,
        "settings": _escaped({name: _structured(v) for name, v in settings.items()}),
    }
    model = _validated(
        spec, {k: v for k, v in values.items() if v}, f"account {live.name!r}", result
    )
    if model is None:
        return {}
    plain = _plain(model)
    head = {"fields": {k: v for k, v in plain.items() if k not in ("name", "settings")}}
    if plain.get("settings"):
        head["settings"] = plain["settings"]
    return {k: v for k, v in head.items() if v}


def _structured(value: Any) -> Any:
    """A JSON setting (``ui_json``) written as YAML rather than as JSON text."""
    parsed = parse_json_text(value) if isinstance(value, str) else value
    return parsed if isinstance(parsed, dict | list) else value


def _chosen(
    spec: KindSpec, objects: Sequence[LiveObject], result: Export
) -> list[tuple[LiveObject, bool]]:
    """Objects to export, sorted by natural key, each with whether to pin it by uuid; stock
    roles and duplicates left out.

    Two live objects may share a natural key (the API does not make every name unique);
    the config cannot hold both, so the first by uuid is exported pinned with ``uuid:``.
    """
    kept = [o for o in objects if not spec.is_stock(o.raw, o.values.get(spec.name_key))]
    kept.sort(key=lambda o: (spec.identity_of(o.values), spec.display(o.values), o.uuid))
    chosen: list[tuple[LiveObject, bool]] = []
    for obj in kept:
        if chosen and spec.identity_of(chosen[-1][0].values) == spec.identity_of(obj.values):
            first = chosen[-1][0]
            chosen[-1] = (first, True)
            result.notes.append(
                f"{spec.title} {spec.display(obj.values)!r}: another live {spec.title} has the "
                f"same name; exported {first.uuid} (pinned with uuid:), left out {obj.uuid}"
            )
            continue
        chosen.append((obj, False))
    return chosen


def _export_object(
    spec: KindSpec,
    obj: LiveObject,
    pinned: bool,
    names: _EnvNames,
    result: Export,
    live: LiveAccount,
    strip: _Strip,
) -> dict[str, Any] | None:
    values = strip(spec, spec.without_spared(obj.values, live.names))
    values = _escaped(values)
    display = spec.display(obj.values)
    for path in _secret_leaves(spec):
        for concrete, value in list(walk(values, path)):
            _set(values, concrete, names.replace(spec, display, concrete, value))
    model = _validated(spec, values, f"{spec.title} {display!r}", result)
    if model is None:
        return None
    plain = _plain(model)
    return {"uuid": obj.uuid, **plain} if pinned else plain


def _validated(
    spec: KindSpec, values: dict[str, Any], what: str, result: Export
) -> BaseModel | None:
    """The model of ``values``; values the model refuses are left out (and reported), and an
    object that cannot be written without changing its meaning is left out whole."""
    while True:
        try:
            return spec.model.model_validate(values)
        except ValidationError as exc:
            error = exc.errors()[0]
            location = tuple(error["loc"])
            where = ".".join(str(p) for p in location)
            if not _drop(values, location, spec):
                result.notes.append(f"{what}: left out, since {where}: {error['msg']}")
                return None
            result.notes.append(f"{what}: left out {where}: {error['msg']}")


def _drop(values: dict[str, Any], location: tuple[Any, ...], spec: KindSpec) -> bool:
    """Remove the value at ``location`` if that leaves the object's meaning otherwise whole:
    a top-level field (not part of the natural key) or one key of a mapping field. Values in
    lists (route conditions, actions) are not dropped: a route without one of its
    conditions would match more studies."""
    head = location[0] if location else None
    if head not in values or head in spec.identity:
        return False
    if len(location) == 1:
        del values[head]
        return True
    if isinstance(values[head], dict) and location[1] in values[head] and len(location) == 2:
        del values[head][location[1]]
        return True
    return False


def _plain(model: BaseModel) -> dict[str, Any]:
    """The fields a model was given, in its field order; mappings that are not models are
    sorted by key (the API's order is not meaningful and may change)."""
    return {
        (info.alias or name): _plain_value(getattr(model, name))
        for name, info in type(model).model_fields.items()
        if name in model.model_fields_set and name not in META_FIELDS
    }


def _plain_value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _plain(value)
    if isinstance(value, dict):
        return {str(k): _plain_value(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    return value


def _escaped(value: Any) -> Any:
    """Live text is literal: ``${`` in it must not be read back as an expression."""
    if isinstance(value, str):
        return value.replace("${", "$${")
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def _secret_leaves(spec: KindSpec) -> list[tuple[str, ...]]:
    """Secret paths with no secret path below them: the values to replace (``auth`` as a
    whole is secret, but its ``username`` is not; its ``password`` is)."""
    paths = spec.secret_fields
    return [p for p in paths if not any(len(q) > len(p) and q[: len(p)] == p for q in paths)]


def _set(values: Any, path: tuple[Any, ...], new: Any) -> None:
    parent = values
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = new


class _TextFiles:
    """Texts a kind keeps in files of their own (``KindSpec.files``), moved out of the
    exported objects: ``code: ...`` becomes ``code_file: customcodes/<name>.py`` (relative
    to the YAML file, which export writes in the same directory), the text as it is live
    (no ``$${`` escape: a file is never interpolated), one file name per object."""

    def __init__(self, result: Export) -> None:
        self.result = result
        self._taken: set[str] = set()

    def moved_out(self, spec: KindSpec, obj: LiveObject, values: dict[str, Any]) -> dict[str, Any]:
        for file in spec.files:
            text = obj.values.get(file.field)
            if file.field not in values or not isinstance(text, str):
                continue
            name = self._name(spec, spec.display(obj.values), file.suffix)
            self.result.texts.append(ExportedText(name, text, spec.title, spec.display(obj.values)))
            values = {
                (file.key if k == file.field else k): (name if k == file.field else v)
                for k, v in values.items()
            }
        return values

    def _name(self, spec: KindSpec, display: str, suffix: str) -> str:
        base = f"{spec.key}/{re.sub(r'[^A-Za-z0-9_.-]+', '_', display).strip('_.') or spec.name}"
        name, number = f"{base}{suffix}", 1
        while name.casefold() in self._taken:
            number += 1
            name = f"{base}_{number}{suffix}"
        self._taken.add(name.casefold())
        return name


class _EnvNames:
    """Placeholder variable names: readable, valid, and distinct within one export."""

    def __init__(self) -> None:
        self.used: list[Placeholder] = []
        self._taken: set[str] = set()

    def replace(self, spec: KindSpec, display: str, path: tuple[Any, ...], value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: self.replace(spec, display, (*path, key), item) for key, item in value.items()
            }
        variable = self._name(spec.name, display, path)
        self.used.append(Placeholder(variable, spec.name, display, ".".join(map(str, path))))
        return f"${{env:{variable}}}"

    def _name(self, kind: str, display: str, path: tuple[Any, ...]) -> str:
        words = [ENV_PREFIX, kind, display, *map(str, path)]
        base = "_".join(_slug(w) for w in words if _slug(w))
        name, number = base, 1
        while name in self._taken:
            number += 1
            name = f"{base}_{number}"
        self._taken.add(name)
        return name


def _slug(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")
