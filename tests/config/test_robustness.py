"""Hostile input gets a clean message and exit code 1, never a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from config_helpers import run_cli


def _validate(path: Path) -> tuple[int, str]:
    result = run_cli("validate", str(path.name), cwd=path.parent)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert "Internal error" not in output, output
    return result.returncode, output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("accounts:\n  - name: x\n   bad: indent\n", "invalid YAML"),
        ("accounts: [{name: x}\n", "invalid YAML"),
        ("accounts:\n\t- name: x\n", "invalid YAML"),
        ("a: *nowhere\n", "unknown alias"),
        ("!!python/object:os.system {}\n", "unsupported YAML tag"),
        ("- just\n- a list\n", "a config file is a mapping"),
        ("plain text\n", "a config file is a mapping"),
    ],
    ids=["indent", "unclosed", "tab", "alias", "tag", "list", "scalar"],
)
def test_malformed_yaml(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    code, output = _validate(tmp_path / "bad.yaml")
    assert code == 1
    assert output.startswith("bad.yaml:"), output
    assert expected in output


def test_binary_garbage(tmp_path: Path) -> None:
    (tmp_path / "junk.yaml").write_bytes(bytes(range(256)) * 40)
    code, output = _validate(tmp_path / "junk.yaml")
    assert code == 1
    assert "junk.yaml:1:1: this is a binary file, not YAML text" in output


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "latin.yaml").write_bytes(b"accounts:\n  - name: Caf\xe9\n")
    code, output = _validate(tmp_path / "latin.yaml")
    assert code == 1
    assert "latin.yaml:2:14: not UTF-8 text" in output


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    code, output = _validate(tmp_path / "empty.yaml")
    assert code == 1
    assert "empty.yaml:1:1: warning: the file is empty" in output
    assert "no accounts defined: nothing to manage" in output


def test_missing_path(tmp_path: Path) -> None:
    code, output = _validate(tmp_path / "nowhere")
    assert code == 1
    assert "Error: nowhere: no such file or directory" in output


def test_five_megabyte_file(tmp_path: Path) -> None:
    filler = "Reads studies for the network. " * 33
    role = "  - name: Role {i}\n    description: {filler}\n    permissions: {{study_veiw: true}}\n"
    lines = ["accounts:\n- name: Big\n  roles:\n"]
    lines += [role.format(i=i, filler=filler) for i in range(5_000)]
    (tmp_path / "big.yaml").write_text("".join(lines), encoding="utf-8")
    assert (tmp_path / "big.yaml").stat().st_size > 5_000_000
    started = time.monotonic()
    code, output = _validate(tmp_path / "big.yaml")
    assert time.monotonic() - started < 20
    assert code == 1
    assert "big.yaml:6:19: accounts[0].roles[0].permissions.study_veiw" in output
    assert "... and 4800 more" in output
    assert "5000 errors" in output


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 500)),
        "".join("  " * i + "- \n" for i in range(500)),
    ],
    ids=["flow", "mappings", "sequences"],
)
def test_deeply_nested(tmp_path: Path, text: str) -> None:
    (tmp_path / "deep.yaml").write_text(text, encoding="utf-8")
    code, output = _validate(tmp_path / "deep.yaml")
    assert code == 1
    assert "Traceback" not in output
    # ours past 64 levels, or libyaml's own limit (PyYAML 6.0.4 and later) for flow style
    assert (
        "document nested too deeply (more than 64 levels)" in output
        or "exceeded maximum nesting depth" in output
    )


def test_alias_bomb(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = _validate(tmp_path / "bomb.yaml")
    assert code == 1
    assert "document too large" in output
