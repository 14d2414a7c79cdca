"""Python values to the API's form values.

Every parameter travels as a string. The API reads flags as ``1``/``0`` (a Python ``True``
would go out as ``True`` and fail with ``INVALID_FLAG``), takes hashes and arrays as JSON
text in one field, and a few parameters as plain comma-separated text, which is why
``CommaList`` exists: a Python list alone always means JSON. Inside JSON text values stay
JSON (``true``/``false``); where a hash wants 0/1 flags, the caller puts 0/1 in it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any


class CommaList(tuple[str, ...]):
    """Values for a parameter the API takes as comma-separated text (``a,b,c``).

    Examples: route ``other_namespaces`` and ``manual_roles``, purge ``study_status_tags``.
    """

    def __new__(cls, items: Iterable[Any]) -> CommaList:
        return super().__new__(cls, (str(item) for item in items))


def encode_value(value: Any) -> str | None:
    """Encode one parameter value; ``None`` means "do not send this parameter"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, CommaList):
        return ",".join(value)
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    raise TypeError(f"cannot send a {type(value).__name__} as an API parameter: {value!r}")


def encode_params(params: Mapping[str, Any]) -> dict[str, str]:
    """Encode a whole parameter mapping, dropping ``None`` values and keeping the order."""
    encoded = {key: encode_value(value) for key, value in params.items()}
    return {key: value for key, value in encoded.items() if value is not None}
