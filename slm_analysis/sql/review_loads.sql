-- Provenance: the loads whose rows this customer's numbers rest on (other customers' files
-- are never listed).
with used as (
    select distinct load_id from incidents where customer = $customer
    union select distinct s.load_id
        from incident_states as s
        join incidents as i on i.source = s.source and i.number = s.number
        where i.customer = $customer
    union select distinct load_id from outages where customer = $customer
    union select distinct load_id from checks where customer = $customer
    union select distinct load_id from surveys where customer = $customer
    union select distinct load_id from maintenance_windows where customer = $customer
    union select distinct load_id from actions where customer = $customer
)
select
    l.load_id,
    l.kind,
    l.format,
    regexp_extract(l.path, '[^/\\]+$') as file,
    l.sha256,
    l.rows_loaded,
    l.rows_quarantined,
    strftime(l.finished_at, '%Y-%m-%d %H:%M') as loaded_at
from load_log as l
join used using (load_id)
order by l.load_id
