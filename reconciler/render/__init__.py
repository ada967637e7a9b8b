"""Plans as text for terminals, Markdown for pull requests, JSON for machines.

Renderers return strings; only the CLI decides where they go.
"""

from __future__ import annotations

from typing import Literal, assert_never

from reconciler.plan import Plan
from reconciler.planfile import plan_to_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text

__all__ = ["Format", "render_markdown", "render_plan", "render_text"]

Format = Literal["text", "markdown", "json"]


def render_plan(plan: Plan, fmt: Format, *, show_unmanaged: bool = True) -> str:
    """The plan in the chosen format; ``show_unmanaged`` False makes text list no names."""
    match fmt:
        case "text":
            return render_text(plan, show_unmanaged=show_unmanaged)
        case "markdown":
            return render_markdown(plan)
        case "json":
            return plan_to_json(plan)
        case _:
            assert_never(fmt)
