"""The Schedule's fields as the reference lists them: columns, order fields, writable params."""

from __future__ import annotations

__all__ = [
    "COLUMNS",
    "CREATE_PARAMS",
    "DEFAULT_SERIALIZER_EXTRAS",
    "ORDER_FIELDS",
    "SERIALIZERS",
    "UPDATE_PARAMS",
]

#: ``columns`` of ``GET /api/v1/schedules``, in the reference's order. The ``schedule_grid``
#: serializer returns exactly these.
COLUMNS: tuple[str, ...] = (
    "id",
    "legacy_id",
    "type",
    "uuid",
    "created_at",
    "updated_at",
    "deleted_at",
    "user_updated_at",
    "routes_show_path",
    "routes_edit_path",
    "external_record_id",
    "company_id",
    "offer_id",
    "lead_token",
    "leads_api_key",
    "name",
    "time_zone",
    "max_leads_per_remote_ip_interval",
    "max_leads_per_remote_ip",
    "last_call_at",
    "calls_count",
    "recent_calls_count",
    "action_sms_provider_configuration_id",
    "action_sms_ring_pool_id",
    "action_sms_number_id",
    "action_sms_use_ring_pool",
    "action_dial_use_ring_pool",
    "during_daylight_hours",
    "use_do_not_call",
    "available_cc_percentage",
    "calls_on_hold_limit",
    "use_machine_detection",
    "action_dial_skip_mobile",
    "off_hook_enabled",
    "skip_placing_calls_until_agent_count_exceeds",
    "paused",
    "paused_at",
    "unpaused_at",
    "paused_by_user_id",
    "dial_caller_name",
    "daylight_hours_open",
    "daylight_hours_close",
    "numbers_count",
    "leads_sort_order_type",
    "action_ids",
    "end_of_schedule_action_ids",
    "schedule_trigger_ids",
    "record_token_filter_end_of_schedule_id",
    "record_token_filter_end_of_schedule_data_count",
    "record_token_filter_end_of_schedule_data",
    "record_token_filter_scheduled_callback_id",
    "record_token_filter_scheduled_callback_data_count",
    "record_token_filter_scheduled_callback_data",
    "machine_detection_record_token_filter_id",
    "machine_detection_record_token_filter_data_count",
    "machine_detection_record_token_filter_data",
    "record_token_filter_id",
    "record_token_filter_data_count",
    "record_token_filter_data",
)

# [I] The default ``schedule`` serializer also carries these fields, which the reference names
# (as params or order fields) but leaves out of ``columns``. Keeping them out of
# ``schedule_grid`` lets a client find out that a hidden field is not an empty one.
DEFAULT_SERIALIZER_EXTRAS: tuple[str, ...] = (
    "description",
    "schedule_type",
    "sortable_order",
    "lead_duplicate_timeframe",
    "instant_agent_dial_weight",
    "real_time_priority",
    "checked_leads_agent_dial_actions_at",
    "checked_leads_no_match_actions_at",
)

#: ``order`` of ``GET /api/v1/schedules``, exactly as listed (``offer_id`` appears twice there).
ORDER_FIELDS: tuple[str, ...] = (
    "sortable_order",
    "offer_id",
    "name",
    "paused",
    "offer_id",
    "leads_api_key",
    "time_zone",
    "schedule_type",
    "numbers_count",
    "last_call_at",
    "calls_count",
    "instant_agent_dial_weight",
    "created_at",
    "updated_at",
    "recent_calls_count",
    "use_do_not_call",
    "use_machine_detection",
    "action_dial_skip_mobile",
    "off_hook_enabled",
    "real_time_priority",
    "dial_caller_name",
    "daylight_hours_open",
    "daylight_hours_close",
    "leads_sort_order_type",
    "checked_leads_agent_dial_actions_at",
    "checked_leads_no_match_actions_at",
)

SERIALIZERS: tuple[str, ...] = ("schedule", "schedule_grid")

#: What ``POST /api/v1/schedules`` permits; anything else is dropped, as Rails' strong params do.
CREATE_PARAMS: tuple[str, ...] = ("name", "offer_id", "description", "paused")
#: What ``PUT /api/v1/schedules/:id`` permits.
UPDATE_PARAMS: tuple[str, ...] = (*CREATE_PARAMS, "sortable_order", "lead_duplicate_timeframe")
