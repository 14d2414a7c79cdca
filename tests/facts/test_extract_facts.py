"""The extractor reads every row of the documented settings table, or says which it cannot."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "extract_facts.py"
HEADER = """Account settings Account setting control the application workflow.  Name | Type
---|---|---|---|---|---|---|---|---
"""
FOOTER = "Study AI questions AI questions can be run\nwhich_body_part | Which body part |\n"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_facts", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rows_with_an_empty_flag_cell_are_read() -> None:
    rows = _tool().account_settings(
        HEADER
        + "update_phi_hl7_namespaces | Text |  |  | 0 | 0 | 0 | 0 | A CSV list of namespaces\n"
        + "  * a description running on\n"
        + "ui_json | Text |  | 0 | 1 | 1 | 0 | 0 | JSON structure\n"
        + FOOTER
    )
    assert [(r["name"], r["unauthenticated"], r["namespace_override"]) for r in rows] == [
        ("update_phi_hl7_namespaces", False, False),
        ("ui_json", False, True),
    ]


def test_a_row_it_cannot_read_stops_it_naming_the_row() -> None:
    with pytest.raises(SystemExit, match="cannot read this row:\nstudy_x \\| Txt \\| 0"):
        _tool().account_settings(HEADER + "study_x | Txt | 0 | 0 | 0 | 0 | 0 | 0 | x\n" + FOOTER)
