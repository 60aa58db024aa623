-- The services of $services whose outage feed for $customer is a status-page day table alone:
-- they have downtime_days rows and no unplanned outage record (a record with a start and an
-- end is the finer feed, and is measured instead). Services with checks are ruled out by the
-- caller (measures.availability: a catalogue `monitoring` block).
select distinct d.service
from downtime_days as d
where d.customer = $customer
    and list_contains($services::varchar[], d.service)
    and not exists (
        select 1
        from outages as o
        where o.customer = $customer and o.service = d.service and not o.planned
            and o.impact <> 'none'
    )
order by d.service
