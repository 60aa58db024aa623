-- Improvement action register → actions. Customer and service are given per row.
with parsed as (
    select
        slm_blank(action_id) as aid,
        slm_ts(opened_at, $zone, $ts_format) as o,
        slm_ts(due_at, $zone, $ts_format) as d,
        slm_ts(closed_at, $zone, $ts_format) as c,
        lower(coalesce(slm_blank(status), '')) as st,
        stage.*
    from stage
),
checked as (
    select
        *,
        case
            when aid is null then 'action_id'
            when slm_blank(title) is null then 'title'
            when st not in ('open', 'in progress', 'done', 'closed', 'cancelled') then 'status'
            when slm_blank(opened_at) is not null and o is null then 'opened_at'
            when slm_blank(due_at) is not null and d is null then 'due_at'
            when slm_blank(closed_at) is not null and c is null then 'closed_at'
        end as _column
    from parsed
)
select
    _column,
    case _column
        when 'action_id' then action_id when 'title' then title when 'status' then status
        when 'opened_at' then opened_at when 'due_at' then due_at when 'closed_at' then closed_at
    end as _value,
    case
        when _column = 'action_id' then 'missing action id'
        when _column = 'title' then 'missing title'
        when _column = 'status' then 'status is not open, in progress, done, closed or cancelled'
        when _column is not null then slm_ts_reason($layouts)
    end as _reason,
    slm_blank(customer_id) as _customer,
    slm_blank(service_id) as _service,
    $source as source,
    aid as action_id,
    slm_blank(title) as title,
    slm_blank(target_id) as target_id,
    slm_blank(incident_number) as incident_number,
    slm_blank(owner) as owner,
    o as opened_at,
    d as due_at,
    case when st = 'closed' then 'done' else st end as status,
    c as closed_at
from checked
