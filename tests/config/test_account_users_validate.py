"""What validate says about account users before anything reaches the API."""

from __future__ import annotations

from config_helpers import Write, at, check, only_error

USERS = """
accounts:
  - name: Northshore
    users:
"""


def test_settings_a_user_cannot_override_are_refused_where_written(write: Write) -> None:
    write(
        "a.yaml",
        USERS
        + """
      - email: rad@clinic.example
        settings: {viewer_enable_mpr: true, enable_dicom_wrapping: true}
""",
    )
    text = at(only_error(check()), "cfg/a.yaml", 6, 45)
    assert "setting 'enable_dicom_wrapping' cannot be overridden for a user" in text
    assert "viewer_enable_mpr" in text  # the message lists the settings that can be


def test_a_user_is_named_by_an_email_and_never_renamed(write: Write) -> None:
    write(
        "a.yaml",
        USERS
        + """
      - email: Dr Rad
      - email: rad@clinic.example
        renamed_from: old@clinic.example
""",
    )
    errors = [str(e) for e in check().errors]
    assert len(errors) == 2, errors
    assert errors[0].startswith("cfg/a.yaml:5:16: ") and "expected an email address" in errors[0]
    assert errors[1].startswith("cfg/a.yaml:7:23: ") and "renamed_from does not apply" in errors[1]


def test_the_same_email_twice_in_another_case_is_a_duplicate(write: Write) -> None:
    write(
        "a.yaml",
        USERS
        + """
      - email: rad@clinic.example
      - email: RAD@Clinic.example
""",
    )
    text = at(only_error(check()), "cfg/a.yaml", 6, 16)
    assert "duplicate account user 'RAD@Clinic.example'" in text
