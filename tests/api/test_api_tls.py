"""TLS is verified; a private CA is trusted only through AMBRA_CA_BUNDLE."""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from ambra_standin import StandIn, ok
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ambraconf.api import AmbraClient, ClientSettings, RetryPolicy, Transport, TransportError


def self_signed(directory: Path) -> tuple[str, str]:
    """A certificate for 127.0.0.1 that signs itself, as a private CA's would."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ambraconf test CA")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


@pytest.fixture
def https_standin(tmp_path: Path) -> Iterator[tuple[StandIn, str]]:
    cert_file, key_file = self_signed(tmp_path)
    server = StandIn(ssl_context=(cert_file, key_file))
    server.valid_sids.add("s")
    server.script("/role/get", ok(uuid="r1"))
    yield server, cert_file
    server.stop()


def client(url: str, ca_bundle: str | None = None) -> AmbraClient:
    settings = ClientSettings(url=url, sid="s", ca_bundle=ca_bundle)
    transport = Transport(
        url, ca_bundle=ca_bundle, requests_per_second=None, retry=RetryPolicy(max_attempts=3)
    )
    return AmbraClient(settings, transport=transport)


def test_an_untrusted_certificate_is_refused_at_once(https_standin: tuple[StandIn, str]):
    server, _ = https_standin
    unverified = client(server.url)

    with pytest.raises(TransportError, match="TLS error") as caught:
        unverified.call("/role/get", uuid="r1")

    assert "AMBRA_CA_BUNDLE" in str(caught.value)
    assert unverified.counts().total == 1, "a certificate problem is not retried"
    assert server.paths() == []


def test_the_ca_bundle_is_trusted_over_requests_own_variable(
    https_standin: tuple[StandIn, str], monkeypatch: pytest.MonkeyPatch
):
    server, cert_file = https_standin
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")

    assert client(server.url, ca_bundle=cert_file).call("/role/get", uuid="r1") == {"uuid": "r1"}
