-- Uptime check results → checks. Status: up/down, ok/fail, 1/0, true/false.
with parsed as (
    select
        slm_blank(check_name) as name,
        slm_ts(checked_at, $zone, $ts_format) as t,
        slm_bool(status) as is_up,
        try_cast(slm_blank(latency_ms) as double) as latency,
        stage.*
    from stage
),
checked as (
    select
        *,
        case
            when name is null then 'check'
            when t is null then 'timestamp'
            when is_up is null then 'status'
            when slm_blank(latency_ms) is not null and latency is null then 'latency_ms'
        end as _column
    from parsed
)
select
    _column,
    case _column
        when 'check' then check_name when 'timestamp' then checked_at
        when 'status' then status when 'latency_ms' then latency_ms
    end as _value,
    case _column
        when 'check' then 'missing check name'
        when 'timestamp' then 'not a date-time (expected e.g. 2026-10-05T14:23:00Z)'
        when 'status' then 'status is not up/down, ok/fail, 1/0 or true/false'
        when 'latency_ms' then 'latency is not a number'
    end as _reason,
    $source as source,
    name as check_name,
    t as checked_at,
    is_up as ok,
    latency as latency_ms
from checked
