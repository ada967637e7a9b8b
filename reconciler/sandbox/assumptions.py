"""Every choice the sandbox makes where TrackDrive's reference is silent, in one place.

The sandbox imitates TrackDrive from its reference (``schedules-endpoints.txt``) and what is
known of its conventions (``CONVENTIONS.md``). Where those say nothing, the sandbox still has
to answer something; each such answer is a constant here, marked like the client's:

- **[E]** evidence: seen in TrackDrive material (the reference, other resources' docs, help
  articles, public client code);
- **[I]** inferred: what a Rails app with Apipie most likely does, not confirmed.

The modules that act on a choice import it from here, so changing one changes the sandbox's
behaviour everywhere at once. This module shares nothing with the client's
``reconciler/trackdrive/assumptions.py`` on purpose: a misreading of the API must not hide by
being mirrored on both sides (the client's contract tests run against this sandbox).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "AUTH_SCHEME",
    "BLANK_PAUSED",
    "CALLS_PER_SECOND_DEFAULT",
    "CHECKSUM_ALGORITHM",
    "CSV_FALSE",
    "CSV_NULL",
    "CSV_TRUE",
    "DATE_FORMATS",
    "DATE_ISO_ACCEPTED",
    "DEFAULT_ORDER",
    "DEFAULT_PER_PAGE",
    "FIRST_PAGE",
    "FULLTEXT_EXACT_KEYS",
    "FULLTEXT_TEXT_FIELDS",
    "LEAD_ID_INTEGER",
    "LEAD_TOKEN_KEYS",
    "MALFORMED_BODY_STATUS",
    "NAME_MAX_LENGTH",
    "NAME_REQUIRED",
    "NULLS_FIRST_WHEN_DESCENDING",
    "OFFER_ID_MIN",
    "REDIAL_PER_NUMBER_ACROSS_SCHEDULES",
    "REDIAL_SECONDS",
    "ROUTE_SUFFIXES",
    "UNKNOWN_PARAMS_IGNORED",
    "UPDATE_METHODS",
    "VALIDATION_STATUS",
]

# -- params of create and update -------------------------------------------------------------

# [E] The reference marks no param as required and says only "Must be a String" for `name`.
# [I] A schedule without a name cannot be saved (Rails `validates :name, presence: true`):
#     a create without one is 422 `{"name": ["can't be blank"]}`, as is a PUT that blanks it.
NAME_REQUIRED: Final = True
# [I] `name` is a Postgres `varchar(255)` as Rails makes string columns: longer is 422
#     "is too long (maximum is 255 characters)".
NAME_MAX_LENGTH: Final = 255

# [E] `offer_id` is "Must be a number" (a foreign key to an Offer).
# [I] 0 and negatives are refused ("must be greater than 0"): no Offer has such an id.
OFFER_ID_MIN: Final = 1

# [E] `paused` accepts 1/true/yes/on/0/false/no/off; "blank allowed".
# [I] A blank `paused` (`""`, null) is stored as false, as Rails casts a blank boolean param
#     on a NOT NULL column with a false default.
BLANK_PAUSED: Final = False

# -- answers ----------------------------------------------------------------------------------

# [E] Error bodies carry `"errors": {}` and a numeric `"status"`.
# [I] A validation failure is HTTP 422 with `{"status": 422, "errors": {"field": [msg]}}`.
VALIDATION_STATUS: Final = 422
# [I] A body that does not parse as its Content-Type says is 400 (Rails' ParseError), with
#     the same `errors` shape under `base`.
MALFORMED_BODY_STATUS: Final = 400

# [E] A single record's envelope has `"checksum": "<32 hex>"`.
# [I] 32 hex digits read as an MD5; the sandbox takes it over the record's compact JSON.
CHECKSUM_ALGORITHM: Final = "md5"

# [E] A `.json` suffix works on TrackDrive's API routes.
# [I] Every Schedules route takes `.json`; the list also takes `.csv`, a header row of the
#     serializer's fields then one row per record of the page: booleans `true`/`false`,
#     null as an empty cell, arrays and hashes as JSON.
ROUTE_SUFFIXES: Final[tuple[str, ...]] = (".json", ".csv")
CSV_TRUE: Final = "true"
CSV_FALSE: Final = "false"
CSV_NULL: Final = ""

# [E] The reference documents PUT for updates.
# [I] PATCH is accepted as PUT is (Rails `resources` routes both to `update`).
UPDATE_METHODS: Final[tuple[str, ...]] = ("PUT", "PATCH")

# -- the list -------------------------------------------------------------------------------

# [E] Other lists page 25 records by default and document `per_page`; this one does not.
# [I] 25 a page; `per_page` honoured up to the sandbox's per_page_max (switchable off).
DEFAULT_PER_PAGE: Final = 25
# [I] Kaminari reads `page` below 1 (0, negatives) as page 1.
FIRST_PAGE: Final = 1

# [E] `order` / `order_dir` are documented; no default is.
# [I] Without `order`, records come by id ascending (creation order). With an `order` on a
#     nullable field, nulls sort as Postgres sorts them: last ascending, first descending;
#     ties by id ascending.
DEFAULT_ORDER: Final = "id"
NULLS_FIRST_WHEN_DESCENDING: Final = True

# [E] `fulltext` is documented as a search, without saying over what.
# [I] A case-insensitive substring of `name` or `description`, or exactly the `uuid` or `id`.
FULLTEXT_TEXT_FIELDS: Final[tuple[str, ...]] = ("name", "description")
FULLTEXT_EXACT_KEYS: Final[tuple[str, ...]] = ("uuid", "id")

# [E] `created_at_from` / `created_at_to` are "formatted like 2016-01-01 12:25:15 -0500".
# [I] Both bounds are inclusive; without an offset the account's zone applies; ISO 8601
#     (`2016-01-01T12:25:15-05:00`) is accepted too, as Rails' time parsing accepts it.
DATE_FORMATS: Final[tuple[str, ...]] = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z")
DATE_ISO_ACCEPTED: Final = True

# [E] Apipie validates the params a route declares. [I] It ignores the ones it does not
#     declare (its `validate_keys` is off by default), so a misspelt filter such as
#     `created_at_min` is ignored, not refused: the whole list comes back. The sandbox does
#     the same, and counts each ignored name in `GET /_sandbox/stats` (`ignored_params`), so
#     the client's contract tests can tell that it sent only names the reference documents.
UNKNOWN_PARAMS_IGNORED: Final = True

# -- auth -----------------------------------------------------------------------------------

# [E] `Authorization: Basic base64(public:private)`; `Authorization: Token <t>` exists for
#     developer tokens. [I] The sandbox has no developer tokens: only Basic is accepted, and
#     anything else is 401 "HTTP Basic: Access denied." (plain text, as Rails answers it).
AUTH_SCHEME: Final = "basic"

# -- make_call ------------------------------------------------------------------------------
# [I] The guards, their order, statuses and messages are listed in `dialer.py`'s docstring;
#     these are the quantities and keys they rest on.

# [I] One number is dialed at most once every 30 seconds, whichever schedule dials it (the
#     guard is per number across schedules): 429 on `to`, with Retry-After in seconds.
REDIAL_SECONDS: Final = 30
REDIAL_PER_NUMBER_ACROSS_SCHEDULES: Final = True
# [I] An account places at most 5 calls a second unless configured otherwise: 429 on `base`
#     with `Retry-After: 1`.
CALLS_PER_SECOND_DEFAULT: Final = 5
# [I] `lead_token` names a schedule by its `lead_token` or, as older integrations send it,
#     its `leads_api_key`.
LEAD_TOKEN_KEYS: Final[tuple[str, ...]] = ("lead_token", "leads_api_key")
# [I] `lead_id` is a lead's integer id (digits), or otherwise its uuid.
LEAD_ID_INTEGER: Final = True
