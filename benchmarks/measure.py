"""One measured run of the client: plan or apply of a config, bundled or per object, or
a plain ``yaml.load`` of the config's files (the yardstick for the loader's CPU).

Run as ``python -m benchmarks.measure`` with a job as JSON on stdin, it prints the result
as JSON on stdout. ``benchmarks.run`` starts one such process per measurement so that the
CPU time and peak memory it reports are the client's alone (the sandbox runs in another
process) and no measurement inherits the caches or the heap of the one before.

What is measured, from after the imports to the end of the run:

- ``wall_s``: elapsed time; ``cpu_s``: user + system CPU time of this process (all its
  threads); ``phases``: the same split into loading the config, reading live state and
  planning, and applying.
- ``peak_rss_mb``: the process's peak resident memory, which includes the interpreter and
  the imports (``start_rss_mb`` is the resident memory before the run). It is ``VmHWM``
  of ``/proc/self/status`` where there is one (Linux), else ``ru_maxrss``; ``peak_source``
  says which.
- ``requests`` (not for ``yaml-load``): HTTP requests the client sent, as its transport
  counts them (every attempt, so a request refused with 429 and sent again counts twice),
  in total, per endpoint, and without the session's login and logout.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from ambraconf.api import AmbraClient, ClientSettings, RetryPolicy, Transport
from ambraconf.api.client import DEFAULT_CONCURRENCY
from ambraconf.config.errors import UserError
from ambraconf.config.loader import discover
from ambraconf.config.validate import load_config
from ambraconf.engine.apply import Applier
from ambraconf.engine.plan import Plan
from ambraconf.engine.workflow import make_plan
from ambraconf.kinds import BY_NAME, KINDS, KindSpec
from benchmarks.per_object import PerObjectClient, get_paths

SESSION_ENDPOINTS = ("/session/login", "/session/logout")
YAML_LOAD = "yaml-load"
"""The operation that is not the product: a plain ``yaml.load`` of the config's files."""
RETRY = RetryPolicy(max_attempts=100, backoff_base=0.25, backoff_max=2.0, retry_after_max=60.0)
"""Both strategies wait out the sandbox's 429s (Retry-After) for as long as it takes: the
benchmark measures how long a run takes under the rate limit, not whether it gives up."""


@dataclass
class Job:
    url: str
    login: str
    password: str
    config: str
    strategy: str = "bundled"  # or "per_object"; "plain" for YAML_LOAD
    operation: str = "plan"  # or "apply", or YAML_LOAD (no client, no sandbox)
    bundle_size: int = 50
    threads: int = 10
    concurrency: int = DEFAULT_CONCURRENCY

    def __post_init__(self) -> None:
        if self.operation not in ("plan", "apply", YAML_LOAD):
            raise ValueError(f"unknown operation {self.operation!r}")
        if self.strategy not in ("bundled", "per_object", "plain"):
            raise ValueError(f"unknown strategy {self.strategy!r}")
        if (self.strategy == "plain") != (self.operation == YAML_LOAD):
            raise ValueError(f"strategy 'plain' is for {YAML_LOAD} alone")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    """Resident memory now (Linux /proc; 0 where it is not available)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 1048576


def _peak_rss_mb() -> tuple[float, str]:
    """Peak resident memory and where it was read: ``VmHWM`` (Linux, exact), else
    ``ru_maxrss`` (kilobytes on Linux, bytes on macOS)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024, "VmHWM"
    except (OSError, IndexError, ValueError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (peak / 1024 if sys.platform != "darwin" else peak / 1048576), "ru_maxrss"


class _Clock:
    def __init__(self) -> None:
        self.phases: dict[str, dict[str, float]] = {}
        self._wall, self._cpu = time.perf_counter(), _cpu()
        self._start = (self._wall, self._cpu)

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), _cpu()
        self.phases[name] = {"wall_s": wall - self._wall, "cpu_s": cpu - self._cpu}
        self._wall, self._cpu = wall, cpu

    def total(self) -> dict[str, float]:
        return {"wall_s": self._wall - self._start[0], "cpu_s": self._cpu - self._start[1]}


def make_client(job: Job) -> AmbraClient:
    """The product's client as the benchmark drives it: its own limiter off (the sandbox's
    limit governs), 429s waited out (``RETRY``), the job's bundle size and concurrency."""
    transport = Transport(job.url, requests_per_second=None, retry=RETRY, pool_size=job.concurrency)
    return AmbraClient(
        ClientSettings(job.url, job.login, job.password),
        transport=transport,
        bundle_size=job.bundle_size,
        concurrency=job.concurrency,
    )


def yaml_load(job: Job) -> dict[str, Any]:
    """A plain ``yaml.load`` of every file the config is made of, with PyYAML's C loader
    where it is built in: what any tool pays just to read the files."""
    start_rss = _rss_mb()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    clock = _Clock()
    files = discover(Path(job.config))
    for path in files:
        with open(path, encoding="utf-8") as stream:
            yaml.load(stream, Loader=loader)
    clock.lap("load")
    return {
        **_measured(job, clock, start_rss),
        "loader": loader.__name__,
        "files": len(files),
        "bytes": sum(os.path.getsize(p) for p in files),
    }


def _measured(job: Job, clock: _Clock, start_rss: float) -> dict[str, Any]:
    """What every job reports: itself, its times by phase and its memory, taken now (at
    its end, so that the peak is the job's)."""
    peak, source = _peak_rss_mb()
    return {
        "job": asdict(job),
        **clock.total(),
        "phases": clock.phases,
        "start_rss_mb": round(start_rss, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_source": source,
    }


def run(job: Job) -> dict[str, Any]:
    """Carry out the job and return what was measured (see the module's docstring)."""
    if job.operation == YAML_LOAD:
        return yaml_load(job)
    start_rss = _rss_mb()
    clock = _Clock()
    config = load_config(Path(job.config))
    clock.lap("load")
    client = make_client(job)
    specs = BY_NAME
    api: Any = client
    if job.strategy == "per_object":
        api = PerObjectClient(
            client, get_paths(s.api.list_path for s in KINDS), threads=job.threads
        )
    applied: dict[str, Any] | None = None
    try:
        plan_run = make_plan(config, api)
        clock.lap("plan")
        plan_requests = client.counts()
        if job.operation == "apply":
            levels = _levels(plan_run.plan, specs)
            result = Applier(api, plan_run.live, specs).apply(plan_run.plan)
            clock.lap("apply")
            applied = {
                "summary": result.summary(),
                "failed": len(result.failed),
                "skipped": len(result.skipped),
                "requests": client.counts().total - plan_requests.total,
                "levels": levels,
                "bundles_needed": bundles_needed(levels, job.bundle_size),
            }
    finally:
        if isinstance(api, PerObjectClient):
            api.close()
        else:
            client.logout()
            client.close()
    counts = client.counts()
    session = sum(counts.by_endpoint.get(path, 0) for path in SESSION_ENDPOINTS)
    return {
        **_measured(job, clock, start_rss),
        "requests": counts.total,
        "requests_after_login": counts.total - session,
        "requests_by_endpoint": dict(counts.by_endpoint),
        "plan_requests_after_login": plan_requests.total
        - sum(plan_requests.by_endpoint.get(p, 0) for p in SESSION_ENDPOINTS),
        "plan": plan_run.plan.counts(),
        "apply": applied,
    }


def line(record: dict[str, Any]) -> str:
    """A measurement as one line of the progress log."""
    if "requests_after_login" not in record:
        requests = f"{'':>6}     {'':>4}    "
    else:
        requests = (
            f"{record['requests_after_login']:>6} req {record['server']['rate_limited']:>4} 429"
        )
    return (
        f"{requests} {record['wall_s']:8.2f} s wall {record['cpu_s']:6.2f} s cpu "
        f"{record['peak_rss_mb']:6.1f} MB"
    )


def _levels(plan: Plan, specs: Mapping[str, KindSpec]) -> list[dict[str, int]]:
    """Per dependency level of the plan's changes: how many actions, how many calls each
    phase of apply sends (the object's own call; the set after an add for fields add does
    not take, or the delete after a replace; companion calls such as namespace settings),
    and the fewest bundles that carries them (``bundles_needed``) at this bundle size."""
    levels: dict[int, dict[str, int]] = {}
    for action in plan.actions:
        if action.op == "noop":
            continue
        level = levels.setdefault(
            action.level,
            {"level": action.level, "actions": 0, "first": 0, "second": 0, "companions": 0},
        )
        level["actions"] += 1
        level["first"] += 1
        spec = specs.get(action.kind)
        desired = action.desired or {}
        if spec is None or action.op == "delete":
            continue
        if action.op == "replace" or (
            action.op == "create" and any(k in spec.api.set_only for k in desired)
        ):
            level["second"] += 1
        level["companions"] += sum(
            1 for c in spec.api.companions if desired.get(c.field) is not None
        )
    return [levels[n] for n in sorted(levels)]


def bundles_needed(levels: list[dict[str, int]], bundle_size: int) -> int:
    """The fewest requests an apply of these levels can make: each phase of each level
    is a separate round of bundles (later phases need the uuids earlier ones return)."""
    return sum(
        -(-level[phase] // bundle_size)
        for level in levels
        for phase in ("first", "second", "companions")
    )


def main() -> None:
    job = Job(**json.load(sys.stdin))
    try:
        result = run(job)
    except UserError as error:  # a config the product refuses: its gist, not a traceback
        lines = str(error).splitlines()
        more = f" (and {len(lines) - 2} more lines)" if len(lines) > 2 else ""
        sys.exit(f"{type(error).__name__}: {' '.join(lines[:2])}{more}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
