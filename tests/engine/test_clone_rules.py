"""The clone's own rules, offline: the slug, the share code template and what it gives,
and what counts as an account a clone may go into."""

from __future__ import annotations

import pytest

from ambraconf.config.errors import UserError
from ambraconf.engine.clone import check_codes, check_template, default_out, slug


def test_a_slug_is_the_name_in_capitals_with_dashes() -> None:
    assert slug("Northshore West") == "NORTHSHORE-WEST"
    assert slug("  St. Mary's / North ") == "ST-MARY-S-NORTH"
    assert str(default_out("Northshore West")) == "northshore-west"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{account}", "it must contain {code}"),
        ("{code}-{site}", "unknown placeholder {site}"),
        ("{code", "--share-codes '{code'"),
    ],
)
def test_a_template_must_name_the_code_and_nothing_unknown(template: str, message: str) -> None:
    with pytest.raises(UserError) as error:
        check_template(template)
    assert message in str(error.value)


def test_templates_with_the_code_and_the_account_are_fine() -> None:
    check_template("{account}-{code}")
    check_template("W{code}")


def test_new_codes_must_be_valid_distinct_and_new() -> None:
    check_codes([("NSH-RAD", "W-NSH-RAD"), ("nsh-ed", "W-nsh-ed")], "W-{code}")
    for codes, message in [
        ([("A", "A B")], "may hold only letters, digits"),
        ([("rad", "RAD")], "is the code it replaces"),
        ([("A", "X"), ("B", "x")], "'x' is given to both 'A' and 'B'"),
    ]:
        with pytest.raises(UserError) as error:
            check_codes(codes, "T")
        assert message in str(error.value)
