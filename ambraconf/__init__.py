"""ambraconf: configuration as code for Ambra Health accounts.

The Python API (docs/python-api.md) is importable from here: ``ambraconf.plan(...)``.
It is loaded on first use, so that ``import ambraconf.sandbox`` or ``ambraconf --help``
do not load the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ambraconf.version import __version__

if TYPE_CHECKING:
    from ambraconf.library import (
        EXPORTABLE,
        Connection,
        adopt,
        apply,
        compare,
        drift,
        export,
        load,
        plan,
    )

__all__ = [
    "EXPORTABLE",
    "Connection",
    "__version__",
    "adopt",
    "apply",
    "compare",
    "drift",
    "export",
    "load",
    "plan",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ambraconf import library

        return getattr(library, name)
    raise AttributeError(f"module 'ambraconf' has no attribute {name!r}")
