"""The hostile corpus through the CLI: server answers, live names, spec files, flags.

Whatever the input, stderr and stdout hold no raw control character, no key (raw or Base64),
no line that starts with a workflow command, and never a traceback; errors exit 1.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from reconciler.cli import main
from tests.support.asgi_server import ThreadedServer
from tests.support.sandbox_server import RunningSandbox
from tests.trust.hostile import HOSTILE_NAMES, assert_terminal_safe

PUBLIC = "pk-HOSTILE-5c1e"
PRIVATE = "sk-HOSTILE-9a7f3b"
BASIC = base64.b64encode(f"{PUBLIC}:{PRIVATE}".encode()).decode()
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\n::error::injected\r\u202e"


def _answer(request: Request) -> JSONResponse:
    """One hostile answer per mode, chosen by the path prefix the test points the CLI at."""
    mode = request.path_params["mode"]
    authorization = request.headers.get("authorization", "")
    if mode == "echo-auth":
        said = f"bad credentials {authorization} ({PUBLIC}:{PRIVATE}, {BASIC}) {ESCAPES}"
        return JSONResponse({"error": said}, status_code=401)
    if mode == "escapes":
        return JSONResponse({"errors": {"base": [ESCAPES], ESCAPES: ["x"]}}, status_code=422)
    return JSONResponse({"message": f"not json-shaped {ESCAPES} {PRIVATE}"}, status_code=404)


_APP = Starlette(routes=[Route("/{mode}/api/v1/schedules", _answer)])


@contextmanager
def _serving() -> Iterator[str]:
    """The hostile app on a real socket on 127.0.0.1, for the duration of a test."""
    server = ThreadedServer(_APP, what="the hostile server")
    server.start()
    try:
        yield server.base_url
    finally:
        server.stop()


@pytest.fixture
def hostile_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The hostile server's URL, the keys in the environment."""
    monkeypatch.setenv("TRACKDRIVE_PUBLIC_KEY", PUBLIC)
    monkeypatch.setenv("TRACKDRIVE_PRIVATE_KEY", PRIVATE)
    monkeypatch.delenv("TRACKDRIVE_API_URL", raising=False)
    monkeypatch.delenv("TRACKDRIVE_SUBDOMAIN", raising=False)
    with _serving() as url:
        yield url


def assert_safe_output(out: str, err: str) -> None:
    """No traceback, no key in any form, nothing raw, no line starting with data."""
    for text in (out, err):
        assert "Traceback" not in text
        for secret in (PRIVATE, BASIC, PUBLIC):
            assert secret not in text
        assert_terminal_safe(text)


#: ESCAPES as an error line shows it: escaped, with its newline and carriage return as spaces.
SHOWN = r"\x1b]0;pwned\x07\x1b[2J ::error::injected \u202e"


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            "echo-auth",
            [
                "error: GET /api/v1/schedules answered 401: TrackDrive refused the credentials "
                f"(base: bad credentials Basic *** (***, ***) {SHOWN}): check "
                "TRACKDRIVE_PUBLIC_KEY / TRACKDRIVE_PRIVATE_KEY and the account URL {url}",
                "tip: choose the account with --subdomain or --api-url",
            ],
        ),
        (
            "escapes",
            [
                f"error: GET /api/v1/schedules answered 422: base: {SHOWN}; "
                r"\x1b]0;pwned\x07\x1b[2J\n::error::injected\r\u202e: x"
            ],
        ),
        (
            "other",
            [
                "error: GET /api/v1/schedules answered 404: not found "
                f"(base: not json-shaped {SHOWN} ***)"
            ],
        ),
    ],
)
def test_hostile_server_answers_become_one_safe_error(
    mode: str,
    expected: list[str],
    hostile_url: str,
    specs_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A server that echoes the keys, or answers with escape codes, gives one scrubbed line."""
    code = main(["plan", "--specs", str(specs_dir), "--api-url", f"{hostile_url}/{mode}"])
    out, err = capsys.readouterr()
    assert code == 1
    assert_safe_output(out, err)
    errors = [line for line in err.splitlines() if line.startswith(("error:", "tip:"))]
    assert errors == [line.replace("{url}", hostile_url) for line in expected]


def test_echoed_keys_are_masked(
    hostile_url: str, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Authorization header a server echoes shows as ***, raw and Basic alike."""
    assert main(["plan", "--specs", str(specs_dir), "--api-url", f"{hostile_url}/echo-auth"]) == 1
    err = capsys.readouterr().err
    assert "bad credentials Basic *** (***, ***)" in err


def test_hostile_live_names_through_plan_and_drift(
    account: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hostile names on the account reach plan and drift (text and Markdown) only escaped."""
    account.seed_schedules([{"name": name} for name in HOSTILE_NAMES if "\x00" not in name])
    for args in (
        ["plan", "--specs", str(specs_dir)],
        ["plan", "--specs", str(specs_dir), "--format", "markdown"],
        ["drift", "--specs", str(specs_dir)],
        ["drift", "--specs", str(specs_dir), "--format", "markdown"],
    ):
        capsys.readouterr()
        assert main(args) in (0, 2)
        out, err = capsys.readouterr()
        assert_safe_output(out, err)


DEEPER = "nested more than 64 levels deep; flatten it, or raise limits.max_depth in reconciler.yaml"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("schedules: " + "[" * 50_000, f"schedules.d/deep.yaml:1:75: {DEEPER}"),
        (
            "schedules:\n  - name: \x1b]0;x\x07\n",
            "schedules.d/deep.yaml:2:11: invalid YAML: unacceptable character #x001b: "
            "control characters are not allowed",
        ),
        ("- " * 50_000, f"schedules.d/deep.yaml:1:129: {DEEPER}"),
        (
            "\ufeffschedules: {a: *x}\n",
            "schedules.d/deep.yaml:1:16: invalid YAML: found undefined alias",
        ),
    ],
)
def test_hostile_spec_files_give_located_errors(
    text: str, line: str, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deep, control-laden or broken spec files give located one-line errors, exit 1."""
    (specs_dir / "deep.yaml").write_text(text)
    assert main(["validate", "--specs", str(specs_dir)]) == 1
    out, err = capsys.readouterr()
    assert_safe_output(out, err)
    assert [e.removeprefix(f"{specs_dir.parent}/") for e in err.splitlines()] == [
        line,
        "error: 1 problem in the specs",
        "tip: fix the lines above and run `reconciler validate` again",
    ]


@pytest.mark.parametrize("file_name", ["::error::x.yaml", "##[error]x.yaml", "::add-mask::.yaml"])
def test_a_spec_file_named_like_a_workflow_command_never_begins_a_line(
    file_name: str,
    specs_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A pull request may name a file ``::error::x.yaml``; its error line begins ``./``."""
    (specs_dir / file_name).write_text("schedules:\n  - name: A\n    offer_id: x\n")
    monkeypatch.chdir(specs_dir)
    assert main(["validate", "--specs", "."]) == 1
    out, err = capsys.readouterr()
    assert_safe_output(out, err)
    assert err.splitlines()[0] == (
        f"./{file_name}:3:15: offer_id in 'A': expected a positive offer id, got 'x'"
    )


CREDENTIALS = (
    "error: --api-url must not carry credentials (it contains '@'); set TRACKDRIVE_PUBLIC_KEY "
    "and TRACKDRIVE_PRIVATE_KEY instead"
)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://h:1@[::1", CREDENTIALS),
        (f"ftp://{PUBLIC}:{PRIVATE}@host", CREDENTIALS),
        (
            "http://example.com:99999",
            "error: --api-url is not a valid URL (Port out of range 0-65535): 'http://example.com:99999'",
        ),
        ("http://[::1", "error: --api-url is not a valid URL (Invalid IPv6 URL): 'http://[::1'"),
        (
            "http://exa mple.com",
            "error: --api-url is not a valid URL (a space or control character): "
            "'http://exa mple.com'",
        ),
        (
            "http://ex!ample.com",
            "error: --api-url is not a valid URL (bad host or port): 'http://ex!ample.com'",
        ),
        (
            f"https://acme.trackdrive.com/?key={PRIVATE}",
            "error: --api-url must not have a query or fragment",
        ),
        (
            "http://h/\x1b]0;x\x07",
            "error: --api-url is not a valid URL (a space or control character): "
            r"'http://h/\x1b]0;x\x07'",
        ),
    ],
)
def test_malformed_urls_are_one_line_errors(
    url: str,
    message: str,
    specs_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every malformed URL or port is one error line; one with a key never repeats it."""
    monkeypatch.setenv("TRACKDRIVE_PUBLIC_KEY", "pk")
    monkeypatch.setenv("TRACKDRIVE_PRIVATE_KEY", "sk-long-enough")
    assert main(["plan", "--specs", str(specs_dir), "--api-url", url]) == 1
    out, err = capsys.readouterr()
    assert_safe_output(out, err)
    assert err.splitlines() == [message]
