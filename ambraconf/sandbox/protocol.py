"""The wire protocol of the v3 API: typed access to form parameters and the error shape.

Every parameter arrives as text. The documentation fixes how text becomes a value
(flags are 0/1, JSON-typed parameters carry JSON text, a required field that is
empty counts as missing), so those rules live here once and every endpoint
gets the same answers for the same mistakes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class ApiError(Exception):
    """A documented application error: HTTP 412 with ``status: ERROR`` unless told otherwise."""

    def __init__(
        self,
        error_type: str,
        subtype: Any = None,
        data: Any = None,
        *,
        http_status: int = 412,
    ) -> None:
        super().__init__(error_type if subtype is None else f"{error_type} {subtype}")
        self.error_type = error_type
        self.subtype = subtype
        self.data = data
        self.http_status = http_status

    def body(self) -> dict[str, Any]:
        return error_body(self.error_type, self.subtype, self.data)


def error_body(error_type: str, subtype: Any = None, data: Any = None) -> dict[str, Any]:
    """The JSON hash the documentation describes for an error; 401, 404, 429, 5xx use it too."""
    body: dict[str, Any] = {"status": "ERROR", "error_type": error_type}
    if subtype is not None:
        body["error_subtype"] = subtype
    if data is not None:
        body["error_data"] = data
    return body


def missing(*names: str) -> ApiError:
    """MISSING_FIELDS with the array of every missing field, as the documentation promises."""
    return ApiError("MISSING_FIELDS", list(names))


class Params:
    """The parameters of one call, with the documented conversions from text."""

    def __init__(self, raw: Mapping[str, str]) -> None:
        self.raw: dict[str, str] = dict(raw)

    def __contains__(self, name: str) -> bool:
        return name in self.raw

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.raw.get(name, default)

    def filled(self, name: str) -> bool:
        """Present with data in it: an empty value counts as missing for required fields."""
        return self.raw.get(name, "") != ""

    def require(self, *names: str) -> None:
        """Raise MISSING_FIELDS naming every required field that is absent or empty."""
        absent = [name for name in names if not self.filled(name)]
        if absent:
            raise missing(*absent)

    def require_one_of(self, *names: str) -> str:
        """For ``(a || b)`` parameters: the first one given, else MISSING_FIELDS naming all."""
        for name in names:
            if self.filled(name):
                return name
        raise missing(*names)

    def text(self, name: str) -> str:
        return self.raw[name]

    def json(self, name: str) -> Any:
        return parse_json(name, self.raw[name])

    def hash(self, name: str, prefix: str | None = None) -> dict[str, Any]:
        """A hash parameter: JSON text in ``name``, then ``PREFIX<KEY>`` singles over it.

        Empty text counts as not given; JSON that is not a hash is INVALID_JSON.
        """
        changes: dict[str, Any] = {}
        if self.filled(name):
            given = self.json(name)
            if not isinstance(given, dict):
                raise ApiError("INVALID_JSON", name)
            changes.update(given)
        if prefix is not None:
            changes.update(self.prefixed(prefix))
        return changes

    def prefixed(self, prefix: str) -> dict[str, str]:
        """Parameters named ``PREFIX<rest>`` as {rest: value}, e.g. ``setting_<NAME>``."""
        return {k[len(prefix) :]: v for k, v in self.raw.items() if k.startswith(prefix)}


def parse_flag(name: str, value: Any) -> int:
    """Flags are numeric 1 or 0; anything else is INVALID_FLAG naming the flag."""
    if value in ("0", "1", 0, 1) and not isinstance(value, bool):
        return int(value)
    raise ApiError("INVALID_FLAG", name)


def parse_integer(name: str, value: str) -> int | None:
    """An integer field; empty text clears it, anything else must be a whole number."""
    if value == "":
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise ApiError("INVALID_INTEGER", name) from None


def parse_json(name: str, value: str) -> Any:
    """JSON-typed parameters carry JSON text; bad text is INVALID_JSON naming the field."""
    try:
        return json.loads(value)
    except (ValueError, TypeError):
        raise ApiError("INVALID_JSON", name) from None


def csv_items(value: str) -> list[str]:
    """A comma separated list as the API writes it, blanks dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


def wire_value(value: Any) -> str:
    """Turn a JSON value from a bundle item into the text a form field would carry."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def ok(body: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A success hash: ``status: OK`` first, then the fields."""
    result: dict[str, Any] = {"status": "OK"}
    if body:
        result.update(body)
    return result
