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


def test_one_account_is_singular_and_two_are_plural() -> None:
    """`1 account`, `2 accounts`: the noun agrees with the count."""
    assert total_line(SECTIONS[:1]) == "1 account: 1 with changes, 0 unchanged, 0 failed"
    assert total_line(SECTIONS[:2]) == "2 accounts: 1 with changes, 1 unchanged, 0 failed"


def test_text_without_where_keeps_a_body_as_written_and_uses_the_callers_words() -> None:
    """No `where`: the header is the key alone; only a body's final newlines are dropped."""
    sections = [
        AccountSection(
            key="acme",
            where="",
            status="changes",
            result="1 changed",
            body="Drift: 1 changed.\n\n~ changed TX  \n\n",
        ),
        AccountSection(key="b", where="https://b.example", status="none", result="in sync"),
        AccountSection(key="cc", where="", status="none", result="in sync", body="In sync: TX\n"),
    ]
    assert render_accounts_text(sections, changes="drifted", none="in sync") == (
        "== acme ==\n"
        "Drift: 1 changed.\n"
        "\n"
        "~ changed TX  \n"
        "\n"
        "== b: https://b.example ==\n"
        "in sync\n"
        "\n"
        "== cc ==\n"
        "In sync: TX\n"
        "\n"
        "Total over 3 accounts: 1 drifted, 2 in sync, 0 failed.\n"
        "  acme  1 changed\n"
        "  b     in sync\n"
        "  cc    in sync\n"
    )


def test_text_of_no_accounts_is_the_total_alone() -> None:
    """With no account at all, text is one total line, not an error."""
    assert render_accounts_text([]) == (
        "Total over 0 accounts: 0 with changes, 0 unchanged, 0 failed.\n"
    )


def test_a_markdown_body_loses_only_its_surrounding_newlines() -> None:
    """Inside <details>, a body keeps its leading spaces and last character; blank lines go."""
    sections = [
        AccountSection(key="k", where="", status="changes", result="r", body="\n\n  Note: X\n\n")
    ]
    body = render_accounts_markdown(sections, title="T", marker="", details_at=LINK)
    assert body.endswith(
        "<details open><summary><code>k</code>: r</summary>\n\n  Note: X\n\n</details>\n\n"
    )


SHORT_AND_LONG = [
    AccountSection("short", "", "changes", "1 to create", body='+ create "A"\n'),
    AccountSection("long", "", "changes", "1 to update", body="~ update " + "y" * 300 + "\n"),
]
SMALL_LINK = "[the job summary](https://github.test/r/77)"
SMALL_NOTE = (
    "_Details trimmed to fit GitHub's size limit: see [the job summary](https://github.test/r/77)._"
)
SHORT_AND_LONG_HEAD = (
    "<!-- m -->\n"
    "### T: 2 accounts: 2 with changes, 0 unchanged, 0 failed\n"
    "\n"
    "| account | result |\n"
    "|---|---|\n"
    "| `short` | 🟡 1 to create |\n"
    "| `long` | 🟡 1 to update |\n"
)
SHORT_DETAILS = (
    '<details open><summary><code>short</code>: 1 to create</summary>\n\n+ create "A"\n\n'
    "</details>\n\n"
)
LONG_DETAILS = (
    "<details open><summary><code>long</code>: 1 to update</summary>\n\n~ update "
    + "y" * 300
    + "\n\n</details>\n\n"
)


def test_markdown_exactly_at_the_limit_is_whole() -> None:
    """636 characters in a 636-character limit: nothing is trimmed."""
    body = render_accounts_markdown(
        SHORT_AND_LONG, title="T", marker="<!-- m -->", details_at=SMALL_LINK, max_chars=636
    )
    assert body == SHORT_AND_LONG_HEAD + "\n" + SHORT_DETAILS + LONG_DETAILS
    assert len(body) == 636


def test_the_longest_details_are_trimmed_first_and_only_as_far_as_needed() -> None:
    """Trimming the long account alone makes 421 characters: the short one stays whole."""
    body = render_accounts_markdown(
        SHORT_AND_LONG, title="T", marker="<!-- m -->", details_at=SMALL_LINK, max_chars=421
    )
    assert body == (
        SHORT_AND_LONG_HEAD
        + "\n"
        + SHORT_DETAILS
        + "<details open><summary><code>long</code>: 1 to update</summary>\n\n"
        + SMALL_NOTE
        + "\n\n</details>\n\n"
    )
    assert len(body) == 421


def test_when_no_details_fit_every_row_that_fits_stays_and_no_count_is_added() -> None:
    """At 400 characters the details go, both table rows stay, and no `… more` row appears."""
    body = render_accounts_markdown(
        SHORT_AND_LONG, title="T", marker="<!-- m -->", details_at=SMALL_LINK, max_chars=400
    )
    assert body == SHORT_AND_LONG_HEAD + "\n" + SMALL_NOTE + "\n"


FIVE_UNCHANGED = [
    AccountSection(key=f"a{n}", where="", status="none", result="no changes") for n in range(1, 6)
]


def test_a_cut_table_keeps_a_row_that_fits_to_the_last_character() -> None:
    """At 346 characters the third row fits to the last character; the other two are counted."""
    body = render_accounts_markdown(
        FIVE_UNCHANGED,
        title="Drift",
        marker="<!-- m -->",
        details_at=SMALL_LINK,
        changes="drifted",
        none="in sync",
        max_chars=346,
    )
    assert body == (
        "<!-- m -->\n"
        "### Drift: 5 accounts: 0 drifted, 5 in sync, 0 failed\n"
        "\n"
        "| account | result |\n"
        "|---|---|\n"
        "| `a1` | ✅ no changes |\n"
        "| `a2` | ✅ no changes |\n"
        "| `a3` | ✅ no changes |\n"
        "| … | 2 more accounts |\n"
        "\n" + SMALL_NOTE + "\n"
    )


def test_a_cut_table_drops_a_row_one_character_too_long() -> None:
    """At 313 characters the second row misses by one: one row kept, four counted, no marker."""
    body = render_accounts_markdown(
        FIVE_UNCHANGED, title="T", marker="", details_at=SMALL_LINK, max_chars=313
    )
    assert body == (
        "### T: 5 accounts: 0 with changes, 5 unchanged, 0 failed\n"
        "\n"
        "| account | result |\n"
        "|---|---|\n"
        "| `a1` | ✅ no changes |\n"
        "| … | 4 more accounts |\n"
        "\n" + SMALL_NOTE + "\n"
    )
