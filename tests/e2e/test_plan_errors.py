"""Mistakes a user can make with plan: one clear message, exit 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest


def assert_clean_error(run, *fragments: str) -> None:
    assert run.code == 1
    assert "Traceback" not in run.err
    for fragment in fragments:
        assert fragment in run.err


def test_wrong_password(ambraconf, with_pacs, clinic: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AMBRA_PASSWORD", "wrong")
    run = ambraconf("plan", str(clinic))
    assert_clean_error(run, "Error:")
    assert "wrong" not in run.err


def test_unreachable_url(ambraconf, clinic: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AMBRA_URL", "http://127.0.0.1:9/api/v3")
    assert_clean_error(ambraconf("plan", str(clinic)), "cannot reach")


def test_missing_credentials(ambraconf, clinic: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("AMBRA_PASSWORD")
    assert_clean_error(ambraconf("plan", str(clinic)), "AMBRA_PASSWORD")


def test_account_that_does_not_exist(ambraconf, with_pacs, clinic: Path):
    config = clinic / "clinic.yaml"
    config.write_text(config.read_text().replace("Sandbox Hospital", "Nowhere Clinic"))
    assert_clean_error(
        ambraconf("plan", str(clinic)), "no account called 'Nowhere Clinic'", "Sandbox Hospital"
    )


def test_destination_that_does_not_exist_live(ambraconf, sandbox, clinic: Path):
    assert_clean_error(ambraconf("plan", str(clinic)), "destination 'PACS' does not exist live")


def test_api_error_in_the_middle_of_reading(ambraconf, with_pacs, clinic: Path):
    with_pacs.configure(fault_rate=1.0, fault_match="^/bundle$", fault_kinds=["500"])
    run = ambraconf("plan", str(clinic))
    assert_clean_error(run, "/bundle")


def test_invalid_config_stops_before_any_request(ambraconf, with_pacs, clinic: Path):
    config = clinic / "clinic.yaml"
    config.write_text(config.read_text().replace("study_view", "study_veiw"))
    with_pacs.reset_stats()
    run = ambraconf("plan", str(clinic))
    assert_clean_error(run, "study_veiw")
    assert with_pacs.stats()["requests"] == 0


def test_two_live_objects_with_one_name_need_a_uuid_pin(ambraconf, with_pacs, clinic: Path):
    first = with_pacs.ok("/role/add", account_id=with_pacs.account_id, name="Radiologist")
    second = with_pacs.ok("/role/add", account_id=with_pacs.account_id, name="RADIOLOGIST")
    run = ambraconf("plan", str(clinic))
    assert_clean_error(run, "2 live roles match 'Radiologist'", first["uuid"], second["uuid"])
    assert "clinic.yaml:" in run.err  # the hint points at the object to pin
    config = clinic / "clinic.yaml"
    config.write_text(
        config.read_text().replace(
            "      - name: Radiologist\n",
            f"      - name: Radiologist\n        uuid: {second['uuid']}\n",
        )
    )
    pinned = ambraconf("plan", str(clinic), "--format", "json")
    assert pinned.code == 0, pinned.err
    assert f'"uuid": "{second["uuid"]}"' in pinned.out
