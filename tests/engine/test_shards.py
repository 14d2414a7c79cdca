"""Accounts in shards: balanced by objects, the same split in every job, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ambraconf.config.errors import UserError
from ambraconf.config.validate import validate_path
from ambraconf.engine.shards import Shard, accounts_of, split


def accounts(tmp_path: Path, sizes: dict[str, int]):
    """A config whose accounts hold ``sizes`` roles each."""
    lines = ["accounts:"]
    for name, size in sizes.items():
        lines.append(f"  - name: {name}")
        if size:
            lines.append("    roles:")
            lines += [f"      - name: Role {n}" for n in range(size)]
    (tmp_path / "a.yaml").write_text("\n".join(lines) + "\n")
    config = validate_path(tmp_path / "a.yaml").config
    assert config is not None
    return config.accounts


def test_shards_are_balanced_by_objects_and_keep_file_order(tmp_path: Path) -> None:
    found = accounts(tmp_path, {"A": 10, "B": 1, "C": 6, "D": 4, "E": 1})
    shards = split(found, 2)
    assert [s.shard for s in shards] == ["1/2", "2/2"]
    assert [s.accounts for s in shards] == [["A", "B"], ["C", "D", "E"]]
    # each account also counts as an object of its own kind
    assert [s.objects for s in shards] == [13, 14]


def test_every_job_computes_the_same_split(tmp_path: Path) -> None:
    found = accounts(tmp_path, {f"Site {n:02}": n % 7 for n in range(40)})
    everyone = [name for s in split(found, 5) for name in s.accounts]
    assert sorted(everyone) == sorted(a.name for a in found)  # each once
    for index in range(1, 6):
        assert accounts_of(found, Shard(index, 5)) == split(found, 5)[index - 1].accounts


def test_more_shards_than_accounts_leaves_some_empty(tmp_path: Path) -> None:
    found = accounts(tmp_path, {"A": 1, "B": 2})
    assert [s.accounts for s in split(found, 3)] == [["B"], ["A"], []]


@pytest.mark.parametrize("text", ["0/3", "4/3", "1", "a/b", "1/0", ""])
def test_a_shard_is_written_i_of_n(text: str) -> None:
    with pytest.raises(UserError, match="--shard: expected I/N"):
        Shard.parse(text)
