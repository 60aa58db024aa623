-- Where each service's availability is measured from ($services, of $customer): the outage
-- records loaded for it — how many unplanned ones, and the sources they came from — and the
-- checks whose results are mapped to it. One row per service of $services, in their order.
with records as (
    select
        service,
        count(*) filter (where not planned) as outage_records,
        list(distinct source order by source) as outage_sources
    from outages
    where customer = $customer and list_contains($services, service)
    group by service
),
probes as (
    select service, list(distinct check_name order by check_name) as checks
    from checks
    where customer = $customer and list_contains($services, service)
    group by service
)
select
    s.service,
    coalesce(r.outage_records, 0) as outage_records,
    coalesce(r.outage_sources, []) as outage_sources,
    coalesce(p.checks, []) as checks
from unnest($services) with ordinality as s(service, n)
left join records as r using (service)
left join probes as p using (service)
order by s.n
