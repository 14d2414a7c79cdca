"""What a reviewer reads of a change to a big role: exactly the permission that changes,
every value whole, in the text plan, the markdown comment and the drift reports."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from ambraconf.facts import __file__ as facts_init
from tests.e2e.e2e_helpers import applied

FLAGS = [
    p["name"]
    for p in json.loads((Path(facts_init).parent / "permissions.json").read_text())
    if p["kind"] == "flag"
][:40]
CHANGED = FLAGS[17]
LONG = (
    "Reviews every study of the hospital network before it is shared, including the "
    "outpatient centres, the emergency departments and the night teleradiology partners"
)


def write_role(folder: Path, permissions: dict[str, bool], description: str) -> Path:
    account = {
        "name": "Sandbox Hospital",
        "roles": [{"name": "Reviewer", "description": description, "permissions": permissions}],
    }
    folder.mkdir(exist_ok=True)
    (folder / "roles.yaml").write_text(yaml.safe_dump({"accounts": [account]}, sort_keys=False))
    return folder


def block(text: str, head: str) -> list[str]:
    """The lines under the first line ``head`` of a text report (indented further)."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == head)
    indent = len(lines[start]) - len(lines[start].lstrip()) + 2
    found = []
    for line in lines[start + 1 :]:
        if not line.startswith(" " * indent):
            break
        found.append(line[indent:])
    return found


def unfolded(text: str, label: str) -> str:
    """The text of the ``>`` block of ``label``, its lines joined as YAML joins them (each
    line break one space)."""
    return " ".join(block(text, f"{label}: >"))


def test_one_permission_of_forty_is_shown_alone_and_every_value_whole(
    ambraconf, sandbox, tmp_path: Path
) -> None:
    everything = dict.fromkeys(FLAGS, True)
    folder = write_role(tmp_path / "config", everything, "Reviews studies")
    applied(ambraconf, folder)
    write_role(folder, {**everything, CHANGED: False}, LONG)

    text = ambraconf("plan", str(folder)).out
    assert [line.strip() for line in text.splitlines() if "permissions" in line] == [
        f"permissions.{CHANGED}: true -> false"
    ]
    assert unfolded(text, "desired") == LONG

    markdown = ambraconf("plan", str(folder), "--format", "markdown").out
    rows = [line for line in markdown.splitlines() if "permissions" in line]
    assert rows == [f"| `permissions.{CHANGED}` | `true` | `false` |"]
    assert "Reviews every study of the hospital network" in markdown
    assert "the night teleradiology partners</code>" in markdown

    drift = ambraconf("drift", str(folder))
    assert drift.code == 2
    assert [line.strip() for line in drift.out.splitlines() if "permissions" in line] == [
        f"permissions.{CHANGED}: in git false, live true"
    ]
    assert unfolded(drift.out, "in git") == LONG
    drift_md = ambraconf("drift", str(folder), "--format", "markdown").out
    assert drift_md.count(f"<code>permissions.{CHANGED}</code>") == 1
    assert drift_md.count("<code>permissions.") == 1

    outputs = [text, markdown, drift.out, drift_md]
    outputs += [ambraconf("drift", str(folder), "--format", fmt).out for fmt in ("json", "junit")]
    outputs += [ambraconf("plan", str(folder), "--format", "json").out]
    apply = ambraconf("apply", str(folder), "--auto-approve")
    assert apply.code == 0, apply.err
    assert unfolded(apply.out, "desired") == LONG
    outputs += [apply.out, apply.err]
    assert not [o for o in outputs if "..." in o]


def test_a_create_shows_every_permission_whole_and_markdown_says_new(
    ambraconf, sandbox, tmp_path: Path
) -> None:
    folder = write_role(tmp_path / "config", dict.fromkeys(FLAGS, True), LONG)

    text = ambraconf("plan", str(folder)).out
    assert block(text, "permissions:") == [f"{name}: true" for name in sorted(FLAGS)]
    assert unfolded(text, "description") == LONG

    markdown = ambraconf("plan", str(folder), "--format", "markdown").out
    assert "| `permissions` | (new) | <code>" in markdown
    assert all(f"<code>{name}: true</code>" in markdown for name in FLAGS)
    assert "..." not in text + markdown
