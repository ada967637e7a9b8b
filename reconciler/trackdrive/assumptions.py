"""Every point of TrackDrive's API that the client relies on but TrackDrive does not document.

CONVENTIONS.md marks these **[I]** (inferred). Each lives here once, with a note on why it is
believed and how to check it against a real account; ``pytest --live`` (tests/live/) checks
most of them automatically. When one proves wrong, change it here and nowhere else.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "API_PREFIX",
    "AUTH_STATUSES",
    "BOOLEANS_AS_JSON",
    "CALL_ROOT_KEYS",
    "CLIENT_ERROR_POST_NOT_COMMITTED",
    "DECIMALS_AS_STRINGS",
    "ENVELOPE_STATUS_KEY",
    "ERRORS_KEY",
    "FOLLOW_REDIRECTS",
    "FULLTEXT_MATCHES_NAMES",
    "GENERAL_ERROR_KEYS",
    "LIST_METADATA_KEY",
    "LIST_ORDER",
    "LIST_ROOT_KEYS",
    "MAX_SCHEDULE_ID",
    "NOT_FOUND_STATUS",
    "PAGES_FROM_TOTAL_COUNT",
    "PAGE_PARAM",
    "PER_PAGE_PARAM",
    "PER_PAGE_REQUESTED",
    "RATE_LIMITED_POST_NOT_COMMITTED",
    "RATE_LIMIT_UNDOCUMENTED",
    "RECORDS_SHOW_UNLISTED_COLUMNS",
    "RECORD_ROOT_KEYS",
    "RETRYABLE_STATUSES",
    "SCHEDULES_PATH",
    "TOTAL_COUNT_KEY",
    "TOTAL_PAGES_KEY",
]

# [E] documented: the base URL is https://<subdomain>.trackdrive.com and paths start /api/v1.
# [I] The paths are used without the `.json` suffix, asking for JSON with `Accept:
#     application/json` as Rails apps honour it. Check: `curl -H 'Accept: application/json'
#     .../api/v1/schedules` answers JSON, not HTML.
API_PREFIX: Final = "/api/v1"
SCHEDULES_PATH: Final = f"{API_PREFIX}/schedules"

# [I] A list answer holds its records under `schedules`, by analogy with `{"calls": [...]}` on
#     the documented Calls list. `metadata.root`, when present, names the key and wins; a bare
#     array (what `root=false` returns elsewhere) is accepted too. `schedule` is tried last in
#     case the root is the singular model name. Check: the first key of GET /api/v1/schedules.
LIST_ROOT_KEYS: Final[tuple[str, ...]] = ("schedules", "schedule")
LIST_METADATA_KEY: Final = "metadata"

# [E] Real clients read metadata.total_pages and metadata.total_count.
# [I] They count pages and records of the whole (filtered) list, so the pages are 1 ..
#     total_pages, and a listing is complete when it holds total_count distinct ids (a
#     mismatch means a write moved rows between pages while we read: the list is re-read).
#     No `current_page` / `per_page` key is relied on. Without metadata (a bare array), pages
#     are read one by one until one is empty, as Kaminari answers past the end. Check:
#     compare total_count with the ids read, on an account that nobody edits meanwhile.
TOTAL_PAGES_KEY: Final = "total_pages"
TOTAL_COUNT_KEY: Final = "total_count"
PAGE_PARAM: Final = "page"
# [I] When metadata has total_count but no total_pages, the page count is
#     ceil(total_count / records on page 1): page 1 is full unless it is the only page. A
#     server that pages otherwise is caught by the count check above (the list is re-read).
#     Check: an answer's metadata lists both keys, and they agree.
PAGES_FROM_TOTAL_COUNT: Final = True

# [E] `order` and `order_dir` are documented, and the reference's example sorts by created_at.
# [I] Without an order a database may return rows in any order from one page to the next.
#     Oldest first keeps pages stable while nobody writes, and puts schedules created during a
#     listing on its last page instead of shifting the earlier ones. Rows that still move
#     (deletions, equal created_at) are de-duplicated by id, and a count mismatch re-reads the
#     list. Check: two listings of a quiet account give the same ids in the same order.
LIST_ORDER: Final[tuple[tuple[str, str], ...]] = (("order", "created_at"), ("order_dir", "asc"))

# [E] The Schedules list does not document `per_page` (other lists do, default 25).
# [I] Asking for 100 is harmless: a server that ignores it answers 25 a page, and the page
#     count is always taken from the answer's metadata, never from what was asked. Check: the
#     number of records on page 1 of an account with more than 25 schedules.
PER_PAGE_PARAM: Final = "per_page"
PER_PAGE_REQUESTED: Final = 100

# [I] `fulltext` matches a schedule's name (among other text), so `fulltext=<name>` then an
#     exact-name filter finds a schedule cheaply. The client does not trust an empty answer
#     until fulltext has once found a name; otherwise, and whenever the name must be known
#     for certain (after a POST of unknown outcome), it reads the full list instead.
#     Check: GET /api/v1/schedules?fulltext=<an existing name> holds that schedule.
FULLTEXT_MATCHES_NAMES: Final = True

# [E] A single record (show, new, create, update, delete) comes in an envelope
#     `{"status": 200, "errors": {}, "<root>": {...}, "metadata": {"root": "<root>"}}`.
# [I] For schedules the root is `schedule` (by analogy with other resources); metadata.root
#     wins when present. Check: the keys of GET /api/v1/schedules/<id>.
RECORD_ROOT_KEYS: Final[tuple[str, ...]] = ("schedule",)
# [I] make_call answers the call it placed under the root `call` (the model is a Call, and
#     metadata.root wins when present). Check: the keys of a POST /api/v1/schedules/make_call
#     answer on an account where placing a test call is acceptable.
CALL_ROOT_KEYS: Final[tuple[str, ...]] = ("call",)
# [I] The envelope's numeric `status`, when it says >= 400, is the real outcome even if the
#     HTTP status is 200 (some Rails APIs do that). Check: a 422 from PUT with a bad value.
ENVELOPE_STATUS_KEY: Final = "status"

# [I] Rails serializes decimals (sortable_order) as strings such as "10.0"; numbers are
#     accepted as well, and every value is compared by its canonical form. The client sends
#     decimals as strings too. Check: `sortable_order` in any record.
DECIMALS_AS_STRINGS: Final = True

# [E] POST/PUT params are flat top-level keys "as a JSON body or as form/query params", and
#     booleans accept 1/true/yes/on/0/false/no/off.
# [I] A JSON body with JSON booleans (`"paused": true`) and JSON null (`"offer_id": null`,
#     `"description": null`) is read as the documented words and as "blank". Check: PUT
#     `{"paused": true}` then GET shows `paused: true`; PUT `{"description": null}` clears it.
BOOLEANS_AS_JSON: Final = True

# [E] The reference lists the columns a record may show; `sortable_order`,
#     `lead_duplicate_timeframe` and `description` are writable params but not in `columns`.
# [I] Records show them anyway (the default serializer shows every attribute), so the
#     client never asks for `columns` and reads them from the record as any other field; a
#     record without one means "hidden from this token" (unknown), never "empty". Check:
#     GET /api/v1/schedules/<id> holds `sortable_order`.
RECORDS_SHOW_UNLISTED_COLUMNS: Final = True

# [I] TrackDrive's API never redirects: a 3xx means a wrong account URL (a login page of
#     another host), so redirects are not followed and are reported as such, and the keys
#     never travel to another host. Check: GET /api/v1/schedules on the right subdomain
#     answers 200 directly.
FOLLOW_REDIRECTS: Final = False

# [E] Error bodies carry `"errors": {}` and a numeric `"status"`.
# [I] A validation failure is HTTP 422 `{"status": 422, "errors": {"field": ["message"]}}`;
#     other 4xx refusals (make_call guards: 409, 422) use the same `errors` shape, so every
#     4xx not named below is read as a validation error with these messages. An `errors`
#     value may also be a plain string or a list. Check: PUT sortable_order=abc answers 422.
ERRORS_KEY: Final = "errors"

# [I] 404 for an unknown id, including one deleted meanwhile: a retried DELETE that meets a
#     404 after an attempt of unknown outcome took effect the first time. Check: GET of an
#     id the account never had.
NOT_FOUND_STATUS: Final = 404

# [I] 401 for missing or wrong keys, possibly with a plain-text body (so the body is never
#     required to be JSON); 403 for a permission or IP-allowlist refusal. A 403 whose errors
#     name a request parameter (make_call's do-not-call refusal of `to`) refuses that value,
#     not the keys, and is reported as a validation error. Check: a request with a wrong
#     private key.
AUTH_STATUSES: Final = frozenset({401, 403})
# Keys of `errors` that speak of the request as a whole rather than of one parameter.
GENERAL_ERROR_KEYS: Final = frozenset({"base", "error", "message", "auth", "authorization"})

# [E] No rate limit is documented. [I] A well-behaved client still retries, on idempotent
#     requests only (GET, PUT, DELETE): 429 honouring Retry-After, 502/503/504 from proxies,
#     and 500, which a Rails app answers for transient faults such as a deadlock (a retried
#     idempotent request cannot do harm, and a lasting 500 only costs the retry budget).
RETRYABLE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})

# [I] A 429 is answered before the request is processed, so a POST that got one created
#     nothing and may be sent again after the wait. Every other failure of a POST (timeout,
#     cut connection, 5xx, unreadable answer) leaves its outcome unknown and is resolved by
#     looking the name up before anything is sent again.
RATE_LIMITED_POST_NOT_COMMITTED: Final = True
# [I] A 4xx to a POST (a validation failure, a refusal) means nothing was created: Rails
#     validates before it saves. So a create answered 4xx is reported, never looked up as
#     "maybe created". Check: POST a name over 255 characters; no schedule appears.
CLIENT_ERROR_POST_NOT_COMMITTED: Final = True

# [I] A 429's body carries the usual `errors`: make_call's redial guard names `to` (the
#     number dialed too recently), its calls-per-second guard `base`. The client keeps them in
#     RateLimitedError with Retry-After, so the two read apart. Check: two make_calls to one
#     number within 30 seconds on a test account.

# [I] A schedule id is a whole number from 1 to 2^63 - 1 (a Rails bigint primary key), sent
#     as a JSON number or a string of ASCII digits. Anything else (0, -5, 2^63, "12a", true)
#     is a broken record: it would build a path to some other resource or none, so the
#     client refuses the page it came on, before any write. Check: the ids of any listing.
MAX_SCHEDULE_ID: Final = 2**63 - 1

# [E] No rate limit is documented. [I] A limit exists and shows as 429, possibly with
#     Retry-After (seconds or an HTTP date), and it applies to the account's requests as a
#     whole. So the client learns a rate for the whole run (AIMD: each 429 lowers it, each
#     other answer raises it a little), honours Retry-After as a pause of every request,
#     and never needs to be told the limit. Check: `--debug` on a large plan shows no 429,
#     or the retry lines show the rate settling.
RATE_LIMIT_UNDOCUMENTED: Final = True
