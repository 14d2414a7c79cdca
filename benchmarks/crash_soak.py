"""Soak: applies killed at random moments, and applies under injected faults, of an update
with a replace, a rename and a prune; does the next apply converge? (issue 16)

    python -m benchmarks.crash_soak                     # 20 kills, 20 fault seeds
    python -m benchmarks.crash_soak --kills 50 --seeds 0 --latency 30

The account is the end-to-end tests' clinic (tests/e2e/clinic), applied, plus a role no
file describes. The update then changes the custom field's ``type`` (a replace, which
re-points the role and the route that name it), renames the group (``renamed_from``) and
prunes roles (the extra role is deleted): past the safety threshold of so small an account,
so every apply here says ``--force``. The state an uninterrupted apply of it reaches is
the reference.

- **kills**: the update's ``apply`` runs in its own process, the sandbox adding
  ``--latency`` ms to every request, and is killed with SIGKILL after a random share of
  the time an uninterrupted apply takes; then ``apply`` runs once more, without faults.
  A trial converges when that first rerun exits 0, the plan after it is empty, the live
  objects are the reference's by name (none twice), and the route, role and group point at
  live objects.
- **faults**: the update's ``apply`` runs once with 30% of requests failing (500, 503 or a
  dropped connection, before or after the change, seed by seed); right after it no object
  may point at a deleted one, and applies then run until the plan is empty (at most 10).

It prints a table of the figures. Not part of the test suite (it takes minutes); the suite
kills at chosen points instead (tests/e2e/test_crash_safe.py).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from ambraconf.sandbox.harness import SandboxHandle

CLINIC = Path(__file__).resolve().parent.parent / "tests" / "e2e" / "clinic"
PACS = {
    "name": "PACS",
    "node": "Sandbox Gateway",
    "aetitle": "PACS",
    "address": "10.0.0.5",
    "port": 104,
}
EDITS = [
    ("type: select", "type: radio"),  # replace
    (
        "      - name: Cardiology\n",
        "      - name: Cardiac Imaging\n        renamed_from: Cardiology\n",
    ),
    ("group: Cardiology", "group: Cardiac Imaging"),
    ("  - name: Sandbox Hospital\n", "  - name: Sandbox Hospital\n    prune: {roles: true}\n"),
]
LISTS = {
    "customfield": ("/customfield/list", "customfields"),
    "role": ("/role/list", "roles"),
    "group": ("/group/list", "groups"),
    "webhook": ("/webhook/list", "webhooks"),
    "route": ("/route/list", "routes"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="killed applies (default 20)")
    parser.add_argument("--seeds", type=int, default=20, help="fault seeds (default 20)")
    parser.add_argument("--latency", type=float, default=20.0, help="ms per request (20)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill moments (1)")
    options = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ambraconf-soak-"))
    sandbox = SandboxHandle.start()
    try:
        before, after = configs(work)
        reference, took = reference_state(sandbox, before, after)
        print(f"uninterrupted update apply: {took:.2f} s at {options.latency:g} ms/request")
        rows = [kill_trials(sandbox, before, after, reference, took, options)]
        if options.seeds:
            rows.append(fault_trials(sandbox, before, after, reference, options.seeds))
    finally:
        sandbox.stop()
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("| trials | kind | first rerun converged | duplicates left | dangling references |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    return 0 if all(r[2] == f"{r[0]}/{r[0]}" and r[3] == 0 and r[4] == 0 for r in rows) else 1


def configs(work: Path) -> tuple[Path, Path]:
    before, after = work / "before", work / "after"
    shutil.copytree(CLINIC, before)
    shutil.copytree(CLINIC, after)
    config = after / "clinic.yaml"
    text = config.read_text()
    for old, new in EDITS:
        assert old in text, old
        text = text.replace(old, new)
    config.write_text(text)
    return before, after


def start(sandbox: SandboxHandle, before: Path) -> None:
    """A fresh account with the ``before`` config applied and a role no file describes."""
    sandbox.reset()
    sandbox.seed({"accounts": [{"name": "Sandbox Hospital", "destinations": [PACS]}]})
    sandbox.ok("/role/add", account_id=sandbox.account_id, name="Hand Made")
    done = cli(sandbox, "apply", str(before), "--auto-approve", "--force")
    assert done.returncode == 0, done.stdout + done.stderr


def reference_state(
    sandbox: SandboxHandle, before: Path, after: Path
) -> tuple[dict[str, list[str]], float]:
    start(sandbox, before)
    began = time.monotonic()
    done = cli(sandbox, "apply", str(after), "--auto-approve", "--force")
    took = time.monotonic() - began
    assert done.returncode == 0, done.stdout + done.stderr
    return live_names(sandbox), took


def kill_trials(
    sandbox: SandboxHandle,
    before: Path,
    after: Path,
    reference: dict[str, list[str]],
    took: float,
    options: argparse.Namespace,
) -> list[Any]:
    moments = random.Random(options.seed)
    converged = duplicates = dangling = 0
    for trial in range(options.kills):
        start(sandbox, before)
        sandbox.configure(latency_ms=options.latency)
        delay = moments.uniform(0.0, took * 1.2)
        process = cli_process(sandbox, "apply", str(after), "--auto-approve", "--force")
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        sandbox.configure(latency_ms=0)
        rerun = cli(sandbox, "apply", str(after), "--auto-approve", "--force")
        plan = cli(sandbox, "plan", str(after), "--detailed-exitcode")
        state = live_names(sandbox)
        twice = sum(n - 1 for names in state.values() for n in Counter(names).values())
        broken = dangling_references(sandbox)
        ok = rerun.returncode == 0 and plan.returncode == 0 and state == reference and not broken
        converged += ok
        duplicates += twice
        dangling += len(broken)
        print(
            f"kill {trial + 1}/{options.kills} after {delay:.2f} s: "
            f"{'converged' if ok else 'NOT converged'}"
            + ("" if ok else f" ({rerun.stdout.strip().splitlines()[-1:]}, {broken})")
        )
    return [options.kills, "SIGKILL", f"{converged}/{options.kills}", duplicates, dangling]


def fault_trials(
    sandbox: SandboxHandle,
    before: Path,
    after: Path,
    reference: dict[str, list[str]],
    seeds: int,
) -> list[Any]:
    converged = duplicates = dangling = 0
    for seed in range(seeds):
        start(sandbox, before)
        sandbox.configure(fault_rate=0.3, fault_seed=seed)
        cli(sandbox, "apply", str(after), "--auto-approve", "--force")
        sandbox.configure(fault_rate=0.0)
        broken = dangling_references(sandbox)
        runs = 0
        while cli(sandbox, "plan", str(after), "--detailed-exitcode").returncode != 0:
            runs += 1
            if runs > 10:
                break
            cli(sandbox, "apply", str(after), "--auto-approve", "--force")
        state = live_names(sandbox)
        ok = runs <= 10 and state == reference and not broken
        converged += ok
        duplicates += sum(n - 1 for names in state.values() for n in Counter(names).values())
        dangling += len(broken)
        print(f"faults seed {seed}: {runs} more apply(s), dangling after the first: {broken}")
    return [seeds, "30% faults", f"{converged}/{seeds}", duplicates, dangling]


def live_names(sandbox: SandboxHandle) -> dict[str, list[str]]:
    account = sandbox.account_id
    return {
        kind: sorted(o["name"] for o in sandbox.ok(path, account_id=account)[key])
        for kind, (path, key) in LISTS.items()
    }


def dangling_references(sandbox: SandboxHandle) -> list[str]:
    """What names an object that is not live: the route's custom field condition, the
    Radiologist's custom field permission, the group's role."""
    account = sandbox.account_id
    fields = {
        f["uuid"] for f in sandbox.ok("/customfield/list", account_id=account)["customfields"]
    }
    roles = sandbox.ok("/role/list", account_id=account)["roles"]
    broken = []
    for route in sandbox.ok("/route/list", account_id=account)["routes"]:
        for condition in route["conditions"]:
            lv = str(condition.get("lv", ""))
            if lv.startswith("customfield-") and lv.removeprefix("customfield-") not in fields:
                broken.append(f"route {route['name']!r}: {lv}")
    for role in roles:
        if role["name"] != "Radiologist":
            continue
        keys = [k for k in role["permissions"] if k.startswith("study_field_customfield_")]
        if not any(k.removeprefix("study_field_customfield_") in fields for k in keys):
            broken.append("role 'Radiologist': no permission on a live custom field")
    role_ids = {r["uuid"] for r in roles}
    for group in sandbox.ok("/group/list", account_id=account)["groups"]:
        if group.get("role_id") not in role_ids:
            broken.append(f"group {group['name']!r}: role {group.get('role_id')}")
    return broken


def environment(sandbox: SandboxHandle) -> dict[str, str]:
    env = {
        **os.environ,
        "AMBRA_URL": sandbox.url,
        "AMBRA_LOGIN": sandbox.admin_login,
        "AMBRA_PASSWORD": sandbox.admin_password,
    }
    env.pop("AMBRA_SID", None)
    return env


COMMAND = [sys.executable, "-c", "from ambraconf.cli import main; main()"]


def cli(sandbox: SandboxHandle, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args, "--rate", "1000"],
        capture_output=True,
        text=True,
        env=environment(sandbox),
        check=False,
    )


def cli_process(sandbox: SandboxHandle, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*COMMAND, *args, "--rate", "1000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment(sandbox),
    )


if __name__ == "__main__":
    sys.exit(main())
