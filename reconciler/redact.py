"""Secrets out of every message: the keys, raw or in their Basic/Base64 form, become ``***``.

A server (or a proxy in front of it) may echo the request's ``Authorization`` header or a key
in its error text; an exception may carry a URL someone pasted with a token in it. Whatever the
source, a line shown or logged passes through ``Redactor.scrub`` first (the CLI's error lines
and its log handler), so no key reaches a terminal or a CI log.

Which values are secret is decided from the environment the run was given: the TrackDrive keys
(and any ``*_KEY``, ``*_TOKEN``, ``*_SECRET``, ``*_PASSWORD`` variable, which covers the key
variables ``accounts.yaml`` names and ``GITHUB_TOKEN``). Values shorter than six characters are
not treated as secrets: scrubbing "1" from every message would hide more than it protects.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

__all__ = ["MASK", "Redactor", "redactor_from_env"]

MASK: Final = "***"
_MIN_SECRET_CHARS: Final = 6
_SECRET_NAME: Final = re.compile(r"(?:^|_)(?:KEY|TOKEN|SECRET|PASSWORD)$", re.IGNORECASE)
_PUBLIC_SUFFIX: Final = "PUBLIC_KEY"
_PRIVATE_SUFFIX: Final = "PRIVATE_KEY"


def _encodings(text: str) -> set[str]:
    raw = text.encode("utf-8")
    forms = {text, quote(text, safe="")}
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        form = encoded.decode("ascii")
        forms |= {form, form.rstrip("=")}
    return forms


@dataclass(frozen=True, slots=True)
class Redactor:
    """Replaces each known secret form in a text; longest forms first, so none is left half."""

    forms: tuple[str, ...] = ()

    @classmethod
    def of(cls, secrets: Iterable[str], pairs: Iterable[tuple[str, str]] = ()) -> Redactor:
        """A redactor for ``secrets`` and the Basic-auth form of each (public, private) pair."""
        forms: set[str] = set()
        for secret in secrets:
            if len(secret) >= _MIN_SECRET_CHARS:
                forms |= _encodings(secret)
        for public, private in pairs:
            if len(private) >= _MIN_SECRET_CHARS:
                forms |= _encodings(f"{public}:{private}")
        kept = (f for f in forms if len(f) >= _MIN_SECRET_CHARS)
        return cls(tuple(sorted(kept, key=lambda f: (-len(f), f))))

    def scrub(self, text: str) -> str:
        """``text`` with every secret form replaced by ``***``."""
        for form in self.forms:
            if form in text:
                text = text.replace(form, MASK)
        return text


def redactor_from_env(env: Mapping[str, str]) -> Redactor:
    """A redactor for the secrets this run was given in its environment."""
    secrets = {name: value.strip() for name, value in env.items() if _SECRET_NAME.search(name)}
    pairs = [
        (secrets[name], secrets[private])
        for name in secrets
        if name.upper().endswith(_PUBLIC_SUFFIX)
        and (private := name[: -len(_PUBLIC_SUFFIX)] + _PRIVATE_SUFFIX) in secrets
    ]
    return Redactor.of(secrets.values(), pairs)
