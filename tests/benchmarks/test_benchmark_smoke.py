"""The benchmark machinery works end to end at a tiny size: behaviour, never timing."""

from __future__ import annotations

import json
from pathlib import Path

from ambraconf.sandbox.harness import SandboxHandle
from benchmarks import measure, run, workload

RESULT_FIELDS = {
    "size",
    "scenario",
    "strategy",
    "mode",
    "wall_s",
    "cpu_s",
    "phases",
    "start_rss_mb",
    "peak_rss_mb",
    "requests",
    "requests_after_login",
    "plan_requests_after_login",
    "requests_by_endpoint",
    "plan",
    "apply",
    "server",
}


def test_tiny_run_writes_results_and_bundling_beats_per_object(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    options = run.parse(
        ["--sizes", "20", "--latency", "0", "--rate-limit", "0", "--in-process"]
        + ["--out", str(out), "--quiet"]
    )
    run.run(options, log=lambda line: None)

    document = json.loads(out.read_text())
    assert {"created_at", "machine", "options", "results", "targets", "notes"} <= set(document)
    assert document["machine"]["cores"] >= 1
    assert document["machine"]["python"]
    results = document["results"]
    assert {(r["scenario"], r["strategy"], r["mode"]) for r in results} == {
        (scenario, strategy, mode)
        for scenario in run.SCENARIOS
        for strategy, mode in (("bundled", "bundle"), ("bundled", "items"), ("per_object", "any"))
    }
    for record in results:
        assert set(record) >= RESULT_FIELDS, record.keys()
        assert {"requests", "calls", "bundles", "rate_limited"} <= set(record["server"])
        assert record["size"] == 20

    def one(scenario: str, strategy: str, mode: str = "bundle") -> dict:
        found = run.find(results, 20, scenario, strategy, mode)
        assert found is not None
        return found

    for scenario in ("plan-unchanged", "plan-10pct"):
        bundled, per_object = one(scenario, "bundled"), one(scenario, "per_object")
        assert bundled["requests_after_login"] < per_object["requests_after_login"]
        assert bundled["plan"] == per_object["plan"]  # same engine, same plan
    assert one("plan-unchanged", "bundled")["plan"]["create"] == 0
    assert one("plan-unchanged", "bundled")["plan"]["update"] == 0
    assert one("plan-10pct", "bundled")["plan"]["update"] >= 1
    for strategy in ("bundled", "per_object"):
        applied = one("apply-empty", strategy)["apply"]
        assert applied["failed"] == applied["skipped"] == 0
        assert "20 created" in applied["summary"]
    bundled = one("apply-empty", "bundled")
    assert bundled["apply"]["requests"] <= bundled["apply"]["bundles_needed"]
    assert bundled["server"]["bundles"] == bundled["requests_by_endpoint"]["/bundle"]
    assert one("apply-empty", "per_object")["server"]["bundles"] == 0

    target = document["targets"][0]
    assert target["met"], target
    assert "| objects | scenario |" in out.with_suffix(".md").read_text()


def test_a_job_measured_in_its_own_process(sandbox: SandboxHandle, tmp_path: Path) -> None:
    sandbox.seed(workload.seed())
    config = workload.write_config(tmp_path / "config", 12)
    job = measure.Job(
        url=sandbox.url,
        login=sandbox.admin_login,
        password=sandbox.admin_password,
        config=str(config),
        operation="apply",
    )
    result = run._in_child(job)
    assert result["apply"]["failed"] == 0
    assert result["plan"]["create"] == 12
    assert result["peak_rss_mb"] > 0
    assert result["requests_by_endpoint"]["/session/login"] == 1
    assert result["requests_after_login"] == result["requests"] - 2  # login and logout
