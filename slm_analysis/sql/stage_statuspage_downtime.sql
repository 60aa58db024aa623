-- Status-page incident history (e.g. githubstatus.com rebuilt by mrshu/github-statuses):
-- downtime windows with an impact. 'maintenance' is planned work; 'critical'/'major' are full
-- outages, 'minor' partial, 'none' no impact.
with parsed as (
    select
        slm_blank(outage_id) as oid,
        lower(coalesce(slm_blank(impact), '')) as imp,
        slm_ts(downtime_start, $zone, $ts_format) as s,
        slm_ts(downtime_end, $zone, $ts_format) as e,
        stage.*
    from stage
),
checked as (
    select
        *,
        case
            when oid is null then 'outage_id'
            when imp not in ('none', 'minor', 'major', 'critical', 'maintenance') then 'impact'
            when s is null then 'downtime_start'
            when slm_blank(downtime_end) is not null and e is null then 'downtime_end'
            when e < s then 'downtime_end'
        end as _column
    from parsed
)
select
    _column,
    case _column
        when 'outage_id' then outage_id when 'impact' then impact
        when 'downtime_start' then downtime_start when 'downtime_end' then downtime_end
    end as _value,
    case
        when _column = 'outage_id' then 'missing incident id'
        when _column = 'impact' then 'impact is not none, minor, major, critical or maintenance'
        when _column = 'downtime_end' and e is not null then 'outage ends before it starts'
        when _column is not null then slm_ts_reason($layouts)
    end as _reason,
    $source as source,
    oid as outage_id,
    s as start_at,
    e as end_at,
    case imp when 'minor' then 'partial' when 'none' then 'none' else 'full' end as impact,
    imp = 'maintenance' as planned,
    slm_blank(title) as title,
    null::varchar as cmdb_ci,
    null::varchar as task
from checked
