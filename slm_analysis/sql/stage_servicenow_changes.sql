-- ServiceNow change_request export → maintenance_windows (planned start/end).
-- Cancelled changes are not maintenance: they are flagged `_skip` (kept in file order, like
-- every staging query's rows, so a row's position gives its line).
with parsed as (
    select
        slm_blank(window_id) as wid,
        slm_ts(start_date, $zone, $ts_format) as s,
        slm_ts(end_date, $zone, $ts_format) as e,
        coalesce(lower(slm_trim(state)), '') in ('canceled', 'cancelled', '4') as _skip,
        stage.*
    from stage
),
checked as (
    select
        *,
        case
            when _skip then null
            when wid is null then 'window_id'
            when s is null then 'start_date'
            when e is null then 'end_date'
            when e <= s then 'end_date'
        end as _column
    from parsed
)
select
    _skip,
    _column,
    case _column
        when 'window_id' then window_id when 'start_date' then start_date
        when 'end_date' then end_date
    end as _value,
    case
        when _column = 'window_id' then 'missing change number'
        when _column = 'end_date' and e is not null then 'window ends before it starts'
        when _column is not null then slm_ts_reason($layouts)
    end as _reason,
    $source as source,
    wid as window_id,
    s as start_at,
    e as end_at,
    slm_blank(title) as title,
    slm_blank(company) as company,
    slm_blank(business_service) as business_service,
    slm_blank(cmdb_ci) as cmdb_ci
from checked
