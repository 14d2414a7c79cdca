"""Validate says at file:line:column what the API would only refuse at apply, and reads the
YAML the way the people and tools around it do."""

from __future__ import annotations

from pathlib import Path

import pytest

from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.loader import load_path
from ambraconf.config.validate import validate_path


def validated(tmp_path: Path, text: str):
    """Validate ``text`` as ``a.yaml`` of the working directory (so messages name it so)."""
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    return validate_path("a.yaml", env={})


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


WEBHOOK = """\
accounts:
  - name: North
    webhooks:
      - name: EHR
        event: ROUTE_RULE
        method: POST_JSON
        url: {url}
"""


@pytest.mark.parametrize("url", ["ehr.example/hook", "ftp://ehr.example/hook", "https://"])
def test_a_webhook_url_without_an_http_scheme_is_an_error_at_its_line(tmp_path, url) -> None:
    [error] = validated(tmp_path, WEBHOOK.format(url=url)).errors
    assert str(error).startswith("a.yaml:7:14: accounts[0].webhooks[0].url: expected an http")


def test_a_webhook_url_with_a_scheme_passes(tmp_path) -> None:
    assert not validated(tmp_path, WEBHOOK.format(url="https://ehr.example/hook?x=1")).errors


DESTINATION = """\
accounts:
  - name: North
    destinations:
      - {{name: PACS, node: Gateway, address: 10.0.0.5, port: 104, aetitle: "{ae}"}}
"""


@pytest.mark.parametrize(
    ("ae", "ok"), [("PACS_MAIN", True), ("A" * 17, False), ("PA\\\\CS", False)]
)
def test_an_ae_title_is_one_to_sixteen_characters_without_backslash(tmp_path, ae, ok) -> None:
    errors = validated(tmp_path, DESTINATION.format(ae=ae)).errors
    assert not errors if ok else "expected a DICOM AE title" in str(errors[0])


def test_a_yaml_11_boolean_is_read_as_one_and_warned_about(tmp_path) -> None:
    text = "accounts:\n  - name: North\n    roles:\n      - name: R\n        for_group: yes\n"
    result = validated(tmp_path, text)
    assert not result.errors
    [warning] = result.warnings
    assert str(warning).startswith("a.yaml:5:20: warning: accounts[0].roles[0].for_group: 'yes'")
    assert "read as true (a YAML 1.1 boolean)" in str(warning)
    assert "quote it ('yes') if it is text" in str(warning)


def test_true_false_and_quoted_words_are_not_warned_about(tmp_path) -> None:
    (tmp_path / "a.yaml").write_text("a: [true, False, 'yes', \"no\"]\n", encoding="utf-8")
    diagnostics = Diagnostics()
    load_path(tmp_path, diagnostics)
    assert not diagnostics.warnings


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # a key missing its colon: the parser notices on the next line
        ("accounts:\n  - name: X\n    roles\n      - name: R\n", "a.yaml:3:5: "),
        # a quote never closed
        ('accounts:\n  - name: "X\n    roles: []\n', "a.yaml:2:11: "),
        # a line indented one space too far is itself the line named
        (
            "accounts:\n  - name: X\n    roles:\n      - name: R\n       description: y\n",
            "a.yaml:5:8: ",
        ),
    ],
)
def test_a_yaml_syntax_error_names_the_broken_line(tmp_path, text, where) -> None:
    [error] = validated(tmp_path, text).errors
    assert str(error).startswith(where + "invalid YAML"), str(error)
