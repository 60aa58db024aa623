-- Records no target can count, per table: no_customer = rows no mapping rule (and no
-- --customer) gave a customer; no_service = rows with a customer but no service (ticket,
-- outage and check measures select by service). Surveys have no service column here: a
-- satisfaction target counts its customer's responses.
select 'incidents' as table_name,
       count(*) filter (where customer is null) as no_customer,
       count(*) filter (where customer is not null and service is null) as no_service
from incidents
union all
select 'outages', count(*) filter (where customer is null),
       count(*) filter (where customer is not null and service is null)
from outages
union all
select 'checks', count(*) filter (where customer is null),
       count(*) filter (where customer is not null and service is null)
from checks
union all
select 'surveys', count(*) filter (where customer is null), 0
from surveys
