-- The incidents of one customer opened in [$ps, $pe), of one service or of all of them, as
-- loaded (one row per source and number), oldest first: the workbench's incident list
-- (workbench.Workbench.incidents). No maths; the clocks are in clock_details.sql.
-- Bound: $customer, $service (a service id, or null for every service), $ps, $pe (UTC instants).
select
    source,
    number,
    service,
    priority,
    state,
    short_description,
    opened_at,
    first_response_at,
    resolved_at,
    closed_at,
    category,
    assignment_group,
    assigned_to,
    major,
    reopen_count
from incidents
where customer = $customer
  and ($service is null or service = $service)
  and opened_at >= $ps and opened_at < $pe
order by opened_at, source, number
