"""The benchmark machinery works end to end at a tiny size: behaviour, never timing."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from ambraconf.sandbox.harness import SandboxHandle
from benchmarks import measure, multi, multi_workload, run, workload

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
        + ["--multi", "", "--out", str(out), "--quiet"]
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
    } | {(run.YAML_LOAD, "plain", "any")}
    assert document["multi"] == []
    for record in results:
        if record["scenario"] == run.YAML_LOAD:
            assert record["loader"] in ("CSafeLoader", "SafeLoader")
            assert record["files"] == 7  # the account and one file per kind
            continue
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


def test_many_accounts_plan_empty_after_seeding_and_read_in_bundles(tmp_path: Path) -> None:
    out = tmp_path / "multi.json"
    options = run.parse(
        ["--sizes", "", "--multi", "3x20", "--latency", "0", "--rate-limit", "0"]
        + ["--in-process", "--baseline-max", "100", "--out", str(out), "--quiet"]
    )
    document = run.run(options, log=lambda line: None)

    assert document["results"] == []
    assert document["notes"] == ["in-process run: CPU and memory include the sandbox's"]
    records = {(r["scenario"], r["strategy"]): r for r in document["multi"]}
    assert set(records) == {
        ("seed", "bundled"),
        ("plan-unchanged", "bundled"),
        ("plan-10pct", "bundled"),
        ("plan-unchanged", "per_object"),
        (run.YAML_LOAD, "plain"),
    }
    seeded = records["seed", "bundled"]["apply"]
    assert seeded["failed"] == seeded["skipped"] == 0
    assert "60 created" in seeded["summary"]  # 3 accounts x 20 objects
    unchanged = records["plan-unchanged", "bundled"]
    assert unchanged["plan"]["noop"] == 63  # and the 3 accounts themselves
    assert sum(n for op, n in unchanged["plan"].items() if op != "noop") == 0
    assert records["plan-10pct", "bundled"]["plan"]["update"] >= 3
    per_object = records["plan-unchanged", "per_object"]
    assert per_object["plan"] == unchanged["plan"]
    assert unchanged["requests_after_login"] < per_object["requests_after_login"]

    # what the plan read is what the workload says it must: its list calls, the accounts'
    # apply records, and the account list, login and logout
    shape = multi_workload.Shape.parse("3x20")
    assert unchanged["list_calls"] == multi_workload.list_calls(shape) == 3 * 7
    assert unchanged["server"]["calls"] == unchanged["list_calls"] + 3 + 3
    assert unchanged["requests_by_endpoint"]["/bundle"] >= 1

    files = records[run.YAML_LOAD, "plain"]["files"]
    assert files == 6 + 1  # one shared file per kind, the accounts in one file
    targets = document["scale_targets"]
    assert [t["numbers"]["bound"] for t in targets if "bound" in t["numbers"]] == [
        multi.request_bound(unchanged, 50)
    ]
    assert "| 3x20 | plan-unchanged | bundled |" in out.with_suffix(".md").read_text()


def test_the_multi_config_shares_one_block_with_per_account_variables(tmp_path: Path) -> None:
    shape = multi_workload.Shape.parse("60x40")
    folder = multi_workload.write_config(tmp_path, shape)
    assert sorted(p.name for p in (folder / "accounts").iterdir()) == [
        "accounts-001.yaml",
        "accounts-002.yaml",
    ]
    accounts = [
        a
        for p in sorted((folder / "accounts").iterdir())
        for a in yaml.safe_load(p.read_text())["accounts"]
    ]
    assert len(accounts) == 60
    assert all(a["include"] == [multi_workload.BLOCK] for a in accounts)
    assert len({a["variables"]["pacs"] for a in accounts}) == 60
    own, total = multi_workload.split(40)[1], multi_workload.counts(40)
    assert sum(own.values()) == 2 and all(0 < own[k] < total[k] for k in own)
    routes = yaml.safe_load((folder / "shared" / "routes.yaml").read_text())
    actions = routes["shared"][multi_workload.BLOCK]["routes"][0]["actions"]
    assert {"destination": "${var:pacs}"} in actions
