"""``reconciler sandbox serve``: run a local practice TrackDrive account from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from reconciler.sandbox import assumptions
from reconciler.sandbox.config import SandboxConfig

__all__ = ["sandbox_app"]

sandbox_app = typer.Typer(
    name="sandbox",
    help=(
        "A local practice TrackDrive account: the Schedules API as TrackDrive documents it, "
        "kept in SQLite, with switchable faults.\n\n"
        "Rehearse a plan against it, run the tests and benchmarks on it, or try the curl "
        "examples of TrackDrive's reference with the sandbox's keys. It never talks to "
        "TrackDrive."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@sandbox_app.callback()
def _sandbox() -> None:
    """A local practice TrackDrive account (the Schedules API over SQLite, with faults)."""


def _seed(value: str) -> str:
    if value in {"none", "demo"} or (value.isascii() and value.isdigit()):
        return value
    raise typer.BadParameter("use none, demo, or a number of schedules to generate (e.g. 500)")


def _rate(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise typer.BadParameter("a rate is a probability between 0 and 1 (e.g. 0.1 for 10%)")
    return value


@sandbox_app.command(
    "serve",
    epilog=(
        "\b\nExamples:\n"
        "  reconciler sandbox serve --seed demo\n"
        "  curl -u sandbox-public:sandbox-private \\\n"
        "    'http://127.0.0.1:8787/api/v1/schedules?page=1&order=created_at'\n"
        "  reconciler sandbox serve --db :memory: --seed 500 --rate-limit 5 --seed-rng 1\n"
        "\n"
        "\b\nSandbox-only routes (no auth, never counted or faulted, no TrackDrive counterpart):\n"
        "  GET  /_sandbox/stats              request counts per route\n"
        "  POST /_sandbox/reset[?data=true]  zero the stats (and delete every record)\n"
        "  GET|PUT /_sandbox/faults          read or change fault switches while it runs:\n"
        "      curl -X PUT localhost:8787/_sandbox/faults -d '{\"error_rate\": 0.2}'\n"
        "  POST /_sandbox/clock              move time forward (make_call's 30 s guard)\n"
        "  POST /_sandbox/leads, PUT /_sandbox/suppressions, POST /_sandbox/distributions\n"
        "                                    set up make_call scenarios\n"
        "  GET  /_sandbox/openapi.json       the OpenAPI 3.1 document of all of it"
    ),
)
def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to listen on. Keep 127.0.0.1 unless you mean to share it.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 8787,
    public_key: Annotated[
        str, typer.Option(help="The Basic-auth user: what TRACKDRIVE_PUBLIC_KEY must be.")
    ] = "sandbox-public",
    private_key: Annotated[
        str, typer.Option(help="The Basic-auth password: what TRACKDRIVE_PRIVATE_KEY must be.")
    ] = "sandbox-private",
    db: Annotated[
        str,
        typer.Option(
            help="SQLite file holding the account; it survives restarts. ':memory:' keeps nothing."
        ),
    ] = ".reconciler/sandbox.sqlite3",
    seed: Annotated[
        str,
        typer.Option(
            callback=_seed,
            help=(
                "What an empty account starts with: none; demo (~40 believable schedules over "
                "a few offers, some paused, some drifted from schedules.d/); or N generated "
                "schedules."
            ),
        ),
    ] = "none",
    latency_ms: Annotated[
        int, typer.Option(min=0, help="Delay every API response by this many milliseconds.")
    ] = 0,
    rate_limit: Annotated[
        float | None,
        typer.Option(
            min=0.001,
            help=(
                "Allow this many requests per second (token bucket); beyond it answer 429 "
                "with Retry-After."
            ),
        ),
    ] = None,
    error_rate: Annotated[
        float,
        typer.Option(
            callback=_rate, help="Answer this fraction of API requests with a random 500/502/503."
        ),
    ] = 0.0,
    drop_after_commit_rate: Annotated[
        float,
        typer.Option(
            callback=_rate,
            help=(
                "Commit this fraction of writes, then cut the connection before the response: "
                "the client cannot know the write happened."
            ),
        ),
    ] = 0.0,
    per_page_max: Annotated[
        int,
        typer.Option(min=1, help="The most records a list page holds when per_page asks for more."),
    ] = 100,
    ignore_per_page: Annotated[
        bool,
        typer.Option(
            help="Ignore per_page (the real Schedules list does not document it): pages hold 25."
        ),
    ] = False,
    seed_rng: Annotated[
        int | None,
        typer.Option(help="Seed the fault dice (and generated data) to replay the same faults."),
    ] = None,
    make_call_cps: Annotated[
        int, typer.Option(min=1, help="The account's calls-per-second limit for make_call.")
    ] = assumptions.CALLS_PER_SECOND_DEFAULT,
) -> None:
    """Serve the Schedules API on http://HOST:PORT/api/v1/schedules until Ctrl-C.

    The account lives in --db and is seeded only while empty. Every fault is off unless a
    flag turns it on; --seed-rng makes the random ones replay identically.
    """
    config = SandboxConfig(
        public_key=public_key,
        private_key=private_key,
        db_path=db,
        seed=seed,
        latency_ms=latency_ms,
        rate_limit_rps=rate_limit,
        error_rate=error_rate,
        drop_after_commit_rate=drop_after_commit_rate,
        per_page_max=per_page_max,
        ignore_per_page=ignore_per_page,
        seed_rng=seed_rng,
        make_call_cps=make_call_cps,
    )
    try:
        from reconciler.sandbox.server import serve  # noqa: PLC0415 (optional extra)
    except ImportError:
        typer.echo(
            "error: the sandbox server needs the sandbox extra (starlette, uvicorn), which is "
            "not installed",
            err=True,
        )
        typer.echo("tip: pip install 'trackdrive-reconciler[sandbox]'", err=True)
        raise typer.Exit(1) from None

    def announce(base: str) -> None:
        typer.echo(f"TrackDrive sandbox on {base}/api/v1/schedules (data: {db})", err=True)
        # Only the well-known default private key is echoed; a chosen one is never printed.
        secret = private_key if private_key == "sandbox-private" else "$TRACKDRIVE_PRIVATE_KEY"
        typer.echo(f"  keys: public {public_key}, private {secret}", err=True)
        typer.echo(f"  try:  curl -u '{public_key}:{secret}' {base}/api/v1/schedules", err=True)

    try:
        serve(config, host=host, port=port, announce=announce)
    except OSError as exc:  # the address is taken or not ours: one line, no traceback
        typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
