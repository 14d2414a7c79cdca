"""Benchmark plan and apply against the sandbox, bundled (the product) and per object.

    python -m benchmarks.run          # sizes 100, 1000, 10000, then 100x100, 500x200
    python -m benchmarks.run --sizes 100,1000 --baseline-max 1000 --multi "" --out /tmp/b.json

For each size it seeds a sandbox account, then measures, each in a fresh client process
(``benchmarks.measure``):

- ``apply-empty``: apply of the whole config to the empty account;
- ``plan-unchanged``: plan of the config right after that apply (no changes);
- ``plan-10pct``: plan of the config with 10% of the objects edited;

with the product's bundled client, once with the sandbox's rate limit counting a
``/bundle`` as one request and once as one request per call in it
(``rate_limit_bundle_items``; apply-empty under that reading only up to
``--items-apply-max`` objects), and with the per-object strategy of
``benchmarks.per_object`` (which sends no bundles, so the knob does not change it: it is
measured once and compared with both; only up to ``--baseline-max`` objects), and a plain
``yaml.load`` of the same files. Then the multi-account shapes of ``--multi``
(``benchmarks.multi``). It prints the tables and the targets of issues 8 and 17, and
writes everything as JSON (``benchmarks/results/latest.json``) and the tables as Markdown
next to it. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ambraconf.api.client import DEFAULT_CONCURRENCY
from ambraconf.sandbox.harness import SandboxHandle
from benchmarks import measure, multi, workload

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
SCENARIOS = ("plan-unchanged", "plan-10pct", "apply-empty")
YAML_LOAD = measure.YAML_LOAD
OPERATIONS = {"plan-unchanged": "plan", "plan-10pct": "plan", "apply-empty": "apply"}
"""What each scenario runs (``measure.Job.operation``); a yaml-load scenario is its own."""
MODES = {"bundle": False, "items": True}
"""How the sandbox's rate limit counts a /bundle: one request, or one per call in it."""
CHANGED = 0.10

PLAN_REQUESTS_MAX = 5
SPEEDUP_MIN = 30
CPU_MAX_S = 2.0
RSS_MAX_MB = 300


def machine() -> dict[str, Any]:
    """Where the numbers come from: cores, CPU model, memory, Python, load at the start."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1048576, 1)
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": model or platform.processor(),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def _server_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Bench:
    """Runs the measurements against one sandbox and collects the results."""

    def __init__(self, options: argparse.Namespace, log: Callable[[str], None]) -> None:
        self.options = options
        self.log = log
        self.results: list[dict[str, Any]] = []
        self.sandbox = SandboxHandle.start(
            latency_ms=options.latency, rate_limit=options.rate_limit
        )

    def close(self) -> None:
        self.sandbox.stop()

    def fresh(self, items: bool) -> None:
        """The sandbox back to its start, the benchmark's account seeded, the knob set."""
        self.sandbox.reset()
        self.sandbox.configure(rate_limit=0)
        self.sandbox.seed(workload.seed())
        self.knob(items)

    def knob(self, items: bool) -> None:
        self.sandbox.configure(
            latency_ms=self.options.latency,
            rate_limit=self.options.rate_limit,
            rate_limit_bundle_items=items,
        )

    def execute(self, operation: str, strategy: str, config: Path) -> dict[str, Any]:
        """One job (``measure.Job``) against the sandbox, in a fresh process unless
        ``--in-process``: what it measured, and the sandbox's own counts over it."""
        job = measure.Job(
            url=self.sandbox.url,
            login=self.sandbox.admin_login,
            password=self.sandbox.admin_password,
            config=str(config),
            strategy=strategy,
            operation=operation,
            bundle_size=self.options.bundle_size,
            threads=self.options.threads,
            concurrency=self.options.concurrency,
        )
        self.sandbox.reset_stats()
        server_cpu = _server_cpu()
        if self.options.in_process:
            result = measure.run(job)
            server_cpu_s = None
        else:
            result = _in_child(job)
            server_cpu_s = round(_server_cpu() - server_cpu, 3)
        stats = self.sandbox.stats()
        return {
            **result,
            "server": {
                "requests": stats["requests"],
                "calls": stats["calls"],
                "bundles": stats["bundles"],
                "rate_limited": stats["rate_limited"],
                "cpu_s": server_cpu_s,
            },
        }

    def measure(
        self, size: int, scenario: str, strategy: str, mode: str, config: Path
    ) -> dict[str, Any]:
        operation = OPERATIONS.get(scenario, scenario)
        record = {
            "size": size,
            "scenario": scenario,
            "strategy": strategy,
            "mode": mode,
            **self.execute(operation, strategy, config),
        }
        self.results.append(record)
        self.log(f"  {size:>9} {scenario:<15} {strategy:<10} {mode:<6} {measure.line(record)}")
        return record

    def size(self, size: int, folder: Path) -> None:
        base = workload.write_config(folder / f"{size}", size)
        edited = workload.write_config(folder / f"{size}-10pct", size, changed=CHANGED)
        opts = self.options
        self.log(f"{size} objects: {workload.counts(size)}")
        # bundled, rate limit counting a bundle as one request: apply, then plan twice
        self.fresh(items=False)
        self.measure(size, "apply-empty", "bundled", "bundle", base)
        self.measure(size, "plan-unchanged", "bundled", "bundle", base)
        self.measure(size, "plan-10pct", "bundled", "bundle", edited)
        # the same state, the rate limit now counting every call of a bundle
        self.knob(items=True)
        self.measure(size, "plan-unchanged", "bundled", "items", base)
        self.measure(size, "plan-10pct", "bundled", "items", edited)
        if size <= opts.items_apply_max:
            self.fresh(items=True)
            self.measure(size, "apply-empty", "bundled", "items", base)
        else:
            self.log(
                "  apply-empty with the per-call rate limit skipped "
                f"(--items-apply-max {opts.items_apply_max})"
            )
        if size <= opts.baseline_max:
            self.fresh(items=False)
            self.measure(size, "apply-empty", "per_object", "any", base)
            self.measure(size, "plan-unchanged", "per_object", "any", base)
            self.measure(size, "plan-10pct", "per_object", "any", edited)
        else:
            self.log(f"  per-object baseline skipped (--baseline-max {opts.baseline_max})")
        self.measure(size, YAML_LOAD, "plain", "any", base)


def _in_child(job: measure.Job) -> dict[str, Any]:
    """``benchmarks.measure`` in a fresh Python process; its JSON result."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.measure"],
        input=json.dumps(asdict(job)),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmarks.measure failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)


def find(
    results: Sequence[dict[str, Any]], size: int, scenario: str, strategy: str, mode: str
) -> dict[str, Any] | None:
    for r in results:
        if (r["size"], r["scenario"], r["strategy"]) == (size, scenario, strategy) and (
            strategy == "per_object" or r["mode"] == mode
        ):
            return r
    return None


def speedup(results: Sequence[dict[str, Any]], record: dict[str, Any]) -> float | None:
    """How many times faster (wall time) than the per-object strategy, same size and scenario."""
    if record["strategy"] != "bundled":
        return None
    base = find(results, record["size"], record["scenario"], "per_object", "any")
    if base is None or record["wall_s"] <= 0:
        return None
    return base["wall_s"] / record["wall_s"]


def targets(results: Sequence[dict[str, Any]], bundle_size: int) -> list[dict[str, Any]]:
    """The targets of issue 8, each with the numbers behind it and whether it is met."""
    found: list[dict[str, Any]] = []
    sizes = sorted({r["size"] for r in results})
    plans = [r for r in results if r["scenario"] == "plan-unchanged" and r["strategy"] == "bundled"]
    if plans:
        counts = {f"{r['size']}/{r['mode']}": r["plan_requests_after_login"] for r in plans}
        flat = len({r["plan_requests_after_login"] for r in plans}) == 1
        found.append(
            {
                "target": f"plan of an unchanged account: at most {PLAN_REQUESTS_MAX} requests "
                "after login, the same at every size",
                "numbers": counts,
                "met": flat and max(counts.values()) <= PLAN_REQUESTS_MAX,
            }
        )
    for mode in MODES:
        bundled = find(results, 1000, "plan-unchanged", "bundled", mode)
        if bundled is not None and (ratio := speedup(results, bundled)) is not None:
            found.append(
                {
                    "target": f"plan of an unchanged 1,000-object account at least {SPEEDUP_MIN}x "
                    f"faster than per object (rate limit counts a bundle as {_mode_words(mode)})",
                    "numbers": {"speedup": round(ratio, 1)},
                    "met": ratio >= SPEEDUP_MIN,
                }
            )
    big = max(sizes, default=0)
    record = find(results, big, "plan-unchanged", "bundled", "bundle")
    if record is not None:
        found.append(
            {
                "target": f"client CPU of a {big:,}-object plan under {CPU_MAX_S:g} s, peak memory "
                f"under {RSS_MAX_MB} MB",
                "numbers": {
                    "cpu_s": round(record["cpu_s"], 2),
                    "peak_rss_mb": record["peak_rss_mb"],
                },
                "met": record["cpu_s"] < CPU_MAX_S and record["peak_rss_mb"] < RSS_MAX_MB,
            }
        )
    for mode in MODES:
        record = find(results, 1000, "apply-empty", "bundled", mode)
        if record is not None and record["apply"]:
            applied = record["apply"]
            found.append(
                {
                    "target": "apply from empty of 1,000 objects: requests no more than the "
                    f"bundles its dependency levels need (bundle size {bundle_size}, rate limit "
                    f"counts a bundle as {_mode_words(mode)})",
                    "numbers": {
                        "apply_requests": applied["requests"],
                        "bundles_needed": applied["bundles_needed"],
                        "rate_limited": record["server"]["rate_limited"],
                        "levels": len(applied["levels"]),
                    },
                    "met": applied["requests"] - record["server"]["rate_limited"]
                    <= applied["bundles_needed"],
                }
            )
    return found


def _mode_words(mode: str) -> str:
    return "one request" if mode == "bundle" else "one request per call"


def table(results: Sequence[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    head = (
        "| objects | scenario | strategy | rate limit counts a bundle as | requests after login "
        "| 429s | wall s | client CPU s | peak MB | vs per-object |"
    )
    lines = [head, "|" + "---|" * 10]
    order = {s: i for i, s in enumerate((*SCENARIOS, YAML_LOAD))}
    for r in sorted(
        results,
        key=lambda r: (r["size"], order[r["scenario"]], r["strategy"] != "bundled", r["mode"]),
    ):
        ratio = speedup(results, r)
        mode = "—" if r["strategy"] != "bundled" else _mode_words(r["mode"])
        lines.append(
            f"| {r['size']:,} | {r['scenario']} | {strategy_words(r)} | {mode} "
            f"| {requests_cells(r)} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} "
            f"| {r['peak_rss_mb']:.0f} | {f'{ratio:.0f}x' if ratio is not None else ''} |"
        )
    return "\n".join(lines)


def strategy_words(record: dict[str, Any]) -> str:
    if record["scenario"] == YAML_LOAD:
        return f"plain yaml.load ({record['loader']})"
    return str(record["strategy"]).replace("_", "-")


def requests_cells(record: dict[str, Any]) -> str:
    """The requests and 429s cells: dashes for a yaml-load, which sends none."""
    if "requests_after_login" not in record:
        return "— | —"
    return f"{record['requests_after_login']:,} | {record['server']['rate_limited']:,}"


def report(document: dict[str, Any]) -> str:
    m = document["machine"]
    o = document["options"]
    lines = [
        f"- Machine: {m['cores']} cores, {m['cpu']}, {m['memory_gb']} GB, Python {m['python']}, "
        f"load average at start {', '.join(f'{x:.2f}' for x in m['load_average'] or [])}"
        + (
            f", at the end {', '.join(f'{x:.2f}' for x in document['load_average_end'])}"
            if document.get("load_average_end")
            else ""
        ),
        f"- Sandbox: {o['latency']:g} ms latency, {o['rate_limit']:g} requests/s; bundle size "
        f"{o['bundle_size']}, {o['concurrency']} bundles of reads in flight; "
        f"per-object: {o['threads']} in parallel"
        + (f", up to {o['baseline_max']:,} objects" if o["baseline_max"] else ""),
    ]
    if document["results"]:
        lines += ["", table(document["results"]), "", "Targets of issue 8:"]
        lines += _target_lines(document["targets"])
    if document["multi"]:
        lines += ["", multi.table(document["multi"])]
    if document["scale_targets"]:
        lines += ["", "Targets of issue 17:", *_target_lines(document["scale_targets"])]
    if document["notes"]:
        lines += ["", "Notes:"]
    for note in document["notes"]:
        lines.append(f"- {note}")
    return "\n".join(lines)


def _target_lines(found: Sequence[dict[str, Any]]) -> list[str]:
    lines = []
    for t in found:
        numbers = ", ".join(f"{k} {v}" for k, v in t["numbers"].items())
        lines.append(f"- [{'met' if t['met'] else 'NOT met'}] {t['target']}: {numbers}")
    return lines


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="100,1000,10000", help="objects per account")
    parser.add_argument("--latency", type=float, default=20.0, help="sandbox latency, ms")
    parser.add_argument("--rate-limit", type=float, default=20.0, help="sandbox requests/s")
    parser.add_argument("--bundle-size", type=int, default=50, help="calls per /bundle")
    parser.add_argument("--threads", type=int, default=10, help="per-object parallelism")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help="bundles of reads in flight at once, bundled strategy (the product's --concurrency)",
    )
    parser.add_argument(
        "--baseline-max",
        type=int,
        default=1000,
        help="measure the per-object baseline only up to this many objects (default 1000: "
        "at 10,000 it takes about 10 minutes per scenario)",
    )
    parser.add_argument(
        "--items-apply-max",
        type=int,
        default=1000,
        help="measure apply-empty with the rate limit counting every call of a bundle only "
        "up to this many objects (default 1000: at 10,000, 20 calls/s make it 4 to 8 minutes)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the client in this process (quick checks only: CPU and memory then "
        "include the sandbox's)",
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS / "latest.json", help="JSON results file"
    )
    parser.add_argument(
        "--multi",
        default=multi.DEFAULT_SHAPES,
        help="multi-account shapes, ACCOUNTSxOBJECTS per account, comma-separated (default "
        f'{multi.DEFAULT_SHAPES}; "" skips them)',
    )
    parser.add_argument(
        "--multi-10pct-max",
        type=int,
        default=10_000,
        help="measure plan-10pct of a multi-account shape only up to this many objects in "
        "all (default 10000: 100x100)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the final report")
    options = parser.parse_args(argv)
    options.sizes = [int(s) for s in options.sizes.split(",") if s.strip()]
    try:
        options.multi = multi.parse_shapes(options.multi)
    except ValueError as error:
        parser.error(f"--multi: {error}")
    return options


def run(options: argparse.Namespace, log: Callable[[str], None] = print) -> dict[str, Any]:
    started = time.perf_counter()
    about = machine()
    bench = Bench(options, log)
    shapes = multi.MultiBench(bench)
    notes = []
    try:
        with tempfile.TemporaryDirectory(prefix="ambraconf-bench-") as folder:
            for size in options.sizes:
                bench.size(size, Path(folder))
            for shape in options.multi:
                try:
                    shapes.shape(shape, Path(folder))
                except RuntimeError as error:
                    notes.append(f"{shape} not measured to the end: {_last_line(error)}")
                    log(f"  {notes[-1]}")
    finally:
        bench.close()
    if options.in_process:
        notes.append("in-process run: CPU and memory include the sandbox's")
    skipped = [s for s in options.sizes if s > options.items_apply_max]
    if skipped:
        notes.append(
            "apply-empty with the rate limit counting every call of a bundle not measured at "
            f"{', '.join(f'{s:,}' for s in skipped)} objects "
            f"(--items-apply-max {options.items_apply_max})"
        )
    skipped = [s for s in options.sizes if s > options.baseline_max]
    if skipped:
        notes.append(
            f"per-object baseline not measured at {', '.join(f'{s:,}' for s in skipped)} "
            f"objects (--baseline-max {options.baseline_max})"
        )
    document = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": about,
        "options": {
            **{k: (str(v) if isinstance(v, Path) else v) for k, v in vars(options).items()},
            "multi": [str(shape) for shape in options.multi],
        },
        "duration_s": round(time.perf_counter() - started, 1),
        "load_average_end": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "results": bench.results,
        "targets": targets(bench.results, options.bundle_size),
        "multi": shapes.results,
        "scale_targets": multi.targets(
            bench.results,
            shapes.results,
            bundle_size=options.bundle_size,
            rate_limit=options.rate_limit,
        ),
        "notes": notes,
    }
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(document, indent=2) + "\n")
    options.out.with_suffix(".md").write_text(report(document) + "\n")
    return document


def _last_line(error: Exception) -> str:
    """The gist of a failed measurement: the last line of its message (a child's error)."""
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__


def main(argv: Sequence[str] | None = None) -> None:
    options = parse(argv)
    document = run(options, log=(lambda line: None) if options.quiet else print)
    print()
    print(report(document))
    print(f"\nWrote {options.out} and {options.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
