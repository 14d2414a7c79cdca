"""Python values become the API's form values."""

from __future__ import annotations

import pytest

from ambraconf.api import CommaList, encode_params, encode_value


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (True, "1"),
        (False, "0"),
        (0, "0"),
        (5000, "5000"),
        (1.5, "1.5"),
        ("study_view", "study_view"),
        ({"study_view": 1, "ui_json": {}}, '{"study_view":1,"ui_json":{}}'),
        (["a", "b"], '["a","b"]'),
        ({"on": True, "name": "Zürich"}, '{"on":true,"name":"Zürich"}'),
        (CommaList(["ns-1", "ns-2"]), "ns-1,ns-2"),
        (CommaList([]), ""),
    ],
)
def test_values(value: object, wire: str) -> None:
    assert encode_value(value) == wire


def test_none_is_dropped_and_order_kept() -> None:
    params = {"name": "Radiologist", "description": None, "sharer": True, "account_id": "a1"}
    assert list(encode_params(params).items()) == [
        ("name", "Radiologist"),
        ("sharer", "1"),
        ("account_id", "a1"),
    ]


def test_an_unknown_type_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="set"):
        encode_value({"a", "b"})
