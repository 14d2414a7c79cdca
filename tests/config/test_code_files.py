"""Texts kept in files of the repository (custom code's ``code_file:``): read relative to the
YAML file that names it, as they are, and every problem at file:line:column."""

from __future__ import annotations

from config_helpers import Write, at, check, only_error

CODE = "def validate(study):\n    return '${not interpolated}'\n"


def test_the_file_is_read_relative_to_the_yaml_file_that_names_it(write: Write) -> None:
    write("accounts/north.yaml", "accounts:\n  - name: North\n    include: [checks]\n")
    write(
        "shared/checks.yaml",
        "shared:\n  checks:\n    customcodes:\n      - {name: CT check, code_file: code/ct.py}\n",
    )
    write("shared/code/ct.py", CODE)
    result = check()
    assert result.ok, [str(e) for e in result.errors]
    [code] = result.accounts[0].of("customcode")
    assert code.values == {"name": "CT check", "code": CODE}
    # the code is where code_file: is written
    assert (code.where("code").file, code.where("code").line) == ("cfg/shared/checks.yaml", 4)


def test_a_missing_file_is_reported_where_it_is_named(write: Write) -> None:
    write(
        "a.yaml",
        "accounts:\n  - name: A\n    customcodes:\n      - name: X\n        code_file: x.py\n",
    )
    text = at(only_error(check()), "cfg/a.yaml", 5, 20)
    assert "code_file: cannot read 'x.py': no such file" in text
    assert "relative to the YAML file that names it" in text


def test_code_or_code_file_exactly_one(write: Write) -> None:
    write("x.py", CODE)
    write(
        "a.yaml",
        "accounts:\n  - name: A\n    customcodes:\n"
        "      - {name: Both, code: pass, code_file: x.py}\n      - {name: Neither}\n",
    )
    errors = check().errors
    assert [(e.line, e.message) for e in errors] == [
        (4, "give code_file or code, not both"),
        (
            5,
            "a custom code needs its code: code_file: <a file, relative to this YAML file> or "
            "code: <the text>",
        ),
    ]


def test_a_file_that_is_not_text_is_an_error(write: Write) -> None:
    (write("x.py", "")).write_bytes(b"\xff\xfe")
    write(
        "a.yaml", "accounts:\n  - name: A\n    customcodes:\n      - {name: X, code_file: x.py}\n"
    )
    assert "code_file: 'x.py' is not UTF-8 text" in str(only_error(check()))


def test_a_namespace_listed_twice_in_deploy_to_is_an_error(write: Write) -> None:
    write(
        "a.yaml",
        "accounts:\n  - name: A\n    groups: [{name: Radiology}]\n    customcodes:\n"
        "      - name: X\n        code: pass\n"
        "        deploy_to: [ACCOUNT, {group: Radiology}, {group: radiology}]\n",
    )
    text = str(only_error(check()))
    assert text.startswith("cfg/a.yaml:7:") and "this namespace is listed twice" in text
