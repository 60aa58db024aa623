-- Provenance: the loads whose rows this customer's numbers rest on (other customers' files
-- are never listed), with this customer's rows from each — the rows it wrote that are still
-- current, and the quarantined records that map to the customer — never a shared file's total.
with mine as (
    select load_id from incidents where customer = $customer
    union all select s.load_id
        from incident_states as s
        join incidents as i on i.source = s.source and i.number = s.number
        where i.customer = $customer
    union all select load_id from outages where customer = $customer
    union all select load_id from downtime_days where customer = $customer
    union all select load_id from checks where customer = $customer
    union all select load_id from surveys where customer = $customer
    union all select load_id from maintenance_windows where customer = $customer
    union all select load_id from actions where customer = $customer
),
per_load as (
    select load_id, count(*) as rows_loaded from mine group by load_id
),
quarantined as (
    select load_id, count(*) as rows_quarantined
    from quarantine
    where customer = $customer
    group by load_id
)
select
    l.load_id,
    l.kind,
    l.format,
    regexp_extract(l.path, '[^/\\]+$') as file,
    l.sha256,
    p.rows_loaded,
    coalesce(q.rows_quarantined, 0) as rows_quarantined,
    strftime(l.finished_at, '%Y-%m-%d %H:%M') as loaded_at
from load_log as l
join per_load as p using (load_id)
left join quarantined as q using (load_id)
order by l.load_id
