-- Rows per customer (and, for incidents, outages and checks, per service) in the tables `slm check`
-- judges coverage by, for every customer at once: one pass over each table instead of one query per customer.
select 'incidents' as table_name, customer, service, count(*) as rows
from incidents
where customer is not null
group by all
union all
select 'surveys', customer, null, count(*)
from surveys
where customer is not null
group by all
union all
select 'outages', customer, service, count(*)
from outages
where customer is not null
group by all
union all
select 'checks', customer, service, count(*)
from checks
where customer is not null
group by all
