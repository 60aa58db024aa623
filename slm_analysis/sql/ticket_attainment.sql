-- Tickets counted and met per target version and period, from temp table clock_results: per
-- month ('2026-10') and per quarter ('2026-Q4').
with counted as (
    select target_key, period as month, met
    from clock_results
    where period is not null
)
select target_key, month as period, count(*) as n, count(*) filter (where met) as n_met
from counted
group by target_key, month
union all
select
    target_key,
    left(month, 4) || '-Q' || ((month[6:7]::integer - 1) // 3 + 1) as period,
    count(*) as n,
    count(*) filter (where met) as n_met
from counted
group by all
