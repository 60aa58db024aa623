-- The survey responses of one customer submitted in [$ps, $pe) about its services $services
-- (or mapped to no service, as satisfaction.sql counts them), each with the priority of the
-- incident it rates (surveys.incident_number = incidents.number of the same customer; null
-- when it rates none or an unknown one). The pack's satisfaction detail
-- (satisfaction.satisfaction_detail) aggregates these rows: score distribution, means by
-- service and priority, response rate, and the latest comments.
-- Bound: $customer, $services (service ids), $ps, $pe (UTC instants).
with rated as (
    select number, any_value(priority) as priority
    from incidents
    where customer = $customer
    group by number
)
select
    s.response_id,
    s.submitted_at,
    s.service,
    r.priority,
    s.score,
    s.scale,
    nullif(trim(s.comment), '') as comment
from surveys as s
left join rated as r on r.number = s.incident_number
where s.customer = $customer
  and (s.service is null or list_contains($services, s.service))
  and s.submitted_at >= $ps and s.submitted_at < $pe
order by s.submitted_at, s.response_id
