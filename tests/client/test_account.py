"""resolve_account and build_http_client: pure, no server, no network."""

from __future__ import annotations

import pytest

from reconciler.errors import CredentialsError
from reconciler.trackdrive import USER_AGENT, Account, build_http_client, resolve_account

KEYS = {"TRACKDRIVE_PUBLIC_KEY": "pub-123", "TRACKDRIVE_PRIVATE_KEY": "priv-456"}


def test_subdomain_flag_builds_the_trackdrive_url() -> None:
    """--subdomain S resolves to https://S.trackdrive.com with the keys from env."""
    account = resolve_account(api_url=None, subdomain="Acme", env=KEYS)
    assert account == Account("https://acme.trackdrive.com", "pub-123", "priv-456")


def test_api_url_flag_beats_the_environment() -> None:
    """An explicit --api-url wins over TRACKDRIVE_API_URL and TRACKDRIVE_SUBDOMAIN."""
    env = {**KEYS, "TRACKDRIVE_API_URL": "https://env.example", "TRACKDRIVE_SUBDOMAIN": "envsub"}
    account = resolve_account(api_url="http://127.0.0.1:8787/", subdomain=None, env=env)
    assert account.base_url == "http://127.0.0.1:8787"


def test_subdomain_flag_beats_the_environment_url() -> None:
    """An explicit --subdomain wins over TRACKDRIVE_API_URL."""
    env = {**KEYS, "TRACKDRIVE_API_URL": "https://env.example"}
    account = resolve_account(api_url=None, subdomain="flagged", env=env)
    assert account.base_url == "https://flagged.trackdrive.com"


def test_environment_subdomain_is_used_without_flags() -> None:
    """TRACKDRIVE_SUBDOMAIN alone chooses the account."""
    env = {**KEYS, "TRACKDRIVE_SUBDOMAIN": "fromenv"}
    account = resolve_account(api_url=None, subdomain=None, env=env)
    assert account.base_url == "https://fromenv.trackdrive.com"


def test_environment_url_is_used_without_flags() -> None:
    """TRACKDRIVE_API_URL alone chooses the account, without a trailing /api/v1."""
    env = {**KEYS, "TRACKDRIVE_API_URL": "https://acme.trackdrive.com/api/v1/"}
    account = resolve_account(api_url=None, subdomain=None, env=env)
    assert account.base_url == "https://acme.trackdrive.com"


def test_url_and_subdomain_naming_different_accounts_are_refused() -> None:
    """Two flags naming different accounts is an error that names both flags."""
    with pytest.raises(CredentialsError, match=r"--api-url .* and --subdomain .* different"):
        resolve_account(api_url="https://a.trackdrive.com", subdomain="b", env=KEYS)


def test_url_and_subdomain_naming_the_same_account_are_accepted() -> None:
    """A URL and a subdomain that agree resolve to that account."""
    account = resolve_account(api_url="https://a.trackdrive.com", subdomain="a", env=KEYS)
    assert account.base_url == "https://a.trackdrive.com"


def test_no_account_names_every_way_to_choose_one() -> None:
    """Without any account the error names both flags and both variables."""
    with pytest.raises(CredentialsError) as caught:
        resolve_account(api_url=None, subdomain=None, env=KEYS)
    message = str(caught.value)
    for word in ("--subdomain", "--api-url", "TRACKDRIVE_SUBDOMAIN", "TRACKDRIVE_API_URL"):
        assert word in message


def test_missing_keys_name_the_variables() -> None:
    """Missing keys are reported by variable name, both at once."""
    with pytest.raises(CredentialsError) as caught:
        resolve_account(api_url=None, subdomain="acme", env={})
    assert caught.value.message == (
        "missing TRACKDRIVE_PUBLIC_KEY and TRACKDRIVE_PRIVATE_KEY: set the TrackDrive API keys "
        "in the environment (never in a file in the repository)"
    )


def test_blank_key_counts_as_missing() -> None:
    """A key set to whitespace is missing; the other key is not reported."""
    env = {"TRACKDRIVE_PUBLIC_KEY": "pub", "TRACKDRIVE_PRIVATE_KEY": "  \n"}
    with pytest.raises(CredentialsError) as caught:
        resolve_account(api_url=None, subdomain="acme", env=env)
    assert caught.value.message == (
        "missing TRACKDRIVE_PRIVATE_KEY: set the TrackDrive API keys in the environment "
        "(never in a file in the repository)"
    )


def test_missing_account_and_keys_are_reported_together() -> None:
    """One error lists every problem, so one run shows all that is missing."""
    with pytest.raises(CredentialsError) as caught:
        resolve_account(api_url=None, subdomain=None, env={})
    assert caught.value.message == (
        "no TrackDrive account chosen: pass --subdomain S (for https://S.trackdrive.com) or "
        "--api-url URL, or set TRACKDRIVE_SUBDOMAIN or TRACKDRIVE_API_URL; "
        "missing TRACKDRIVE_PUBLIC_KEY and TRACKDRIVE_PRIVATE_KEY: set the TrackDrive API keys "
        "in the environment (never in a file in the repository)"
    )


def test_keys_are_stripped_of_surrounding_whitespace() -> None:
    """A key pasted with a trailing newline is used without it."""
    env = {"TRACKDRIVE_PUBLIC_KEY": " pub\n", "TRACKDRIVE_PRIVATE_KEY": "priv\n"}
    account = resolve_account(api_url=None, subdomain="acme", env=env)
    assert (account.public_key, account.private_key) == ("pub", "priv")


@pytest.mark.parametrize("subdomain", ["acme.trackdrive.com", "https://acme", "-acme", "ac me"])
def test_a_subdomain_must_be_a_bare_label(subdomain: str) -> None:
    """Anything but a DNS label as --subdomain is refused, quoting it and pointing to --api-url."""
    with pytest.raises(CredentialsError) as caught:
        resolve_account(api_url=None, subdomain=subdomain, env=KEYS)
    assert caught.value.message == (
        "--subdomain must be the subdomain alone (acme for https://acme.trackdrive.com), "
        f"got '{subdomain}'; pass a full URL with --api-url instead"
    )


def test_a_blank_subdomain_counts_as_not_given() -> None:
    """--subdomain '' is no choice at all: the error asks for an account, not a better label."""
    with pytest.raises(CredentialsError) as caught:
        resolve_account(api_url=None, subdomain="", env=KEYS)
    assert caught.value.message == (
        "no TrackDrive account chosen: pass --subdomain S (for https://S.trackdrive.com) or "
        "--api-url URL, or set TRACKDRIVE_SUBDOMAIN or TRACKDRIVE_API_URL"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "acme.trackdrive.com",
            "--api-url must be a URL such as https://acme.trackdrive.com, "
            "got 'acme.trackdrive.com'",
        ),
        (
            "ftp://acme.trackdrive.com",
            "--api-url must be a URL such as https://acme.trackdrive.com, "
            "got 'ftp://acme.trackdrive.com'",
        ),
        (
            "https://user:pw@acme.trackdrive.com",
            "--api-url must not carry credentials (it contains '@'); set TRACKDRIVE_PUBLIC_KEY "
            "and TRACKDRIVE_PRIVATE_KEY instead",
        ),
        ("https://acme.trackdrive.com/?x=1", "--api-url must not have a query or fragment"),
    ],
)
def test_an_api_url_must_be_a_plain_http_url(url: str, message: str) -> None:
    """--api-url must be http(s), without credentials, query or fragment; the error says which."""
    with pytest.raises(CredentialsError) as caught:
        resolve_account(api_url=url, subdomain=None, env=KEYS)
    assert caught.value.message == message


def test_account_repr_and_str_hide_the_keys() -> None:
    """Neither repr nor str of an Account shows a key."""
    account = resolve_account(api_url=None, subdomain="acme", env=KEYS)
    for text in (repr(account), str(account), f"{account}", repr([account])):
        assert "pub-123" not in text
        assert "priv-456" not in text
        assert "acme.trackdrive.com" in text


@pytest.mark.anyio
async def test_http_client_sends_basic_auth_and_user_agent() -> None:
    """The built client sets Basic auth, the User-Agent and the base URL, and hides the key."""
    account = Account("https://acme.trackdrive.com", "pub-123", "priv-456")
    async with build_http_client(account, timeout=5.0) as http:
        request = http.build_request("GET", "/api/v1/schedules")
        assert http.auth is not None
        flow = http.auth.sync_auth_flow(request)
        authorized = next(flow)
        assert str(request.url) == "https://acme.trackdrive.com/api/v1/schedules"
        assert authorized.headers["Authorization"] == "Basic cHViLTEyMzpwcml2LTQ1Ng=="
        assert request.headers["User-Agent"] == USER_AGENT
        assert USER_AGENT.startswith("trackdrive-reconciler/")
        assert "priv-456" not in repr(http) + repr(authorized.headers)


def test_an_account_reads_its_keys_from_the_variables_it_names() -> None:
    """With named key variables, the keys come from them and never from the default pair."""
    env = {**KEYS, "ACME_PUBLIC": "acme-pub", "ACME_PRIVATE": "acme-priv"}
    account = resolve_account(
        api_url=None,
        subdomain="acme",
        env=env,
        public_key_env="ACME_PUBLIC",
        private_key_env="ACME_PRIVATE",
    )
    assert account == Account("https://acme.trackdrive.com", "acme-pub", "acme-priv")


def test_missing_named_key_variables_are_named_in_the_error() -> None:
    """An account's own key variables, when unset, are named; the default pair does not stand in."""
    with pytest.raises(CredentialsError) as raised:
        resolve_account(
            api_url=None,
            subdomain="acme",
            env=KEYS,
            public_key_env="TRACKDRIVE_ACME_PUBLIC_KEY",
            private_key_env="TRACKDRIVE_ACME_PRIVATE_KEY",
        )
    assert raised.value.message == (
        "missing TRACKDRIVE_ACME_PUBLIC_KEY and TRACKDRIVE_ACME_PRIVATE_KEY: set the TrackDrive "
        "API keys in the environment (never in a file in the repository)"
    )
