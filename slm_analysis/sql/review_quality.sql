-- Data-quality notes for one customer, from its own rows only: counts, never another
-- customer's values (a quarantined record counts for the customer its fields map to). Records
-- with an instant after $now (the time the pack is made) are counted as a finding.
select
    'rows quarantined' as issue,
    -- the column and the reason's first clause (the full text, with the layouts tried, is in
    -- `slm quarantine`)
    coalesce(q.column_name || ': ', '') || split_part(q.reason, ';', 1) as detail,
    count(*) as rows
from quarantine as q
where q.customer = $customer
group by all
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
