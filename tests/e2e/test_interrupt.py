"""Ctrl-C during a long apply: the bundle in flight finishes, nothing more starts, the
summary says what was done and what was not started, exit 130; a rerun converges."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from ambraconf.sandbox.harness import SandboxHandle


def test_ctrl_c_finishes_the_bundle_in_flight_and_a_rerun_converges(
    with_pacs: SandboxHandle, clinic: Path, ambraconf
) -> None:
    with_pacs.configure(latency_ms=300)  # each bundle takes long enough to interrupt
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "AMBRA_URL": with_pacs.url,
        "AMBRA_LOGIN": with_pacs.admin_login,
        "AMBRA_PASSWORD": with_pacs.admin_password,
    }
    env.pop("AMBRA_SID", None)
    command = "from ambraconf.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", command, "apply", str(clinic), "--auto-approve", "--rate", "1000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    printed: list[str] = []
    seen: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)

    def read_out() -> None:
        assert process.stdout is not None
        printed.extend(process.stdout)

    readers = [threading.Thread(target=f, daemon=True) for f in (read, read_out)]
    for reader in readers:
        reader.start()
    try:
        while not (seen and seen[-1].startswith("Level 1/")):
            seen.append(lines.get(timeout=60))  # a guard: the plan reads take a few seconds
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    finally:
        process.kill()
    for reader in readers:
        reader.join(timeout=10)
    while not lines.empty():
        seen.append(lines.get())
    out, err = "".join(printed), "".join(seen)

    assert process.returncode == 130, out + err
    assert "Interrupt: finishing the calls in flight" in err
    assert "Level 2/" not in err  # nothing more was started
    assert re.search(r"^Apply interrupted: \d+ created, .* \d+ not started\.$", out, re.M), out
    assert "  not started: Sandbox Hospital/route/Cardiology/STAT to PACS" in err
    assert "Traceback" not in err

    with_pacs.configure(latency_ms=0)
    rerun = ambraconf("apply", str(clinic), "--auto-approve")
    assert rerun.code == 0, rerun.out + rerun.err
    assert '+ route "Cardiology/STAT to PACS"' in rerun.out
    not_started = err.count("  not started: ")
    assert f"Apply complete: {not_started} created, 0 updated, 0 deleted." in rerun.out
    plan = ambraconf("plan", str(clinic), "--detailed-exitcode")
    assert plan.code == 0, plan.out + plan.err
    assert "No changes." in plan.out
