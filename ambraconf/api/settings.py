"""Where to connect and as whom: from explicit values (CLI options) or the environment.

Credentials never come from configuration files, which live in git.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ambraconf.config.errors import UserError

API_PATH = "/api/v3"


@dataclass(frozen=True)
class ClientSettings:
    """The API base URL and the credentials for one run.

    Either ``login`` and ``password`` (the client logs in once and again when the session
    expires) or ``sid`` (an existing session, used as is) must be set; with both, the sid
    is used first and the login renews it. Secrets are left out of ``repr``.
    """

    url: str
    login: str | None = None
    password: str | None = field(default=None, repr=False)
    sid: str | None = field(default=None, repr=False)
    ca_bundle: str | None = None

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        url: str | None = None,
        login: str | None = None,
        password: str | None = None,
        sid: str | None = None,
        ca_bundle: str | None = None,
    ) -> ClientSettings:
        """Explicit values win over ``AMBRA_URL``, ``AMBRA_LOGIN``, ``AMBRA_PASSWORD``,
        ``AMBRA_SID`` and ``AMBRA_CA_BUNDLE``; empty values count as unset. The password is
        taken verbatim (spaces may belong to it); other values are stripped.

        Raises ``UserError`` naming the variables to set when something is missing.
        """
        env = os.environ if environ is None else environ

        def pick(explicit: str | None, name: str, *, strip: bool = True) -> str | None:
            value = explicit or env.get(name, "")
            return (value.strip() if strip else value) or None

        url = pick(url, "AMBRA_URL")
        login = pick(login, "AMBRA_LOGIN")
        password = pick(password, "AMBRA_PASSWORD", strip=False)
        sid = pick(sid, "AMBRA_SID")
        ca_bundle = pick(ca_bundle, "AMBRA_CA_BUNDLE")

        missing = []
        if url is None:
            missing.append("AMBRA_URL")
        if sid is None and (login is None or password is None):
            if login is None and password is None:
                missing.append("AMBRA_LOGIN and AMBRA_PASSWORD (or AMBRA_SID)")
            else:
                missing.append("AMBRA_PASSWORD" if password is None else "AMBRA_LOGIN")
        if missing:
            raise UserError(
                "missing Ambra connection settings: set " + " and ".join(missing),
                hint="AMBRA_URL is the API address, e.g. https://access.ambrahealth.com/api/v3"
                if url is None
                else None,
            )
        assert url is not None  # else AMBRA_URL is in ``missing``
        if ca_bundle is not None and not Path(ca_bundle).is_file():
            raise UserError(f"AMBRA_CA_BUNDLE points to {ca_bundle}, which is not a file")
        return cls(
            url=api_base_url(url),
            login=login,
            password=password,
            sid=sid,
            ca_bundle=ca_bundle,
        )

    @property
    def can_log_in(self) -> bool:
        """Whether the client can open (and renew) a session by itself."""
        return self.login is not None and self.password is not None


def api_base_url(url: str) -> str:
    """Normalise a user-given address to the API base ending in ``/api/v3``.

    Like Ambra's own tools, accept the bare host (``access.ambrahealth.com`` or
    ``https://access.ambrahealth.com``) and add what is missing; default to https.
    """
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(f"AMBRA_URL {url!r} is not an http(s) address")
    path = parts.path.rstrip("/")
    if not path.endswith(API_PATH):
        path += API_PATH
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
