"""``accounts.yaml``: several TrackDrive accounts from one repository.

An optional file at the repository root names each account::

    shared: [shared/schedules.d]        # layered under every account (optional)
    accounts:
      - key: acme-prod                  # a slug: lower-case letters, digits, hyphens
        subdomain: acme                 # or api_url: https://acme.trackdrive.com
        specs: acme-prod/schedules.d    # default: <key>/schedules.d
        config: acme-prod/reconciler.yaml   # default: reconciler.yaml beside the specs
        shared: [shared/schedules.d]    # default: the top-level `shared`; [] for none
        public_key_env: ACME_PUBLIC     # default: TRACKDRIVE_ACME_PROD_PUBLIC_KEY
        private_key_env: ACME_PRIVATE   # default: TRACKDRIVE_ACME_PROD_PRIVATE_KEY
        environment: production-acme    # default: trackdrive-<key> (the GitHub environment)

Every path is relative to the directory holding ``accounts.yaml`` and must stay inside it:
no absolute path, no ``..``, no symlink leading out. Keys (the API credentials) only ever come
from the named environment variables.

**Layering.** An account's specs are its shared directories, in the order listed, then its own
specs directory: each a *layer*. Within one layer the usual rules hold (a name or a pinned id
used twice is an error naming both places). Across layers, a later layer overrides an earlier
one *by schedule name*: the later spec replaces the earlier one whole (its fields are not
merged), so an account can change a shared schedule (``paused: true``) or delete it on that
account (``ensure: absent``). After overriding, a pinned id used by two different names is an
error naming both places. Without ``accounts.yaml`` there is one account and one layer, as
before.

Like the spec loader, the only I/O here is reading files under the repository root.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Final
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from reconciler.errors import AccountError, Issue, SpecError
from reconciler.inputlimits import InputLimits
from reconciler.loader import (
    SpecSet,
    load_specs,
    read_spec_text,
    unknown_key_message,
    validate_entry,
)
from reconciler.location import Location
from reconciler.spec import LoadedSpec
from reconciler.yamlnodes import Located, NodePath, parse_document

__all__ = [
    "ACCOUNTS_FILE",
    "AccountLayout",
    "AccountSpec",
    "Accounts",
    "find_accounts",
    "load_accounts",
    "load_layers",
]

ACCOUNTS_FILE: Final = "accounts.yaml"
_TOP_LEVEL_KEYS: Final = ("shared", "accounts")

_KEY: Final = re.compile(r"[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?")
_ENV_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_ENVIRONMENT: Final = re.compile(r"[A-Za-z0-9._-]{1,100}")
_SUBDOMAIN: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE)


def _key(value: object) -> str:
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        raise ValueError(
            "expected a short slug: lower-case letters, digits and hyphens, starting with a "
            f"letter (e.g. acme-prod), got {value!r}"
        )
    return value


def _env_name(value: object) -> str:
    if not isinstance(value, str) or not _ENV_NAME.fullmatch(value):
        raise ValueError(f"expected an environment variable name (A-Z, 0-9, _), got {value!r}")
    return value


def _environment(value: object) -> str:
    if not isinstance(value, str) or not _ENVIRONMENT.fullmatch(value):
        raise ValueError(
            f"expected a GitHub environment name (letters, digits, . _ -), got {value!r}"
        )
    return value


def _subdomain(value: object) -> str:
    if not isinstance(value, str) or not _SUBDOMAIN.fullmatch(value):
        raise ValueError(
            f"expected the subdomain alone (acme for https://acme.trackdrive.com), got {value!r}"
        )
    return value.lower()


def _api_url(value: object) -> str:
    """``scheme://host[:port][/prefix]``, normalized as the client normalizes it."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected a URL such as https://acme.trackdrive.com, got {value!r}")
    if parts.username is not None or parts.password is not None:
        raise ValueError("the URL must not carry credentials; name their variables instead")
    if parts.query or parts.fragment:
        raise ValueError(f"the URL must not have a query or fragment, got {value!r}")
    path = parts.path.rstrip("/").removesuffix("/api/v1")
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


def _relative_path(value: object) -> str:
    """A path inside the repository, written with ``/``; checked against the disk later."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a path relative to accounts.yaml")
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or re.match(r"[A-Za-z]:", value):
        raise ValueError(f"{value!r} is absolute; give a path relative to accounts.yaml")
    if ".." in path.parts:
        raise ValueError(f"{value!r} leads out of the repository ('..' is not allowed)")
    return path.as_posix()


def _path_list(value: object) -> object:
    if isinstance(value, str):
        raise ValueError(f"expected a list of directories, e.g. shared: [{value!r}]")
    return value


def _optional(check: Callable[[object], str]) -> Callable[[object], str | None]:
    """``check``, letting an explicit null through (the same as leaving the key out)."""
    return lambda value: None if value is None else check(value)


_Key = Annotated[str, BeforeValidator(_key)]
_EnvName = Annotated[str, BeforeValidator(_env_name)]
_Path = Annotated[str, BeforeValidator(_relative_path)]
_Paths = Annotated[tuple[_Path, ...], BeforeValidator(_path_list)]


class AccountSpec(BaseModel):
    """One entry under ``accounts:``, as written."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: _Key = Field(description="The account's key, used by --account and in file names.")
    subdomain: Annotated[str | None, BeforeValidator(_optional(_subdomain))] = Field(
        default=None, description="acme for https://acme.trackdrive.com."
    )
    api_url: Annotated[str | None, BeforeValidator(_optional(_api_url))] = Field(
        default=None, description="The account's full URL, instead of a subdomain."
    )
    public_key_env: _EnvName | None = Field(
        default=None, description="Variable holding the public key."
    )
    private_key_env: _EnvName | None = Field(
        default=None, description="Variable holding the private key."
    )
    specs: _Path | None = Field(default=None, description="Its specs directory.")
    config: _Path | None = Field(default=None, description="Its reconciler.yaml.")
    shared: _Paths | None = Field(default=None, description="Directories layered under it.")
    environment: Annotated[str | None, BeforeValidator(_optional(_environment))] = Field(
        default=None, description="The GitHub environment of its apply job."
    )


@dataclass(frozen=True, slots=True)
class AccountLayout:
    """One account, resolved: where it is, its key variables, its files, its layers."""

    key: str
    base_url: str
    subdomain: str | None
    api_url: str | None
    public_key_env: str
    private_key_env: str
    specs: Path
    config: Path | None
    shared: tuple[Path, ...]
    environment: str
    location: Location

    @property
    def layers(self) -> tuple[Path, ...]:
        """Spec directories from the bottom layer to the top: shared ones, then its own."""
        return (*self.shared, self.specs)


@dataclass(frozen=True, slots=True)
class Accounts:
    """Every account in ``accounts.yaml``, in file order."""

    file: Path
    accounts: tuple[AccountLayout, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """The account keys, in file order."""
        return tuple(a.key for a in self.accounts)

    def get(self, key: str) -> AccountLayout:
        """The account with ``key``; ``AccountError`` (with a "did you mean") if there is none."""
        for account in self.accounts:
            if account.key == key:
                return account
        message = unknown_key_message(key, self.keys, f"in {self.file}").replace(
            "unknown key", "no account with the key", 1
        )
        raise AccountError(message, hint="`reconciler accounts` lists them")

    def matrix(self) -> dict[str, list[dict[str, str]]]:
        """The accounts as a GitHub Actions matrix: one job per account.

        Beside ``account`` and ``environment``, each entry names its key variables, so a job
        can read the secrets of the same names (``secrets[matrix.public_key_env]``).
        """
        return {
            "include": [
                {
                    "account": a.key,
                    "environment": a.environment,
                    "public_key_env": a.public_key_env,
                    "private_key_env": a.private_key_env,
                }
                for a in self.accounts
            ]
        }


def default_key_env(key: str, which: str) -> str:
    """``TRACKDRIVE_<KEY>_<WHICH>_KEY``, upper-cased, hyphens as underscores."""
    return f"TRACKDRIVE_{key.upper().replace('-', '_')}_{which.upper()}_KEY"


def find_accounts(root: Path) -> Path | None:
    """``accounts.yaml`` in ``root`` (the repository root), when there is one."""
    candidate = root / ACCOUNTS_FILE
    return candidate if candidate.is_file() else None


def load_accounts(path: Path) -> Accounts:
    """Read and check ``accounts.yaml``; raise ``SpecError`` listing every problem found."""
    issues: list[Issue] = []
    text = read_spec_text(path, issues)
    if text is None:
        raise SpecError(issues)
    file = str(path)
    located, parse_issues = parse_document(text, file)
    issues.extend(parse_issues)
    if located is None or issues:
        raise SpecError(issues)
    root_value = located.value
    whole = located.where(()) or Location(file, 1, 1)
    if not isinstance(root_value, dict):
        raise SpecError([Issue("expected a mapping with the key 'accounts'", whole)])
    for key in root_value:
        if key not in _TOP_LEVEL_KEYS:
            issues.append(
                Issue(
                    unknown_key_message(key, _TOP_LEVEL_KEYS, "at the top level"),
                    located.keys[(key,)],
                )
            )
    shared = _top_level_shared(root_value.get("shared", []), located, issues)
    entries = root_value.get("accounts")
    if not isinstance(entries, list) or not entries:
        where = located.where(("accounts",)) if "accounts" in root_value else whole
        issues.append(Issue("'accounts' must be a non-empty list of accounts", where))
        raise SpecError(issues)
    checker = _PathChecker(path.parent, located, issues)
    for position, value in enumerate(shared):
        checker.directory(value, ("shared", position))
    layouts: list[tuple[NodePath, AccountLayout]] = []
    for index, entry in enumerate(entries):
        node: NodePath = ("accounts", index)
        where = located.where(node) or whole
        if not isinstance(entry, dict):
            issues.append(Issue("each account must be a mapping of keys to values", where))
            continue
        label = f"'{entry['key']}'" if isinstance(entry.get("key"), str) else f"account {index + 1}"
        spec = validate_entry(AccountSpec, entry, located, node, label, issues)
        if spec is not None and (spec.subdomain is None) == (spec.api_url is None):
            issues.append(Issue(f"{label} needs exactly one of 'subdomain' or 'api_url'", where))
        elif spec is not None:
            layouts.append((node, _layout(spec, shared, checker, node, where)))
    issues.extend(_clashes(layouts, located))
    if issues:
        raise SpecError(issues)
    return Accounts(file=path, accounts=tuple(layout for _, layout in layouts))


def _top_level_shared(value: object, located: Located, issues: list[Issue]) -> tuple[str, ...]:
    if not isinstance(value, list):
        issues.append(
            Issue(
                f"shared: expected a list of directories, e.g. shared: [{value!r}]",
                located.where(("shared",)),
            )
        )
        return ()
    paths = []
    for position, item in enumerate(value):
        try:
            paths.append(_relative_path(item))
        except ValueError as exc:
            issues.append(Issue(f"shared: {exc}", located.where(("shared", position))))
    return tuple(paths)


@dataclass(slots=True)
class _PathChecker:
    """Resolves paths under the root and reports those that leave it or are missing."""

    root: Path
    located: Located
    issues: list[Issue]

    def _inside(self, value: str, node: NodePath) -> Path | None:
        path = self.root / value
        if not path.resolve().is_relative_to(self.root.resolve()):
            self.issues.append(
                Issue(
                    f"'{value}' leads out of the repository through a symlink",
                    self.located.where(node),
                )
            )
            return None
        return path

    def directory(self, value: str, node: NodePath, *, default_for: str = "") -> Path | None:
        path = self._inside(value, node)
        if path is not None and not path.is_dir():
            why = f" (the default for '{default_for}')" if default_for else ""
            self.issues.append(
                Issue(f"the directory '{value}'{why} does not exist", self.located.where(node))
            )
            return None
        return path

    def file(self, value: str, node: NodePath) -> Path | None:
        path = self._inside(value, node)
        if path is not None and not path.is_file():
            self.issues.append(
                Issue(f"the file '{value}' does not exist", self.located.where(node))
            )
            return None
        return path


def _layout(
    spec: AccountSpec,
    shared: tuple[str, ...],
    checker: _PathChecker,
    node: NodePath,
    where: Location,
) -> AccountLayout:
    specs_value = spec.specs or f"{spec.key}/schedules.d"
    specs = checker.directory(
        specs_value, (*node, "specs"), default_for="" if spec.specs else spec.key
    )
    config = checker.file(spec.config, (*node, "config")) if spec.config is not None else None
    own_shared = spec.shared is not None
    shared_dirs = []
    for position, value in enumerate(spec.shared if spec.shared is not None else shared):
        at: NodePath = (*node, "shared", position) if own_shared else ("shared", position)
        directory = checker.directory(value, at) if own_shared else checker.root / value
        if directory is not None:
            shared_dirs.append(directory)
    specs_path = specs if specs is not None else checker.root / specs_value
    if config is None and spec.config is None:
        config = _config_beside(specs_path)
    return AccountLayout(
        key=spec.key,
        base_url=spec.api_url or f"https://{spec.subdomain}.trackdrive.com",
        subdomain=spec.subdomain,
        api_url=spec.api_url,
        public_key_env=spec.public_key_env or default_key_env(spec.key, "public"),
        private_key_env=spec.private_key_env or default_key_env(spec.key, "private"),
        specs=specs_path,
        config=config,
        shared=tuple(shared_dirs),
        environment=spec.environment or f"trackdrive-{spec.key}",
        location=where,
    )


def _config_beside(specs: Path) -> Path | None:
    for name in ("reconciler.yaml", "reconciler.yml"):
        candidate = specs.parent / name
        if candidate.is_file():
            return candidate
    return None


def _clashes(layouts: Sequence[tuple[NodePath, AccountLayout]], located: Located) -> list[Issue]:
    """Two entries with one key, or naming one account: either would mix two accounts' state."""
    issues = []
    by_key: dict[str, AccountLayout] = {}
    by_url: dict[str, AccountLayout] = {}
    for node, layout in layouts:
        first = by_key.setdefault(layout.key, layout)
        if first is not layout:
            issues.append(
                Issue(
                    f"the account key '{layout.key}' is used twice (first at {first.location})",
                    located.where((*node, "key")),
                )
            )
            continue
        first = by_url.setdefault(layout.base_url, layout)
        if first is not layout:
            field = "subdomain" if layout.subdomain is not None else "api_url"
            issues.append(
                Issue(
                    f"'{layout.key}' names the same account ({layout.base_url}) as "
                    f"'{first.key}' (at {first.location}); one account, one entry",
                    located.where((*node, field)),
                )
            )
    return issues


@dataclass(frozen=True, slots=True)
class LayeredSpecs:
    """An account's specs after layering, and which specs replaced which."""

    specs: SpecSet
    overrides: tuple[tuple[LoadedSpec, LoadedSpec], ...]


def load_layers(layers: Sequence[Path], limits: InputLimits | None = None) -> LayeredSpecs:
    """Load each layer and lay them over each other (see the module's docstring).

    One layer is exactly ``load_specs`` (within ``limits``, from reconciler.yaml). Every
    problem in every layer is reported at once.
    """
    issues: list[Issue] = []
    loaded: list[SpecSet] = []
    for layer in layers:
        try:
            loaded.append(load_specs(layer, limits))
        except SpecError as exc:
            issues.extend(exc.issues)
    if issues:
        raise SpecError(issues)
    merged: dict[str, list[LoadedSpec]] = {}
    overrides: list[tuple[LoadedSpec, LoadedSpec]] = []
    for spec_set in loaded:
        # A layer may repeat a name when each entry pins an id (an import of an account with
        # repeated names); such a group is overridden as a whole.
        groups: dict[str, list[LoadedSpec]] = {}
        for spec in spec_set.specs:
            groups.setdefault(spec.spec.name, []).append(spec)
        for name, group in groups.items():
            below = merged.get(name)
            if below is not None:
                overrides.extend((old, group[0]) for old in below)
            merged[name] = group
    specs = tuple(spec for group in merged.values() for spec in group)
    issues.extend(_pinned_twice(specs))
    if issues:
        raise SpecError(issues)
    files = tuple(file for spec_set in loaded for file in spec_set.files)
    return LayeredSpecs(SpecSet(specs=specs, files=files), tuple(overrides))


def _pinned_twice(specs: Iterable[LoadedSpec]) -> list[Issue]:
    issues = []
    first_seen: dict[int, LoadedSpec] = {}
    for spec in specs:
        if spec.spec.id is None:
            continue
        first = first_seen.setdefault(spec.spec.id, spec)
        if first is not spec:
            where = spec.key_locations.get("id", spec.location)
            first_at = first.key_locations.get("id", first.location)
            issues.append(
                Issue(
                    f"the id {spec.spec.id} is pinned by '{spec.spec.name}' and by "
                    f"'{first.spec.name}' (at {first_at}) once the layers are combined",
                    where,
                )
            )
    return issues
