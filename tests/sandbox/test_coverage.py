"""The sandbox against the documentation: the coverage list is current, nothing is invented."""

from __future__ import annotations

from pathlib import Path

from ambraconf.sandbox import members
from ambraconf.sandbox.coverage import COMMAND, render
from ambraconf.sandbox.documented import DOCUMENTED
from ambraconf.sandbox.registry import ENDPOINTS, KINDS

COVERAGE = Path(__file__).parents[2] / "docs" / "sandbox-coverage.md"


def test_the_coverage_list_is_current() -> None:
    current = COVERAGE.read_text(encoding="utf-8") if COVERAGE.exists() else ""
    assert current == render(), f"docs/sandbox-coverage.md is stale: run `{COMMAND}`"


def test_every_emulated_endpoint_is_documented_or_says_why_not() -> None:
    invented = [p for p, e in ENDPOINTS.items() if p not in DOCUMENTED and not e.undocumented]
    stale_excuses = [p for p, e in ENDPOINTS.items() if p in DOCUMENTED and e.undocumented]
    assert not invented, "emulated endpoints the documentation does not have"
    assert not stale_excuses, "marked undocumented, but the documentation has them"


def test_kinds_take_only_documented_parameters() -> None:
    taken = {
        f"{kind.path}/{verb}": {*kind.accepts(verb), *(kind.scope_params if verb == "add" else ())}
        for kind in KINDS
        for verb in ("add", "set")
        if f"{kind.path}/{verb}" in ENDPOINTS and f"{kind.path}/{verb}" in DOCUMENTED
    }
    for kind in KINDS:
        if "list" in kind.endpoints:
            taken[f"{kind.path}/list"] = {"account_id", *kind.list_filters}
    for kind in ("group", "location"):
        taken[f"/{kind}/user/add"] = {"uuid", "user_id", *(f.name for f in members.MEMBER_FIELDS)}
    undocumented = {
        path: sorted(name for name in names if not DOCUMENTED[path].takes(name))
        for path, names in taken.items()
    }
    assert {path: names for path, names in undocumented.items() if names} == {}


def test_documented_permissions_are_read_as_permission_names() -> None:
    assert DOCUMENTED["/customfield/list"].needs() == ("customfield_view", "role_view")
    assert DOCUMENTED["/customfield/mapping/set"].needs() == ("customfield_edit",)
    assert DOCUMENTED["/account/set"].needs() == ("account_edit",)
    assert DOCUMENTED["/radreport/template/add"].sysadmin
    assert DOCUMENTED["/account/get"].needs() == ()
