-- Uptime check results → checks. Status: up/down, ok/fail, 1/0, true/false. $stream is the
-- kind of stream the rows are (polled | status-change, the format's or the mapping's); in a
-- status-change stream a row flagged not `important` (Uptime Kuma: a heartbeat that changed
-- nothing) is skipped, so the rows kept are the flips. A row without a check name takes its
-- `job` (Prometheus: a series without an instance label is named by its job).
with parsed as (
    select
        coalesce(slm_blank(check_name), slm_blank(job)) as name,
        slm_ts(checked_at, $zone, $ts_format) as t,
        slm_bool(status) as is_up,
        try_cast(slm_blank(latency_ms) as double) as latency,
        $stream = 'status-change' and coalesce(not slm_bool(important), false) as _skip,
        stage.*
    from stage
),
checked as (
    select
        *,
        case
            when _skip then null
            when name is null then 'check_name'
            when t is null then 'checked_at'
            when is_up is null then 'status'
            when slm_blank(latency_ms) is not null and latency is null then 'latency_ms'
        end as _column
    from parsed
)
select
    _column,
    case _column
        when 'check_name' then check_name when 'checked_at' then checked_at
        when 'status' then status when 'latency_ms' then latency_ms
    end as _value,
    case _column
        when 'check_name' then 'missing check name'
        when 'checked_at' then slm_ts_reason($layouts)
        when 'status' then 'status is not up/down, ok/fail, 1/0 or true/false'
        when 'latency_ms' then 'latency is not a number'
    end as _reason,
    _skip,
    $source as source,
    name as check_name,
    t as checked_at,
    is_up as ok,
    latency as latency_ms,
    $stream as stream
from checked
