"""Dependency levels decide what apply sends first."""

from __future__ import annotations

import pytest

from ambraconf.engine.graph import CycleError, levels


def test_leaves_come_first_and_input_order_is_kept_within_a_level() -> None:
    deps = {"route": ["webhook", "group"], "group": ["role"], "webhook": [], "role": []}
    assert levels(["route", "group", "webhook", "role"], deps) == [
        ["webhook", "role"],
        ["group"],
        ["route"],
    ]


def test_dependencies_outside_the_set_already_exist() -> None:
    assert levels(["group"], {"group": ["live-role"]}) == [["group"]]


def test_cycle_is_reported_with_its_members() -> None:
    with pytest.raises(CycleError) as error:
        levels(["a", "b", "c"], {"a": ["b"], "b": ["c"], "c": ["a"]})
    assert set(error.value.members) == {"a", "b", "c"}
    assert "reference cycle" in str(error.value)
