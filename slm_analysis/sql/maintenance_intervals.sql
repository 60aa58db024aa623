-- Planned windows per service from the warehouse: loaded change windows and planned outages of
-- the customer ($customer) or of no customer — another customer's planned work on a shared
-- service never excuses this customer's downtime or pauses its clocks. Each with its epoch
-- seconds [s, e), its record's id and title, and where it comes from.
select
    service,
    epoch(start_at)::bigint as s,
    epoch(end_at)::bigint as e,
    window_id as ref,
    title,
    'change' as origin
from maintenance_windows
where list_contains($services, service) and coalesce(customer = $customer, true)
union all
select service, epoch(start_at)::bigint, epoch(end_at)::bigint, outage_id, title, 'planned outage'
from outages
where planned and end_at is not null and list_contains($services, service)
    and coalesce(customer = $customer, true)
