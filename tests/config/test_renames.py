"""``renamed_from``: the old name must be gone from the files, unless a chain or a swap
moves the object defined under it away too."""

from __future__ import annotations

from config_helpers import Write, at, check, only_error


def roles(write: Write, *entries: str) -> None:
    body = "".join(f"      - {entry}\n" for entry in entries)
    write("a.yaml", f"accounts:\n  - name: Northshore\n    roles:\n{body}")


def test_a_rename_from_a_name_still_defined_is_refused(write: Write) -> None:
    roles(write, "{name: Reader, renamed_from: Viewer}", "{name: Viewer}")
    text = at(only_error(check()), "cfg/a.yaml", 4, 38)
    assert "role 'Reader' is renamed from 'Viewer', but 'Viewer' is still defined" in text


def test_a_swap_and_a_chain_of_renames_are_accepted(write: Write) -> None:
    roles(
        write,
        "{name: Reader, renamed_from: Viewer}",
        "{name: Viewer, renamed_from: Reader}",
        "{name: Senior, renamed_from: Junior}",
        "{name: Junior, renamed_from: Trainee}",
    )
    assert check().errors == []
