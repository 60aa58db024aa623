-- Tickets counted and met per target version and period, from temp table clock_results: a
-- ticket counts in the period that holds its counted_at instant (its stop, or its breach for a
-- running breached ticket) in its agreement's zone. Periods come as local [start, end) bounds,
-- so months, quarters, weeks and ranges (a rolling year) are all counted the same way.
with periods as (
    select
        unnest($labels::varchar[]) as period,
        unnest($starts::timestamp[]) as ps,
        unnest($ends::timestamp[]) as pe
),
counted as (
    select c.target_key, timezone(t.zone, c.counted_at) as local_at, c.met
    from clock_results as c
    join clock_targets as t using (target_key)
    where c.counted_at is not null
)
select c.target_key, p.period, count(*) as n, count(*) filter (where c.met) as n_met
from counted as c
join periods as p on c.local_at >= p.ps and c.local_at < p.pe
group by all
