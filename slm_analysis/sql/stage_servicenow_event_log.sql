-- ServiceNow audit event log (one row per update of an incident, as in the public UCI
-- "incident management process enriched event log"): day-first timestamps, '?' for missing,
-- display values. Each row is validated; the snapshot and the state history are derived from
-- the valid rows (derive_event_log_*).
with parsed as (
    select
        slm_blank(number) as num,
        slm_blank(incident_state) as state_name,
        slm_ts(opened_at, $zone, $ts_format) as opened,
        slm_ts(sys_updated_at, $zone, $ts_format) as updated,
        slm_ts(resolved_at, $zone, $ts_format) as resolved,
        slm_ts(closed_at, $zone, $ts_format) as closed,
        slm_priority(priority) as prio,
        try_cast(slm_blank(sys_mod_count) as integer) as mods,
        stage.*
    from stage
),
checked as (
    select
        *,
        case
            when num is null then 'number'
            when state_name is null or state_name = '-100' then 'incident_state'
            when updated is null then 'sys_updated_at'
            when opened is null then 'opened_at'
            when prio is null or prio not between 1 and 5 then 'priority'
            when slm_blank(resolved_at) is not null and resolved is null then 'resolved_at'
            when slm_blank(closed_at) is not null and closed is null then 'closed_at'
        end as _column
    from parsed
)
select
    _column,
    case _column
        when 'number' then number when 'incident_state' then incident_state
        when 'opened_at' then opened_at when 'sys_updated_at' then sys_updated_at
        when 'priority' then priority when 'resolved_at' then resolved_at
        when 'closed_at' then closed_at
    end as _value,
    case
        when _column = 'number' then 'missing incident number'
        when _column = 'incident_state' then 'not a valid incident state (the export has -100 '
            || 'for updates with an invalid state)'
        when _column = 'priority' then 'priority is not 1-5 or a ServiceNow priority name'
        when _column is not null then slm_ts_reason($layouts)
    end as _reason,
    $source as source,
    num as number,
    state_name as state,
    opened as opened_at,
    updated as updated_at,
    resolved as resolved_at,
    closed as closed_at,
    prio as priority,
    coalesce(mods, 0) as mods,
    slm_blank(category) as category,
    slm_blank(cmdb_ci) as cmdb_ci,
    slm_blank(assignment_group) as assignment_group,
    slm_blank(assigned_to) as assigned_to,
    try_cast(slm_blank(reopen_count) as integer) as reopen_count,
    slm_bool(made_sla) as vendor_made_sla
from checked
