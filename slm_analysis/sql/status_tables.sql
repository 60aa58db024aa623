-- What is loaded: rows, time range and customers per table and source, plus quarantine.
with data as (
    select 'incidents' as table_name, source, opened_at as t, customer from incidents
    union all select 'incident_states', source, start_at, null from incident_states
    union all select 'outages', source, start_at, customer from outages
    union all select 'checks', source, checked_at, customer from checks
    union all select 'surveys', source, submitted_at, customer from surveys
    union all select 'maintenance_windows', source, start_at, customer from maintenance_windows
    union all select 'actions', source, opened_at, customer from actions
),
per_table as (
    select
        table_name,
        source,
        count(*) as rows,
        count(*) filter (where customer is null) as rows_unmapped,
        min(t) as first_at,
        max(t) as last_at
    from data
    group by table_name, source
),
kinds as (
    select
        case kind
            when 'maintenance' then 'maintenance_windows' else kind
        end as table_name,
        count(*) as quarantined
    from quarantine
    group by 1
)
select
    p.table_name,
    p.source,
    p.rows,
    p.rows_unmapped,
    strftime(p.first_at, '%Y-%m-%dT%H:%M:%SZ') as first_at,
    strftime(p.last_at, '%Y-%m-%dT%H:%M:%SZ') as last_at,
    coalesce(k.quarantined, 0) as quarantined
from per_table as p
left join kinds as k using (table_name)
order by p.table_name, p.source
