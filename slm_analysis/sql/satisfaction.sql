-- Survey responses in [ps, pe) for the customer's services (or unmapped to a service): how
-- many, their mean score, how many at or above $satisfied_from, and the scores themselves in
-- the order submitted (what a forecast of the mean resamples).
select
    count(*) as responses,
    avg(score) as mean_score,
    count(*) filter (where score >= $satisfied_from) as satisfied,
    coalesce(list(score order by submitted_at, score), []) as scores
from surveys
where customer = $customer
  and (service is null or list_contains($services, service))
  and submitted_at >= $ps and submitted_at < $pe
