"""Masking of secret parameters, so logs and exceptions can show what was sent."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

SECRET_PARAMS = frozenset({"password", "new_password", "sid", "auth"})
"""Parameters whose values never appear in a log line or an exception."""

SECRET_ENDINGS = ("password", "secret", "token")
"""Also masked: any parameter named like a secret (``old_password``, ``client_secret``,
``charge_token`` in the API documentation), so a newly used endpoint cannot leak one."""

MASK = "***"


def is_secret(key: str) -> bool:
    """Whether the parameter ``key`` holds a credential."""
    return key in SECRET_PARAMS or key.casefold().endswith(SECRET_ENDINGS)


def redact(params: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of ``params`` with every secret value replaced by ``***``."""
    return {key: MASK if is_secret(key) else value for key, value in params.items()}


def redact_body(form: Mapping[str, str] | None, json_text: str | None) -> object:
    """What a request sent, secrets masked: its form, or each call of a ``/bundle`` body
    (a JSON list of parameter objects, each with its own ``sid``)."""
    if json_text is None:
        return redact(form or {})
    try:
        body = json.loads(json_text)
    except ValueError:
        return MASK  # not JSON: nothing tells its secrets from the rest
    if isinstance(body, list):
        return [redact(item) if isinstance(item, dict) else item for item in body]
    return redact(body) if isinstance(body, dict) else body
