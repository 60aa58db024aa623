-- Data-quality notes for one customer: counts only, never another customer's values. Records
-- with an instant after $now (the time the pack is made) are counted as a finding.
with used as (
    select distinct load_id from incidents where customer = $customer
    union select distinct load_id from outages where customer = $customer
    union select distinct load_id from surveys where customer = $customer
)
select
    'rows quarantined' as issue,
    -- the column and the reason's first clause (the full text, with the layouts tried, is in
    -- `slm quarantine`)
    coalesce(q.column_name || ': ', '') || split_part(q.reason, ';', 1) as detail,
    count(*) as rows
from quarantine as q
join used using (load_id)
group by all
union all
select 'rows mapped to no customer', 'add a mapping rule to the catalogue', count(*)
from incidents
where customer is null
having count(*) > 0
union all
select 'resolved incidents without state history', 'pauses and first response unknown',
    count(*)
from incidents as i
where customer = $customer
  and resolved_at is not null
  and not exists (
      select 1 from incident_states as s where s.source = i.source and s.number = i.number
  )
having count(*) > 0
union all
select 'records with timestamps in the future',
    'after ' || strftime($now::timestamptz, '%Y-%m-%d %H:%M') || ' UTC, when the pack was made; '
    || 'not used for "data as of" (check the export''s time zone)',
    count(*)
from (
    select greatest(opened_at, resolved_at, closed_at, updated_at) as t
    from incidents where customer = $customer
    union all
    select greatest(start_at, end_at) from outages where customer = $customer
    union all
    select submitted_at from surveys where customer = $customer
)
where t > $now
having count(*) > 0
order by 1, 2
