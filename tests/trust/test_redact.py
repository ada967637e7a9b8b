"""Keys are scrubbed from messages: raw, Base64, Basic and URL-encoded forms."""

from __future__ import annotations

import base64

from reconciler.redact import Redactor, redactor_from_env

ENV = {
    "TRACKDRIVE_PUBLIC_KEY": "pk-abc123",
    "TRACKDRIVE_PRIVATE_KEY": "sk-s3cr3t/+=",
    "GITHUB_TOKEN": "ghp_tokenvalue",
    "HOME": "/home/someone",
    "SHORT_KEY": "abc",
}


def test_every_form_of_a_key_is_masked() -> None:
    """Raw keys, their Basic header, Base64 and URL-encoded forms all become ***."""
    basic = base64.b64encode(b"pk-abc123:sk-s3cr3t/+=").decode()
    text = (
        f"echo: Basic {basic} pk-abc123 sk-s3cr3t/+= sk-s3cr3t%2F%2B%3D "
        f"{base64.b64encode(b'sk-s3cr3t/+=').decode()} ghp_tokenvalue /home/someone abc"
    )
    assert redactor_from_env(ENV).scrub(text) == (
        "echo: Basic *** *** *** *** *** *** /home/someone abc"
    )


def test_a_redactor_without_secrets_changes_nothing() -> None:
    """No secrets known: the text is returned as it is."""
    assert Redactor.of([]).scrub("GET /api/v1/schedules answered 500") == (
        "GET /api/v1/schedules answered 500"
    )
