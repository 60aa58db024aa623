-- Tickets counted and met per target version and period, from temp table clock_results: per
-- month ('2026-10') and per quarter ('2026-Q4', summed from its months).
with monthly as (
    select target_key, period as month, count(*) as n, count(*) filter (where met) as n_met
    from clock_results
    where period is not null
    group by target_key, period
)
select target_key, month as period, n, n_met
from monthly
union all
select
    target_key,
    left(month, 4) || '-Q' || ((month[6:7]::integer - 1) // 3 + 1) as period,
    sum(n)::bigint as n,
    sum(n_met)::bigint as n_met
from monthly
group by all
