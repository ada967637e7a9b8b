"""The sandbox's configuration: credentials, storage, seed data and fault switches."""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.sandbox import assumptions

__all__ = ["SandboxConfig"]

SEED_CHOICES = ("none", "demo")


@dataclass(frozen=True)
class SandboxConfig:
    """How a sandbox behaves. Every fault is off by default.

    ``db_path`` ``":memory:"`` keeps nothing; a file path persists across restarts.
    ``seed`` is ``"none"``, ``"demo"`` (a believable account of ~40 schedules) or an integer
    ``N`` as a string (N generated schedules); seeding only happens into an empty database.
    ``rate_limit_rps`` turns on a token bucket answering 429 with ``Retry-After``;
    ``error_rate`` answers a random 500/502/503 before touching any data;
    ``drop_after_commit_rate`` commits a write and then loses its response;
    ``per_page_max`` caps ``per_page``; ``ignore_per_page`` pins the page size to 25;
    ``seed_rng`` makes the random faults (and generated seed data) reproducible;
    ``make_call_cps`` is the account's calls-per-second limit for ``make_call``.
    """

    public_key: str = "sandbox-public"
    private_key: str = "sandbox-private"
    db_path: str = ":memory:"
    seed: str = "none"
    latency_ms: int = 0
    rate_limit_rps: float | None = None
    error_rate: float = 0.0
    drop_after_commit_rate: float = 0.0
    per_page_max: int = 100
    ignore_per_page: bool = False
    seed_rng: int | None = None
    make_call_cps: int = assumptions.CALLS_PER_SECOND_DEFAULT

    def __post_init__(self) -> None:
        if self.seed not in SEED_CHOICES and not (self.seed.isdigit() and self.seed.isascii()):
            raise ValueError(
                f"seed must be 'none', 'demo' or a number of schedules, not {self.seed!r}"
            )
        check_fault_values(
            latency_ms=self.latency_ms,
            rate_limit_rps=self.rate_limit_rps,
            error_rate=self.error_rate,
            drop_after_commit_rate=self.drop_after_commit_rate,
            per_page_max=self.per_page_max,
        )
        if self.make_call_cps < 1:
            raise ValueError(f"make_call_cps must be at least 1, not {self.make_call_cps}")

    @property
    def seed_count(self) -> int | None:
        """The number of generated schedules when ``seed`` is a number, else None."""
        return int(self.seed) if self.seed.isdigit() else None


def check_fault_values(
    *,
    latency_ms: int,
    rate_limit_rps: float | None,
    error_rate: float,
    drop_after_commit_rate: float,
    per_page_max: int,
) -> None:
    """Raise ValueError naming the first fault setting that is out of range."""
    if latency_ms < 0:
        raise ValueError(f"latency_ms must be 0 or more, not {latency_ms}")
    if rate_limit_rps is not None and not rate_limit_rps > 0:
        raise ValueError(
            f"rate_limit_rps must be more than 0 (or None for no limit), not {rate_limit_rps}"
        )
    for name, rate in (
        ("error_rate", error_rate),
        ("drop_after_commit_rate", drop_after_commit_rate),
    ):
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, not {rate}")
    if per_page_max < 1:
        raise ValueError(f"per_page_max must be at least 1, not {per_page_max}")
