"""What a log line or an exception may show of a request: everything but its secrets."""

from __future__ import annotations

import json

from ambraconf.api.redact import MASK, redact, redact_body


def test_credentials_are_masked_by_name_including_ones_named_like_secrets():
    sent = {"login": "me", "password": "p", "old_password": "o", "client_secret": "c"}
    assert redact({**sent, "charge_token": "t", "password_expire": "90"}) == {
        "login": "me",
        "password": MASK,
        "old_password": MASK,
        "client_secret": MASK,
        "charge_token": MASK,
        "password_expire": "90",
    }


def test_each_call_of_a_bundle_is_masked_and_a_body_that_is_not_json_is_hidden():
    body = json.dumps([{"URL": "/webhook/add", "sid": "s3cr3t", "auth": '{"basic": 1}'}])
    assert redact_body(None, body) == [{"URL": "/webhook/add", "sid": MASK, "auth": MASK}]
    assert redact_body(None, "sid=s3cr3t") == MASK
    assert redact_body({"sid": "s3cr3t", "uuid": "u"}, None) == {"sid": MASK, "uuid": "u"}
