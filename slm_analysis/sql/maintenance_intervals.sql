-- Planned windows per service from the warehouse: loaded change windows and planned outages of
-- the customer ($customer) or of no customer — another customer's planned work on a shared
-- service never excuses this customer's downtime or pauses its clocks.
select service, epoch(start_at)::bigint as s, epoch(end_at)::bigint as e
from maintenance_windows
where list_contains($services, service) and coalesce(customer = $customer, true)
union all
select service, epoch(start_at)::bigint, epoch(end_at)::bigint
from outages
where planned and end_at is not null and list_contains($services, service)
    and coalesce(customer = $customer, true)
