-- ServiceNow metric_instance export ("Incident State Duration") → incident_states. Rows of other
-- metrics are flagged `_skip` (kept in file order, so a row's position gives its line).
with parsed as (
    select
        slm_blank(number) as num,
        slm_blank(value) as state_name,
        slm_ts(start, $zone, $ts_format) as s,
        slm_ts("end", $zone, $ts_format) as e,
        coalesce(lower(slm_trim(definition)), '') not like '%state%' as _skip,
        stage.*
    from stage
),
checked as (
    select
        *,
        case
            when _skip then null
            when num is null then 'number'
            when state_name is null then 'value'
            when s is null then 'start'
            when slm_blank("end") is not null and e is null then 'end'
            when e < s then 'end'
        end as _column
    from parsed
)
select
    _skip,
    _column,
    case _column
        when 'number' then number when 'value' then value when 'start' then start
        when 'end' then "end"
    end as _value,
    case
        when _column = 'number' then 'missing incident number'
        when _column = 'value' then 'missing state'
        when _column = 'end' and e is not null then 'state ends before it starts'
        when _column is not null then slm_ts_reason($layouts)
    end as _reason,
    $source as source,
    num as number,
    state_name as state,
    s as start_at,
    e as end_at
from checked
