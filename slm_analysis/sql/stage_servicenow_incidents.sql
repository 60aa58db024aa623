-- ServiceNow incident list export → incidents. Display values ("1 - Critical", "Resolved")
-- and raw codes ("1", "6") are both accepted; naive timestamps are in $zone.
with parsed as (
    select
        slm_blank(number) as number,
        slm_ts(opened_at, $zone, $ts_format) as opened,
        slm_ts(resolved_at, $zone, $ts_format) as resolved,
        slm_ts(closed_at, $zone, $ts_format) as closed,
        slm_ts(first_response_at, $zone, $ts_format) as responded,
        slm_ts(sys_updated_on, $zone, $ts_format) as updated,
        slm_priority(priority) as prio,
        case slm_trim(state)
            when '1' then 'New' when '2' then 'In Progress' when '3' then 'On Hold'
            when '6' then 'Resolved' when '7' then 'Closed' when '8' then 'Canceled'
            else slm_blank(state)
        end as state_name,
        stage.*
    from stage
),
checked as (
    select
        *,
        case
            when number is null then 'number'
            when opened is null then 'opened_at'
            when prio is null or prio not between 1 and 5 then 'priority'
            when slm_blank(resolved_at) is not null and resolved is null then 'resolved_at'
            when resolved < opened then 'resolved_at'
            when slm_blank(closed_at) is not null and closed is null then 'closed_at'
            when slm_blank(first_response_at) is not null and responded is null
                then 'first_response_at'
        end as _column
    from parsed
)
select
    _column,
    case _column
        when 'number' then number
        when 'opened_at' then opened_at
        when 'priority' then priority
        when 'resolved_at' then resolved_at
        when 'closed_at' then closed_at
        when 'first_response_at' then first_response_at
    end as _value,
    case
        when _column = 'number' then 'missing incident number'
        when _column = 'priority' then 'priority is not 1-5 or a ServiceNow priority name'
        when _column = 'resolved_at' and resolved is not null then 'resolved before opened'
        when _column is not null then slm_ts_reason($layouts)
    end as _reason,
    $source as source,
    number,
    slm_blank(short_description) as short_description,
    prio as priority,
    state_name as state,
    opened as opened_at,
    responded as first_response_at,
    coalesce(resolved, case when state_name = 'Closed' then closed end) as resolved_at,
    closed as closed_at,
    slm_blank(category) as category,
    slm_blank(company) as company,
    slm_blank(business_service) as business_service,
    slm_blank(service_offering) as service_offering,
    slm_blank(cmdb_ci) as cmdb_ci,
    slm_blank(assignment_group) as assignment_group,
    slm_blank(assigned_to) as assigned_to,
    coalesce(lower(slm_trim(major_incident_state)) in ('accepted', 'true'), false) as major,
    try_cast(reopen_count as integer) as reopen_count,
    slm_bool(made_sla) as vendor_made_sla,
    updated as updated_at
from checked
