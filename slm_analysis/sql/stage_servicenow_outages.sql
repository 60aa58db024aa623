-- ServiceNow cmdb_ci_outage export → outages. Type Outage = full, Degradation = partial,
-- Planned Outage = planned (never counted as downtime). `task`: the incident or change behind
-- it (task_number), when the export has the column.
with parsed as (
    select
        slm_blank(outage_id) as oid,
        lower(coalesce(slm_blank(type), '')) as t,
        slm_ts(begin, $zone, $ts_format) as s,
        slm_ts("end", $zone, $ts_format) as e,
        stage.*
    from stage
),
checked as (
    select
        *,
        case
            when oid is null then 'outage_id'
            when t not in ('outage', 'planned outage', 'planned', 'degradation', 'partial')
                then 'type'
            when s is null then 'begin'
            when slm_blank("end") is not null and e is null then 'end'
            when e < s then 'end'
        end as _column
    from parsed
)
select
    _column,
    case _column
        when 'outage_id' then outage_id when 'type' then type when 'begin' then begin
        when 'end' then "end"
    end as _value,
    case
        when _column = 'outage_id' then 'missing outage number'
        when _column = 'type' then 'type is not Outage, Degradation or Planned Outage'
        when _column = 'end' and e is not null then 'outage ends before it begins'
        when _column is not null then slm_ts_reason($layouts)
    end as _reason,
    $source as source,
    oid as outage_id,
    s as start_at,
    e as end_at,
    case when t in ('degradation', 'partial') then 'partial' else 'full' end as impact,
    t in ('planned outage', 'planned') as planned,
    slm_blank(title) as title,
    slm_blank(cmdb_ci) as cmdb_ci,
    slm_blank(task) as task
from checked
