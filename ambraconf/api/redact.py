"""Masking of secret parameters, so logs and exceptions can show what was sent."""

from __future__ import annotations

from collections.abc import Mapping

SECRET_PARAMS = frozenset({"password", "new_password", "sid", "auth"})
"""Parameters whose values never appear in a log line or an exception."""

MASK = "***"


def redact(params: Mapping[str, str]) -> dict[str, str]:
    """Return a copy of ``params`` with every secret value replaced by ``***``."""
    return {key: MASK if key in SECRET_PARAMS else value for key, value in params.items()}
