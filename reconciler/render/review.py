"""A pull request's plan as one comment: the PR's changes first, then drift already live."""

from __future__ import annotations

from reconciler.render.common import describe_change, markdown_cell
from reconciler.render.markdown import MARKER, MAX_CHARS, render_markdown
from reconciler.render.text import render_text
from reconciler.review import Review

__all__ = ["render_review_markdown", "render_review_text"]

_DRIFT_NOTE = (
    "_These differ on the account already: main's specs would change them too, so applying "
    "this PR applies them as well._"
)


def render_review_markdown(review: Review) -> str:
    """The sticky PR comment: this PR's changes, then drift already on the account."""
    own = render_markdown(
        review.introduced_plan(),
        title="Changes this PR makes",
        marker=MARKER,
        max_chars=MAX_CHARS * 2 // 3,
    )
    parts = [own]
    if review.existing:
        drift = render_markdown(
            review.existing_plan(),
            title="Drift already on the account",
            marker="",
            max_chars=MAX_CHARS // 4,
        )
        parts.append(f"{_DRIFT_NOTE}\n\n{drift.lstrip()}")
    if review.accepted:
        lines = [f"- {markdown_cell(describe_change(c))}" for c in review.accepted[:50]]
        more = len(review.accepted) - 50
        if more > 0:
            lines.append(f"- … and {more} more")
        parts.append(
            "#### Drift this PR accepts (main would have reverted it)\n\n" + "\n".join(lines) + "\n"
        )
    return "\n---\n\n".join(parts)


def render_review_text(review: Review) -> str:
    """The same split for a terminal."""
    out = ["== Changes this PR makes", render_text(review.introduced_plan())]
    if review.existing:
        out += ["== Drift already on the account (main's specs would apply it too)"]
        out += [render_text(review.existing_plan())]
    if review.accepted:
        out += ["== Drift this PR accepts (main would have reverted it)"]
        out += [f"  {describe_change(c)}" for c in review.accepted] + [""]
    return "\n".join(out)
