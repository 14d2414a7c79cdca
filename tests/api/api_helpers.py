"""Types the API client tests share (a module of its own name, so that imports from it work
whichever test directories pytest collects)."""

from __future__ import annotations

from collections.abc import Callable

from ambraconf.api import AmbraClient

Connect = Callable[..., AmbraClient]
"""The ``connect`` fixture: keyword options in, a client bound to the stand-in out."""
