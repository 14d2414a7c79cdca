"""Wiring a kind's model fields to the API: each field is declared once, on the model.

A field the API takes carries ``Api(...)`` in its annotation; ``fields_of`` derives the
field table (``codec.Field``) from the model, the codec from the type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ambraconf.kinds.codec import CODECS, Field, plain_type


@dataclass(frozen=True)
class Api:
    """How a model field travels to and from the API; the model annotates it in place
    (``for_group: Annotated[Flag | None, Api()]``), so a field is declared once.

    ``name`` is the API's parameter name when it differs (``role`` is ``role_id``);
    ``codec`` is needed only where the field's type does not decide it (a list is JSON
    or comma-separated); ``ref`` names the kind a reference points at. ``add_only``
    fields can only be given when the object is created (a change is a replace);
    ``set_only`` ones only in a set (a create sends them right after the add).
    ``compare=False`` fields are sent on add but never diffed (an account's name).
    ``add_default`` is sent on add when the config leaves the field out (the add requires
    it); ``resend`` fields go with every set, changed or not (the set requires them).
    ``read_as`` is the name reads return the field under where it is not the parameter's
    (an account user's ``email`` is listed as ``user_email``, a terminology override's
    ``value`` as ``val``): a table fact, not code of the kind's own.
    """

    name: str | None = None
    codec: str | None = None
    ref: str | None = None
    add_only: bool = False
    set_only: bool = False
    compare: bool = True
    add_default: Any = None
    resend: bool = False
    read_as: str | None = None


class DeclarationError(TypeError):
    """A kind whose declaration contradicts itself or the documented API (at import)."""


def fields_of(model: type[BaseModel]) -> tuple[Field, ...]:
    """The wired fields of ``model``: those annotated with ``Api``, codec from the type."""
    found = []
    for name, info in model.model_fields.items():
        api = next((m for m in info.metadata if isinstance(m, Api)), None)
        if api is None:
            continue
        key = info.alias or name
        codec, shape = _codec(model, key, info.annotation, api)
        found.append(
            Field(
                key,
                codec,
                api.name,
                api.ref,
                api.add_only,
                api.set_only,
                api.compare,
                shape,
                api.add_default,
                api.resend,
                api.read_as,
            )
        )
    return tuple(found)


def _codec(
    model: type[BaseModel], name: str, annotation: Any, api: Api
) -> tuple[str, type[BaseModel] | None]:
    """One rule per type: bool is a flag, int a number, a mapping or a documented
    structure JSON, text text (or a reference with ``ref``); lists must say."""
    base = plain_type(annotation)
    shape = base if isinstance(base, type) and issubclass(base, BaseModel) else None
    if api.codec is not None:
        if api.codec not in CODECS:
            raise DeclarationError(f"{model.__name__}.{name}: unknown codec {api.codec!r}")
        return api.codec, shape
    if base is bool:
        return "flag", None
    if base is int:
        return "int", None
    if base is str:
        return ("ref" if api.ref else "text"), None
    if base is dict or shape is not None:
        return "json", shape
    raise DeclarationError(
        f"{model.__name__}.{name}: say how the API encodes it (Api(codec=...)); "
        f"its type {annotation!r} does not decide"
    )
