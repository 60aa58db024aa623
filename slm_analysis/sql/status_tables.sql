-- What is loaded: rows, time range and customers per table and source, plus quarantine. A state
-- history has no customer of its own (it follows its incident): its unmapped count is null.
-- Quarantined rows count against the table and source of their load: the format's table
-- ($format_names/$format_tables/$format_sources, the formats' declarations) and the load's
-- source, else (loads before schema 4) the format's family.
with data as (
    select 'incidents' as table_name, source, opened_at as t, customer, true as has_customer
    from incidents
    union all select 'incident_states', source, start_at, null, false from incident_states
    union all select 'outages', source, start_at, customer, true from outages
    union all select 'downtime_days', source, start_at, customer, true from downtime_days
    union all select 'checks', source, checked_at, customer, true from checks
    union all select 'surveys', source, submitted_at, customer, true from surveys
    union all select 'maintenance_windows', source, start_at, customer, true from maintenance_windows
    union all select 'actions', source, opened_at, customer, true from actions
),
per_table as (
    select
        table_name,
        source,
        count(*) as rows,
        case
            when bool_and(has_customer) then count(*) filter (where customer is null)
        end as rows_unmapped,
        min(t) as first_at,
        max(t) as last_at
    from data
    group by table_name, source
),
formats as (
    select
        unnest($format_names) as format,
        unnest($format_tables) as table_name,
        unnest($format_sources) as family
),
rejected as (
    select f.table_name, coalesce(l.source, f.family) as source, count(*) as quarantined
    from quarantine as q
    join load_log as l using (load_id)
    join formats as f using (format)
    group by all
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
left join rejected as k using (table_name, source)
order by p.table_name, p.source
