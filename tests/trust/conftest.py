"""The CLI tests' ``account`` (the HTTP sandbox, keys in the environment) and ``specs_dir``."""

from __future__ import annotations

from tests.cli.conftest import account, specs_dir

__all__ = ["account", "specs_dir"]
