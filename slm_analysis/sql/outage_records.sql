-- The recorded outages of $customer's services ($services) that overlap [$start, $stop): every
-- impact, planned or not, as the outage list shows them. One still open (no end) runs to $stop.
select
    service,
    source,
    outage_id,
    title,
    task,
    impact,
    planned,
    start_at,
    end_at
from outages
where customer = $customer
    and list_contains($services::varchar[], service)
    and start_at < $stop::timestamptz
    and coalesce(end_at, $stop::timestamptz) > $start::timestamptz
order by service, start_at, source, outage_id
