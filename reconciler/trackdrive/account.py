"""Which TrackDrive account to talk to, and with which keys: resolved from values passed in.

Pure: the caller hands over the command-line values and an environment mapping, so this module
reads no ``os.environ`` and opens no socket. Keys come only from the environment, never from a
flag or a file, and no repr or message ever shows them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from reconciler.errors import CredentialsError
from reconciler.untrusted import is_unsafe_char, terminal

__all__ = [
    "ENV_API_URL",
    "ENV_PRIVATE_KEY",
    "ENV_PUBLIC_KEY",
    "ENV_SUBDOMAIN",
    "Account",
    "resolve_account",
]

ENV_API_URL: Final = "TRACKDRIVE_API_URL"
ENV_SUBDOMAIN: Final = "TRACKDRIVE_SUBDOMAIN"
ENV_PUBLIC_KEY: Final = "TRACKDRIVE_PUBLIC_KEY"
ENV_PRIVATE_KEY: Final = "TRACKDRIVE_PRIVATE_KEY"

# A DNS label: what may stand before ".trackdrive.com".
_SUBDOMAIN: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE)
_TRACKDRIVE_HOST: Final = "trackdrive.com"
_API_SUFFIX: Final = "/api/v1"
_SHOWN_URL_CHARS: Final = 200
# A host name, an IPv4 address, or an IPv6 address (urlsplit strips its brackets).
_HOST: Final = re.compile(r"[A-Za-z0-9._-]+|[0-9A-Fa-f:.]+(?:%[A-Za-z0-9]+)?")


@dataclass(frozen=True, slots=True, repr=False)
class Account:
    """A TrackDrive account's base URL and API keys; its repr hides the keys."""

    base_url: str
    public_key: str
    private_key: str

    def __repr__(self) -> str:
        return f"Account(base_url={self.base_url!r}, public_key=<hidden>, private_key=<hidden>)"

    __str__ = __repr__


def resolve_account(
    *,
    api_url: str | None,
    subdomain: str | None,
    env: Mapping[str, str],
    public_key_env: str = ENV_PUBLIC_KEY,
    private_key_env: str = ENV_PRIVATE_KEY,
) -> Account:
    """The account from explicit values first, then ``env``; raises CredentialsError if unset.

    ``api_url`` and ``subdomain`` are the ``--api-url`` and ``--subdomain`` values (``None``
    when not given); they beat ``TRACKDRIVE_API_URL`` and ``TRACKDRIVE_SUBDOMAIN``. The keys
    come from the variables named by ``public_key_env`` and ``private_key_env`` (an account in
    ``accounts.yaml`` names its own). Every problem is reported at once, so one run tells the
    user all that is missing.
    """
    problems: list[str] = []
    base_url: str | None = None
    try:
        base_url = _base_url(api_url, subdomain, env)
    except CredentialsError as exc:
        problems.append(exc.message)
    public_key = _secret(env, public_key_env)
    private_key = _secret(env, private_key_env)
    missing = [
        name
        for name, value in ((public_key_env, public_key), (private_key_env, private_key))
        if value is None
    ]
    if missing:
        problems.append(
            f"missing {' and '.join(missing)}: set the TrackDrive API keys in the environment "
            "(never in a file in the repository)"
        )
    if problems or base_url is None or public_key is None or private_key is None:
        raise CredentialsError("; ".join(problems))
    return Account(base_url=base_url, public_key=public_key, private_key=private_key)


def _base_url(api_url: str | None, subdomain: str | None, env: Mapping[str, str]) -> str:
    """The base URL from the flags if any was given, else from the environment."""
    flag_url = _blank_to_none(api_url)
    flag_subdomain = _blank_to_none(subdomain)
    if flag_url is not None or flag_subdomain is not None:
        return _one_url(flag_url, "--api-url", flag_subdomain, "--subdomain")
    env_url = _blank_to_none(env.get(ENV_API_URL))
    env_subdomain = _blank_to_none(env.get(ENV_SUBDOMAIN))
    if env_url is not None or env_subdomain is not None:
        return _one_url(env_url, ENV_API_URL, env_subdomain, ENV_SUBDOMAIN)
    raise CredentialsError(
        "no TrackDrive account chosen: pass --subdomain S (for https://S.trackdrive.com) or "
        f"--api-url URL, or set {ENV_SUBDOMAIN} or {ENV_API_URL}"
    )


def _one_url(url: str | None, url_source: str, subdomain: str | None, sub_source: str) -> str:
    """One base URL from a URL and/or a subdomain given at the same level; both must agree."""
    from_url = _normalize_url(url, url_source) if url is not None else None
    from_subdomain = _subdomain_url(subdomain, sub_source) if subdomain is not None else None
    if from_url is not None and from_subdomain is not None and from_url != from_subdomain:
        # Two different accounts named at once: guessing could write to the wrong one.
        raise CredentialsError(
            f"{url_source} ({from_url}) and {sub_source} ({from_subdomain}) name different "
            "accounts: give only one of them"
        )
    chosen = from_url or from_subdomain
    assert chosen is not None
    return chosen


def _subdomain_url(subdomain: str, source: str) -> str:
    if not _SUBDOMAIN.fullmatch(subdomain):
        raise CredentialsError(
            f"{source} must be the subdomain alone (acme for https://acme.trackdrive.com), "
            f"got '{subdomain}'; pass a full URL with --api-url instead"
        )
    return f"https://{subdomain.lower()}.{_TRACKDRIVE_HOST}"


def _normalize_url(url: str, source: str) -> str:
    """``scheme://host[:port][/prefix]`` without a trailing slash or ``/api/v1``.

    A URL that may hold a secret (user info, a query) is refused without being repeated; any
    other malformed URL or port is one ``CredentialsError``, never a ``ValueError``.
    """
    if "@" in url:
        # Keys belong in the environment variables only; a URL is printed in messages. Checked
        # before anything is parsed, so no other error can repeat the URL and its keys.
        raise CredentialsError(
            f"{source} must not carry credentials (it contains '@'); set {ENV_PUBLIC_KEY} and "
            f"{ENV_PRIVATE_KEY} instead"
        )
    if "?" in url or "#" in url:
        raise CredentialsError(f"{source} must not have a query or fragment")
    shown = terminal(url[:_SHOWN_URL_CHARS])
    if any(c.isspace() or is_unsafe_char(c) for c in url):
        raise CredentialsError(
            f"{source} is not a valid URL (a space or control character): '{shown}'"
        )
    shown = terminal(url[:_SHOWN_URL_CHARS])
    try:
        parts = urlsplit(url)
        port = parts.port  # urlsplit checks the port only when asked
    except ValueError as exc:
        raise CredentialsError(f"{source} is not a valid URL ({exc}): '{shown}'") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CredentialsError(
            f"{source} must be a URL such as https://acme.trackdrive.com, got '{shown}'"
        )
    if port == 0 or not _HOST.fullmatch(parts.hostname):
        raise CredentialsError(f"{source} is not a valid URL (bad host or port): '{shown}'")
    path = parts.path.rstrip("/")
    # The client adds /api/v1 itself; accept a URL copied with it.
    path = path.removesuffix(_API_SUFFIX)
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


def _secret(env: Mapping[str, str], name: str) -> str | None:
    # Surrounding whitespace is never part of a key: it comes from copy and paste.
    return _blank_to_none(env.get(name))


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None
