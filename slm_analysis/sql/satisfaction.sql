-- Survey responses in [ps, pe) for the customer's services (or unmapped to a service).
select
    count(*) as responses,
    avg(score) as mean_score,
    count(*) filter (where score >= $satisfied_from) as satisfied
from surveys
where customer = $customer
  and (service is null or list_contains($services, service))
  and submitted_at >= $ps and submitted_at < $pe
