"""One client session per run, and the results of apply and export (the other commands'
results are a plan or a report of their own).

Every live command talks to Ambra through one session (one login, one rate limit, one
count of requests), opened here; the CLI and the Action differ only in what they do with
the results and the request counts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ambraconf.api import AmbraClient, ClientSettings, Deadline, Transport
from ambraconf.api.client import DEFAULT_CONCURRENCY
from ambraconf.api.deadline import DEFAULT_COMMAND_SECONDS
from ambraconf.api.transport import RequestCounts
from ambraconf.config.errors import UserError
from ambraconf.engine.apply import ApplyResult
from ambraconf.engine.export import Export
from ambraconf.engine.plan import Plan


@dataclass(frozen=True)
class Connection:
    """Where and how fast to talk to Ambra. ``url`` and ``login`` default to ``AMBRA_URL``
    and ``AMBRA_LOGIN``; the password only ever comes from ``AMBRA_PASSWORD`` (or a session
    from ``AMBRA_SID``), so that it is never on a command line or in a config."""

    url: str | None = None
    login: str | None = None
    rate: float = 5.0
    bundle_size: int = 50
    on_requests: Callable[[RequestCounts], None] | None = None
    """Called with the requests made once the session ends, even when the run failed."""
    env_suffix: str = ""
    """Read ``AMBRA_URL<suffix>``, ``AMBRA_LOGIN<suffix>``... instead: ``compare --url2``
    reaches a second Ambra whose credentials are in ``AMBRA_*2`` (docs/compare.md)."""
    timeout: float = DEFAULT_COMMAND_SECONDS
    """Seconds the whole command may take, from connecting (``api.deadline``): past it
    nothing more is sent and the command fails (an apply stops and reports what it did)."""
    concurrency: int = DEFAULT_CONCURRENCY
    """Bundles of reads in flight at once (``AmbraClient``); changes go one at a time."""


@contextmanager
def connect(connection: Connection) -> Iterator[AmbraClient]:
    try:
        settings = ClientSettings.from_env(
            _suffixed(connection.env_suffix), url=connection.url, login=connection.login
        )
    except UserError as error:
        if not connection.env_suffix:
            raise
        named = _renamer(connection.env_suffix)
        raise UserError(named(error.message), hint=error.hint and named(error.hint)) from None
    transport = Transport(
        settings.url,
        ca_bundle=settings.ca_bundle,
        requests_per_second=connection.rate,
        deadline=Deadline(connection.timeout),
        pool_size=connection.concurrency,
    )
    client = AmbraClient(
        settings,
        transport=transport,
        bundle_size=connection.bundle_size,
        concurrency=connection.concurrency,
    )
    try:
        with client:
            yield client
    finally:
        if connection.on_requests is not None:
            connection.on_requests(client.counts())


def _suffixed(suffix: str) -> dict[str, str] | None:
    """The environment as ``ClientSettings`` reads it, ``AMBRA_X<suffix>`` as ``AMBRA_X``;
    None (the process environment) without a suffix."""
    if not suffix:
        return None
    return {
        name[: -len(suffix)]: value
        for name, value in os.environ.items()
        if name.startswith("AMBRA_") and name.endswith(suffix)
    }


def _renamer(suffix: str) -> Callable[[str], str]:
    """Messages about missing settings name the variables that were read: ``AMBRA_URL2``."""
    return lambda text: re.sub(r"\b(AMBRA_[A-Z_]+)\b", rf"\g<1>{suffix}", text)


@dataclass
class ApplyRun:
    """What an apply did: the plan it followed and, when it changed something, the outcome
    of every action. ``result`` is None when there was nothing to change or no one
    confirmed (``confirmed`` tells which); ``warnings`` are about recording the apply in
    Ambra, which never turns a good apply into an error."""

    plan: Plan
    result: ApplyResult | None = None
    confirmed: bool = True
    warnings: list[str] = field(default_factory=list)
    timed_out: str | None = None
    """Why the apply stopped early when the command's deadline passed (``result`` is then
    ``interrupted`` and says what was done)."""

    @property
    def ok(self) -> bool:
        """Everything asked for was done (a cancelled apply did not do what was asked)."""
        if self.result is None:
            return self.confirmed and self.timed_out is None
        return not (self.result.failed or self.result.skipped or self.result.interrupted)


@dataclass
class ExportRun:
    """An exported account and where it went: ``written`` pairs with ``export.files``;
    ``strays`` are YAML files that were in ``out`` before, which validate and plan read too."""

    export: Export
    out: Path
    written: list[Path] = field(default_factory=list)
    strays: list[Path] = field(default_factory=list)
