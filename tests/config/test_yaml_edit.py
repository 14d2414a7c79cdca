"""config.yaml_edit: one value changed, every other byte of the file as it was."""

from __future__ import annotations

import pytest

from ambraconf.config.yaml_edit import EditError, YamlEditor

ROLES = """\
# Roles of the account.
accounts:
  - name: Clinic   # the only one
    roles:
      - name: Reader
        description: 'Reads studies'
        permissions:
          study_view: true     # everyone reads

          study_share: false
      - name: Writer
        conditions:
          - {lv: modality, op: in, rv: [CT, MR]}
"""


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_a_scalar_keeps_its_quotes_and_its_comment():
    editor = YamlEditor("roles.yaml", ROLES)
    editor.set(1, ("accounts", 0, "roles", 0, "description"), "Reads: and shares")
    editor.set(1, ("accounts", 0, "roles", 0, "permissions", "study_view"), False)

    assert changed_lines(ROLES, editor.render()) == [
        ("        description: 'Reads studies'", "        description: 'Reads: and shares'"),
        (
            "          study_view: true     # everyone reads",
            "          study_view: false    # everyone reads",  # the comment keeps its column
        ),
    ]


def test_a_flow_list_is_changed_on_its_line():
    editor = YamlEditor("roles.yaml", ROLES)
    editor.set(1, ("accounts", 0, "roles", 1, "conditions", 0, "rv"), ["CT", "MR", "PT"])

    assert changed_lines(ROLES, editor.render()) == [
        (
            "          - {lv: modality, op: in, rv: [CT, MR]}",
            "          - {lv: modality, op: in, rv: [CT, MR, PT]}",
        )
    ]


def test_a_new_key_goes_under_its_last_sibling_before_the_blank_line():
    editor = YamlEditor("roles.yaml", ROLES)
    editor.set(1, ("accounts", 0, "roles", 0, "permissions", "study_download"), True)
    editor.set(1, ("accounts", 0, "roles", 0, "permissions", "study_view"), True)

    after = editor.render().splitlines()
    assert after[8:12] == [
        "",
        "          study_share: false",
        "          study_download: true",
        "      - name: Writer",
    ]
    assert ROLES.splitlines() == [line for line in after if "study_download" not in line]


def test_a_new_item_joins_a_list_in_the_style_of_its_siblings_and_one_is_removed():
    editor = YamlEditor("roles.yaml", ROLES)
    path = ("accounts", 0, "roles", 1, "conditions")
    editor.set(1, (*path, 1), {"lv": "study_description", "op": "contains", "rv": "ECHO"})
    editor.delete(1, (*path, 0))

    after = editor.render()
    assert "          - {lv: study_description, op: contains, rv: ECHO}\n" in after
    assert "rv: [CT, MR]" not in after
    assert len(after.splitlines()) == len(ROLES.splitlines())


def test_a_file_indented_its_own_way_is_edited_without_reformatting():
    text = "accounts:\n- name: Clinic\n  fields:\n      session_expire: 30  # minutes\n"
    editor = YamlEditor("a.yaml", text)
    editor.set(1, ("accounts", 0, "fields", "session_expire"), 45)

    assert editor.render() == text.replace("30", "45")


def test_a_value_no_longer_in_the_file_is_an_error_not_a_guess():
    editor = YamlEditor("roles.yaml", ROLES)
    with pytest.raises(EditError, match=r"roles.yaml:1: accounts\[3\] is not in the file"):
        editor.set(1, ("accounts", 3, "name"), "Other")


def test_documents_are_told_apart_by_line():
    text = "accounts:\n  - name: A\n---\naccounts:\n  - name: B\n    fields: {session_expire: 1}\n"
    editor = YamlEditor("two.yaml", text)
    editor.set(5, ("accounts", 0, "fields", "session_expire"), 2)

    assert editor.render() == text.replace("session_expire: 1", "session_expire: 2")


def test_windows_line_ends_stay():
    text = "accounts:\r\n  - name: A   # here\r\n    fields:\r\n      no_share: true\r\n"
    editor = YamlEditor("crlf.yaml", text)
    editor.set(1, ("accounts", 0, "fields", "no_share"), False)

    assert editor.render() == text.replace("true", "false")


def test_a_scalar_on_a_line_ruamel_would_rewrite_is_replaced_in_the_text():
    text = "fields:\n  session_expire:     30   # min\n  css:  { a: 'x y' }\n  vendor: 'V'\n"
    editor = YamlEditor("odd.yaml", text)
    editor.set(1, ("fields", "session_expire"), 45)
    editor.set(1, ("fields", "css", "a"), "it's")
    editor.set(1, ("fields", "vendor"), "A: B")

    assert editor.render() == (
        "fields:\n  session_expire:     45   # min\n  css:  { a: 'it''s' }\n  vendor: 'A: B'\n"
    )


def test_a_list_on_a_line_ruamel_would_rewrite_is_refused_rather_than_reformatted():
    text = "conditions:\n  - { lv: modality, rv: [ CT, MR ] }\n"
    editor = YamlEditor("odd.yaml", text)
    editor.set(1, ("conditions", 0, "rv"), ["CT", "MR", "PT"])

    with pytest.raises(EditError, match="odd.yaml: cannot be edited without reformatting"):
        editor.render()
