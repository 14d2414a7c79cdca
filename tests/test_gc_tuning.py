"""The garbage collector's threshold is raised during bulk work, or the collector paused
while a plan reads and plans, and always restored."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from ambraconf.config.validate import validate_path
from ambraconf.gc_tuning import BULK_THRESHOLD, bulk_allocations, collector_paused


@pytest.fixture(autouse=True)
def _default_thresholds() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_raised_inside_and_restored_after() -> None:
    with bulk_allocations():
        assert gc.get_threshold() == (BULK_THRESHOLD, 10, 10)
        assert gc.isenabled()
    assert gc.get_threshold() == (700, 10, 10)


def test_restored_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError), bulk_allocations():
        raise RuntimeError("boom")
    assert gc.get_threshold() == (700, 10, 10)


def test_nested_uses_restore_once_at_the_outermost() -> None:
    with bulk_allocations():
        with bulk_allocations():
            pass
        assert gc.get_threshold()[0] == BULK_THRESHOLD
    assert gc.get_threshold() == (700, 10, 10)


def test_automatic_collection_turned_off_is_left_off() -> None:
    gc.set_threshold(0)
    with bulk_allocations():
        assert gc.get_threshold()[0] == 0
    assert gc.get_threshold()[0] == 0


def test_as_a_decorator_validate_restores_it(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("accounts:\n  - name: A\n    roles: [{name: R}]\n")
    assert validate_path(tmp_path).ok
    assert gc.get_threshold() == (700, 10, 10)


def test_paused_inside_and_on_again_after_even_when_the_block_raises() -> None:
    with collector_paused():
        made = [[] for _ in range(10)]
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)
    gc.unfreeze()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_turned_off_stays_off_after_a_pause() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
