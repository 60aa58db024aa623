-- A status page's uptime bars → downtime_days: per component and local day (a date, read in the
-- load's $zone), the minutes it was in partial and in major outage. The day is stored as its
-- local midnights [start_at, end_at) — 23 or 25 hours across a DST change — and the minutes of
-- the two impacts, which a status page never counts twice, add up to at most the day's length.
with parsed as (
    select
        slm_blank(component) as comp,
        try_strptime(slm_trim(day), '%Y-%m-%d')::date as d,
        try_cast(slm_blank(partial_minutes) as double) as partial,
        try_cast(slm_blank(major_minutes) as double) as major,
        stage.*
    from stage
),
bounded as (
    select
        *,
        timezone($zone, d::timestamp) as s,
        timezone($zone, (d + 1)::timestamp) as e
    from parsed
),
checked as (
    select
        *,
        case
            when comp is null then 'component'
            when d is null then 'day'
            when partial is null or partial < 0 then 'partial_minutes'
            when major is null or major < 0 then 'major_minutes'
            when (partial + major) * 60 > epoch(e) - epoch(s) then 'major_minutes'
        end as _column
    from bounded
)
select
    _column,
    case _column
        when 'component' then component when 'day' then day
        when 'partial_minutes' then partial_minutes when 'major_minutes' then major_minutes
    end as _value,
    case
        when _column = 'component' then 'missing component'
        when _column = 'day' then 'not a date (write it as YYYY-MM-DD)'
        when _column = 'major_minutes' and major >= 0 and partial >= 0 then
            'partial and major minutes add up to ' || (partial + major)::varchar
            || ', more than the day''s ' || ((epoch(e) - epoch(s)) // 60)::bigint::varchar
        when _column is not null then 'not a number of minutes (0 or more)'
    end as _reason,
    $source as source,
    comp as component,
    comp as business_service,
    d as day,
    s as start_at,
    e as end_at,
    partial as partial_minutes,
    major as major_minutes
from checked
