"""Many accounts in one plan (issue 17): the multi-account workload measured, its table,
and the targets of issue 17.

For each shape (M accounts x K objects, ``benchmarks.multi_workload``) the sandbox is
reset and seeded with the accounts and their unmanaged destinations; the config is then
applied by the product itself with the sandbox's latency and rate limit off (``seed``:
the live side made fast, measured so its time is known), the knobs set back to
``--latency``/``--rate-limit``, and measured, each in a fresh client process:

- ``plan-unchanged``: plan of the same config (no changes);
- ``plan-10pct``: plan with 10% of each kind's objects edited (up to ``--multi-10pct-max``
  objects in all);
- ``plan-unchanged`` per object, up to ``--baseline-max`` objects in all;
- ``yaml-load``: a plain ``yaml.load`` of the same files.

The rate limit counts a ``/bundle`` as one request here (the reading under which bundling
pays); the single-account run measures the other reading.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks import measure
from benchmarks.multi_workload import Shape, list_calls, seed, write_config

if TYPE_CHECKING:
    from benchmarks.run import Bench

CHANGED = 0.10
DEFAULT_SHAPES = "100x100,500x200"

REQUESTS_CONSTANT = 5
"""Requests a plan may make beyond the bundles its read calls fill: the account list and a
few rounds that do not grow with the accounts (a second page, companions). The read calls
are the list calls and the apply-record read of each account (``/setting/get``), which
issue 17 has ride in the list bundles; read in bundles of their own, one per 50 accounts,
they grow with the accounts, and this target catches it."""
WALL_SLACK = 1.2
TARGET_SHAPE = Shape(500, 200)
CPU_MULTI_MAX_S = 10.0
RSS_MULTI_MAX_MB = 1024
SINGLE_SIZE = 10_000
CPU_SINGLE_MAX_S = 1.0
YAML_SHARE_MAX = 0.5
RSS_SINGLE_MAX_MB = 150


class MultiBench:
    """The multi-account measurements, against the sandbox of a ``Bench``."""

    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        self.results: list[dict[str, Any]] = []

    def shape(self, shape: Shape, folder: Path) -> None:
        bench, opts = self.bench, self.bench.options
        base = write_config(folder / f"multi-{shape}", shape)
        bench.log(f"{shape}: {shape.accounts} accounts x {shape.per_account} objects")
        bench.sandbox.reset()
        bench.sandbox.configure(latency_ms=0, rate_limit=0, rate_limit_bundle_items=False)
        bench.sandbox.seed(seed(shape))
        seeded = self.measure(shape, "seed", "bundled", base)
        applied = seeded["apply"]
        if applied["failed"] or applied["skipped"]:
            raise RuntimeError(f"{shape}: the seeding apply did not finish: {applied['summary']}")
        bench.knob(items=False)
        unchanged = self.measure(shape, "plan-unchanged", "bundled", base)
        if _changes(unchanged):
            raise RuntimeError(f"{shape}: the plan after seeding is not empty: {unchanged['plan']}")
        if shape.objects <= opts.multi_10pct_max:
            edited = write_config(folder / f"multi-{shape}-10pct", shape, changed=CHANGED)
            changed = self.measure(shape, "plan-10pct", "bundled", edited)
            if not changed["plan"]["update"]:
                raise RuntimeError(f"{shape}: the edited config plans no update")
        else:
            bench.log(f"  plan-10pct skipped (--multi-10pct-max {opts.multi_10pct_max})")
        if shape.objects <= opts.baseline_max:
            self.measure(shape, "plan-unchanged", "per_object", base)
        else:
            bench.log(f"  per-object baseline skipped (--baseline-max {opts.baseline_max})")
        self.measure(shape, measure.YAML_LOAD, "plain", base)

    def measure(self, shape: Shape, scenario: str, strategy: str, config: Path) -> dict[str, Any]:
        operation = {"seed": "apply", "plan-unchanged": "plan", "plan-10pct": "plan"}
        record = {
            "shape": str(shape),
            "accounts": shape.accounts,
            "per_account": shape.per_account,
            "objects": shape.objects,
            "list_calls": list_calls(shape),
            "record_calls": shape.accounts,
            "scenario": scenario,
            "strategy": strategy,
            **self.bench.execute(operation.get(scenario, scenario), strategy, config),
        }
        self.results.append(record)
        self.bench.log(f"  {shape!s:>9} {scenario:<15} {strategy:<17} {measure.line(record)}")
        return record


def _changes(record: dict[str, Any]) -> int:
    return sum(n for op, n in record["plan"].items() if op != "noop")


def parse_shapes(text: str) -> list[Shape]:
    return [Shape.parse(part) for part in text.split(",") if part.strip()]


def find(
    results: Sequence[dict[str, Any]], shape: str, scenario: str, strategy: str = "bundled"
) -> dict[str, Any] | None:
    for r in results:
        if (r["shape"], r["scenario"], r["strategy"]) == (shape, scenario, strategy):
            return r
    return None


def request_bound(record: dict[str, Any], bundle_size: int) -> int:
    """The most requests after login a plan of this shape may make: its read calls (list
    calls and apply records) in full bundles, plus ``REQUESTS_CONSTANT``."""
    calls = record["list_calls"] + record["record_calls"]
    return math.ceil(calls / bundle_size) + REQUESTS_CONSTANT


def targets(
    single: Sequence[dict[str, Any]],
    multi: Sequence[dict[str, Any]],
    *,
    bundle_size: int,
    rate_limit: float,
) -> list[dict[str, Any]]:
    """The targets of issue 17, each with the numbers behind it and whether it is met: the
    10,000-object single-account plan (from ``single``, the run's single-account results),
    and plans of the multi-account shapes."""
    found: list[dict[str, Any]] = []
    plan = _find_single(single, "plan-unchanged", "bundled")
    plain = _find_single(single, measure.YAML_LOAD, "plain")
    if plan is not None and plain is not None:
        share = plan["cpu_s"] / plain["cpu_s"] if plain["cpu_s"] > 0 else math.inf
        found.append(
            {
                "target": f"client CPU of a {SINGLE_SIZE:,}-object plan under "
                f"{CPU_SINGLE_MAX_S:g} s and at most {YAML_SHARE_MAX:g} of a plain yaml.load "
                f"of the same files ({plain['loader']}), peak memory under "
                f"{RSS_SINGLE_MAX_MB} MB",
                "numbers": {
                    "cpu_s": round(plan["cpu_s"], 2),
                    "yaml_load_cpu_s": round(plain["cpu_s"], 2),
                    "share": round(share, 2),
                    "peak_rss_mb": plan["peak_rss_mb"],
                },
                "met": plan["cpu_s"] < CPU_SINGLE_MAX_S
                and share <= YAML_SHARE_MAX
                and plan["peak_rss_mb"] < RSS_SINGLE_MAX_MB,
            }
        )
    big = find(multi, str(TARGET_SHAPE), "plan-unchanged")
    if big is not None:
        found.append(
            {
                "target": f"client CPU of an unchanged {TARGET_SHAPE} plan under "
                f"{CPU_MULTI_MAX_S:g} s, peak memory under {RSS_MULTI_MAX_MB} MB",
                "numbers": {"cpu_s": round(big["cpu_s"], 2), "peak_rss_mb": big["peak_rss_mb"]},
                "met": big["cpu_s"] < CPU_MULTI_MAX_S and big["peak_rss_mb"] < RSS_MULTI_MAX_MB,
            }
        )
    for r in multi:
        if (r["scenario"], r["strategy"]) != ("plan-unchanged", "bundled"):
            continue
        bound = request_bound(r, bundle_size)
        found.append(
            {
                "target": f"{r['shape']} unchanged plan: requests after login at most the "
                f"(list + apply-record) calls / bundle size ({bundle_size}) + "
                f"{REQUESTS_CONSTANT}",
                "numbers": {
                    "requests_after_login": r["requests_after_login"],
                    "list_calls": r["list_calls"],
                    "record_calls": r["record_calls"],
                    "bound": bound,
                },
                "met": r["requests_after_login"] <= bound,
            }
        )
        if rate_limit > 0:
            wall_max = r["requests_after_login"] / rate_limit * WALL_SLACK
            found.append(
                {
                    "target": f"{r['shape']} unchanged plan: wall time at most requests / rate "
                    f"limit ({rate_limit:g}/s) + {WALL_SLACK - 1:.0%}",
                    "numbers": {
                        "wall_s": round(r["wall_s"], 2),
                        "requests_after_login": r["requests_after_login"],
                        "bound_s": round(wall_max, 2),
                    },
                    "met": r["wall_s"] <= wall_max,
                }
            )
    return found


def _find_single(
    results: Sequence[dict[str, Any]], scenario: str, strategy: str
) -> dict[str, Any] | None:
    for r in results:
        if (r["size"], r["scenario"], r["strategy"]) == (SINGLE_SIZE, scenario, strategy) and (
            strategy != "bundled" or r["mode"] == "bundle"
        ):
            return r
    return None


def table(results: Sequence[dict[str, Any]]) -> str:
    """The multi-account results as a Markdown table."""
    lines = [
        "| accounts x objects | scenario | strategy | requests after login | list calls | 429s "
        "| wall s | client CPU s | peak MB | vs per-object |",
        "|" + "---|" * 10,
    ]
    for r in results:
        base = find(results, r["shape"], r["scenario"], "per_object")
        ratio = (
            base["wall_s"] / r["wall_s"]
            if base is not None and r["strategy"] == "bundled" and r["wall_s"] > 0
            else None
        )
        if r["scenario"] == measure.YAML_LOAD:
            strategy, requests = f"plain yaml.load ({r['loader']})", "— | — | —"
        else:
            strategy = r["strategy"].replace("_", "-") + (
                " (latency 0, no rate limit)" if r["scenario"] == "seed" else ""
            )
            requests = (
                f"{r['requests_after_login']:,} | {r['list_calls']:,} "
                f"| {r['server']['rate_limited']:,}"
            )
        lines.append(
            f"| {r['shape']} | {r['scenario']} | {strategy} | {requests} | {r['wall_s']:.2f} "
            f"| {r['cpu_s']:.2f} | {r['peak_rss_mb']:.0f} "
            f"| {f'{ratio:.0f}x' if ratio is not None else ''} |"
        )
    return "\n".join(lines)
