-- Tickets counted and met per target version and period, from temp table clock_results.
select target_key, period, count(*) as n, count(*) filter (where met) as n_met
from clock_results
where period is not null
group by target_key, period
