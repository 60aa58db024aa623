-- Data-quality notes for one customer: counts only, never another customer's values.
with used as (
    select distinct load_id from incidents where customer = $customer
    union select distinct load_id from outages where customer = $customer
    union select distinct load_id from surveys where customer = $customer
)
select 'rows quarantined' as issue, q.reason as detail, count(*) as rows
from quarantine as q
join used using (load_id)
group by q.reason
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
order by 1, 2
