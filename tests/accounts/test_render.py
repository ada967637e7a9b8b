"""Several accounts' output: each account, then a total; one Markdown comment under the limit."""

from __future__ import annotations

from reconciler.render.accounts import (
    AccountSection,
    render_accounts_markdown,
    render_accounts_text,
    total_line,
)
from tests.support.golden import check_golden

SECTIONS = [
    AccountSection(
        key="acme-prod",
        where="https://acme.trackdrive.com",
        status="changes",
        result="1 to create, 1 to update, 0 to delete",
        body='Plan: 1 to create, 1 to update, 0 to delete.\n\n+ create "Roofing"\n',
    ),
    AccountSection(
        key="acme-staging",
        where="https://staging.example.com",
        status="none",
        result="no changes",
        body="No changes. The account matches the specs.\n",
    ),
    AccountSection(
        key="beta",
        where="https://beta.trackdrive.com",
        status="error",
        result="error: GET /api/v1/schedules answered 401: <b>bad</b> keys @team",
    ),
]
LINK = "[the job summary](https://github.test/acme/schedules/actions/runs/77)"


def test_the_total_counts_accounts_by_outcome() -> None:
    """The total says how many accounts had changes, none, or failed."""
    assert total_line(SECTIONS) == "3 accounts: 1 with changes, 1 unchanged, 1 failed"


def test_text_shows_each_account_then_the_total() -> None:
    """Text: a header and body per account, then a total and one line per account."""
    check_golden("accounts-plan.txt", render_accounts_text(SECTIONS))


def test_markdown_puts_the_table_first_and_collapses_unchanged_accounts() -> None:
    """Markdown: marker, title, table, then details open for changes and errors only."""
    body = render_accounts_markdown(
        SECTIONS, title="TrackDrive plan", marker="<!-- m -->", details_at=LINK
    )
    check_golden("accounts-plan.md", body)


def test_error_text_cannot_form_html_or_mentions_in_markdown() -> None:
    """An error message from a server is escaped: no tag, no @-mention reaches the comment."""
    body = render_accounts_markdown(SECTIONS, title="T", marker="", details_at=LINK)
    assert "<b>" not in body
    assert "@team" not in body
    assert "&lt;b&gt;bad&lt;/b&gt; keys @&#8203;team" in body
    assert "\\<b\\>bad\\<\\/b\\> keys \\@&#8203;team" in body


def test_many_large_accounts_fit_with_every_summary_row_kept() -> None:
    """200 accounts of 2,000 characters each fit under the limit; every row stays in the table."""
    sections = [
        AccountSection(
            key=f"account-{n:03}",
            where="",
            status="changes",
            result="9 to create, 0 to update, 0 to delete",
            body="x" * 2_000,
        )
        for n in range(200)
    ]
    body = render_accounts_markdown(sections, title="T", marker="<!-- m -->", details_at=LINK)
    assert len(body) <= 65_000
    assert all(f"| `account-{n:03}` |" in body for n in range(200))
    assert body.count("Details trimmed to fit GitHub's size limit") >= 1
    assert body.startswith(
        "<!-- m -->\n### T: 200 accounts: 200 with changes, 0 unchanged, 0 failed"
    )


def test_thousands_of_accounts_cut_the_table_and_point_at_the_summary() -> None:
    """So many accounts that one row each is too long: the table is cut, with a count left."""
    sections = [
        AccountSection(key=f"a{n:05}", where="", status="none", result="no changes")
        for n in range(5_000)
    ]
    body = render_accounts_markdown(sections, title="T", marker="<!-- m -->", details_at=LINK)
    assert len(body) <= 65_000
    assert "| `a00000` |" in body
    assert "| `a04999` |" not in body
    kept = body.count("| ✅ no changes |")
    assert f"| … | {5_000 - kept} more accounts |" in body
    assert body.rstrip().endswith(f"see {LINK}._")
