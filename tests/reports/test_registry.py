"""The renderer registry: every result type renders in the formats its command offers,
and a type it does not know is an error rather than a silent fallback."""

from __future__ import annotations

import json

import pytest

from ambraconf.config.errors import UserError
from ambraconf.engine.plan import Plan
from ambraconf.engine.planfile import StalePlan
from ambraconf.engine.session import ApplyRun
from ambraconf.reports.registry import RENDERERS, render
from ambraconf.version import __version__


def empty_plan() -> Plan:
    return Plan(url="http://127.0.0.1:8765/api/v3", accounts=["Northshore"])


def test_each_command_s_formats_are_registered() -> None:
    registered = {(kind.__name__, fmt) for kind, fmt in RENDERERS}
    expected = {
        ("ValidationResult", "text"),
        ("ValidationResult", "json"),
        ("Plan", "text"),
        ("Plan", "markdown"),
        ("Plan", "json"),
        ("ApplyRun", "text"),
        ("ApplyRun", "json"),
        ("DriftReport", "text"),
        ("DriftReport", "markdown"),
        ("DriftReport", "json"),
        ("DriftReport", "junit"),
        ("ExportRun", "text"),
        ("CloneRun", "text"),
        ("UserError", "json"),
        ("Adoption", "text"),
        ("Adoption", "json"),
        ("ShardSummary", "text"),
        ("ShardSummary", "markdown"),
        ("ShardSummary", "json"),
    }
    assert registered == expected


def test_an_error_renders_as_its_closest_registered_base() -> None:
    stale = StalePlan("the saved plan is out of date", hint="run plan again")
    document = json.loads(render(stale, "json").out)
    assert document == {
        "format_version": 1,
        "ambraconf_version": __version__,
        "error": {
            "code": "stale_plan",
            "message": "the saved plan is out of date",
            "hint": "run plan again",
        },
    }
    assert json.loads(render(UserError("no such file"), "json").out)["error"]["code"] == "error"


def test_an_apply_with_nothing_to_change_renders_nothing_as_text() -> None:
    run = ApplyRun(empty_plan())
    assert render(run, "text").parts == ()
    assert json.loads(render(run, "json").out) == {
        "format_version": 1,
        "ambraconf_version": __version__,
        "summary": "no changes",
        "outcomes": [],
    }


def test_an_unknown_pairing_is_an_error() -> None:
    with pytest.raises(LookupError, match="no junit renderer for Plan"):
        render(empty_plan(), "junit")
