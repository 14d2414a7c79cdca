"""Where the client connects and as whom: environment, explicit values, clear errors."""

from __future__ import annotations

import pytest

from ambraconf.api import ClientSettings
from ambraconf.config.errors import UserError

ENV = {
    "AMBRA_URL": "https://access.example.com/api/v3",
    "AMBRA_LOGIN": "ops@example.com",
    "AMBRA_PASSWORD": " s3cret with spaces ",
}


def test_reads_the_environment() -> None:
    settings = ClientSettings.from_env(ENV)
    assert settings.url == "https://access.example.com/api/v3"
    assert settings.login == "ops@example.com"
    assert settings.password == " s3cret with spaces "
    assert settings.sid is None
    assert settings.can_log_in


def test_explicit_values_win_over_the_environment() -> None:
    settings = ClientSettings.from_env(ENV, url="https://other.example.com", login="me@x.org")
    assert settings.url == "https://other.example.com/api/v3"
    assert settings.login == "me@x.org"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("access.example.com", "https://access.example.com/api/v3"),
        ("https://access.example.com/", "https://access.example.com/api/v3"),
        ("https://access.example.com/api/v3/", "https://access.example.com/api/v3"),
        ("http://127.0.0.1:8080/api/v3", "http://127.0.0.1:8080/api/v3"),
        ("https://gw.example.com/ambra", "https://gw.example.com/ambra/api/v3"),
    ],
)
def test_url_is_completed_to_the_api_base(given: str, expected: str) -> None:
    assert ClientSettings.from_env({**ENV, "AMBRA_URL": given}).url == expected


def test_a_session_id_alone_is_enough() -> None:
    settings = ClientSettings.from_env({"AMBRA_URL": "access.example.com", "AMBRA_SID": "abc"})
    assert settings.sid == "abc"
    assert not settings.can_log_in


def test_nothing_set_names_every_variable() -> None:
    with pytest.raises(UserError) as caught:
        ClientSettings.from_env({"AMBRA_LOGIN": ""})
    message = str(caught.value)
    for name in ("AMBRA_URL", "AMBRA_LOGIN", "AMBRA_PASSWORD", "AMBRA_SID"):
        assert name in message


def test_login_without_password_names_the_password_variable() -> None:
    with pytest.raises(UserError) as caught:
        ClientSettings.from_env({"AMBRA_URL": "x.example.com", "AMBRA_LOGIN": "ops@example.com"})
    assert str(caught.value) == "missing Ambra connection settings: set AMBRA_PASSWORD"


def test_not_an_http_address_is_refused() -> None:
    with pytest.raises(UserError, match="not an http"):
        ClientSettings.from_env({**ENV, "AMBRA_URL": "ftp://files.example.com"})


def test_ca_bundle_must_be_a_file(tmp_path) -> None:
    with pytest.raises(UserError, match="AMBRA_CA_BUNDLE"):
        ClientSettings.from_env({**ENV, "AMBRA_CA_BUNDLE": str(tmp_path / "missing.pem")})
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert ClientSettings.from_env({**ENV, "AMBRA_CA_BUNDLE": str(bundle)}).ca_bundle == str(bundle)


def test_repr_hides_secrets() -> None:
    settings = ClientSettings.from_env({**ENV, "AMBRA_SID": "sid-value-123"})
    assert "s3cret" not in repr(settings)
    assert "sid-value-123" not in repr(settings)
