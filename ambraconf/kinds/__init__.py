"""Kinds of objects ambraconf manages: one module each, and the registry that lists them."""

from ambraconf.kinds.registry import (
    ACCOUNT,
    BY_KEY,
    BY_NAME,
    KINDS,
    Account,
    AccountHead,
    SharedBlock,
    kind,
)
from ambraconf.kinds.spec import ANY, KEYS, KindSpec, Reference

__all__ = [
    "ACCOUNT",
    "ANY",
    "BY_KEY",
    "BY_NAME",
    "KEYS",
    "KINDS",
    "Account",
    "AccountHead",
    "KindSpec",
    "Reference",
    "SharedBlock",
    "kind",
]
