-- Jira Service Management "Export Excel CSV (all fields)", English or localised: issues →
-- incidents, the satisfaction rating → surveys (derive_jira_*). The SLA column "Time to
-- resolution" holds the remaining time of the last cycle, negative when breached: it is kept
-- as the vendor's verdict, not used as the clock.
with parsed as (
    select
        slm_blank(number) as num,
        slm_jira_ts(created, $zone) as opened,
        slm_jira_ts(updated, $zone) as upd,
        slm_jira_ts(resolved, $zone) as res,
        slm_jira_ts(first_response, $zone) as responded,
        slm_jira_ts(satisfaction_date, $zone) as rated_at,
        slm_priority(priority) as prio,
        try_cast(slm_blank(satisfaction) as double) as rating,
        stage.*
    from stage
),
checked as (
    select
        *,
        case
            when num is null then 'number'
            when opened is null then 'created'
            when prio is null or prio not between 1 and 5 then 'priority'
            when slm_blank(resolved) is not null and res is null then 'resolved'
            when res < opened then 'resolved'
            when slm_blank(satisfaction) is not null and (rating is null or rating not between 1 and 5)
                then 'satisfaction'
        end as _column
    from parsed
)
select
    _column,
    case _column
        when 'number' then number when 'created' then created
        when 'priority' then priority when 'resolved' then resolved
        when 'satisfaction' then satisfaction
    end as _value,
    case
        when _column = 'number' then 'missing issue key'
        when _column = 'priority' then 'priority is not 1-5 or a Jira priority name'
        when _column = 'resolved' and res is not null then 'resolved before created'
        when _column = 'satisfaction' then 'satisfaction rating is not 1-5'
        when _column is not null then slm_ts_reason($layouts)
    end as _reason,
    $source as source,
    num as number,
    slm_blank(summary) as short_description,
    prio as priority,
    slm_blank(status) as state,
    opened as opened_at,
    responded as first_response_at,
    res as resolved_at,
    null::timestamptz as closed_at,
    slm_blank(issue_type) as category,
    slm_blank(organizations) as company,
    slm_blank(affected_services) as business_service,
    slm_blank(project_key) as project,
    slm_blank(assignee) as assigned_to,
    false as major,
    null::integer as reopen_count,
    case
        when slm_blank(time_to_resolution) is null then null
        else not starts_with(slm_trim(time_to_resolution), '-')
    end as vendor_made_sla,
    upd as updated_at,
    rating,
    coalesce(rated_at, res, upd) as rated_at
from checked
