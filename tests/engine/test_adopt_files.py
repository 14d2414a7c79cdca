"""engine.adopt_files: the new texts of the files adopt edits."""

from __future__ import annotations

from ambraconf.engine.adopt_edits import Edit
from ambraconf.engine.adopt_files import new_texts

FIELD = ("accounts", 0, "fields", "session_expire")


def test_a_byte_order_mark_stays(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw = "\ufeffaccounts:\n  - name: A\n    fields:\n      session_expire: 30\n"
    (tmp_path / "a.yaml").write_text(raw, encoding="utf-8")
    edit = Edit("A", "A/account/A", "session_expire", "set", ("a.yaml", 4, 23), (), FIELD, 45)

    [change] = new_texts([edit])

    assert change.after == raw.replace("30", "45")
    assert change.diff().splitlines()[:2] == ["--- a/a.yaml", "+++ b/a.yaml"]


def test_an_edit_that_changes_nothing_changes_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("accounts:\n  - name: A\n    fields: {session_expire: 30}\n")
    edit = Edit("A", "A/account/A", "session_expire", "set", ("a.yaml", 3, 22), (), FIELD, 30)

    assert new_texts([edit]) == []
