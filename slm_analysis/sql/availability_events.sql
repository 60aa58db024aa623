-- Event-based availability (occurrences) per period and service, from polled check results:
--   valid = the check results r of the service with t_r in counted time C
--   good  = those with ok_r and, when $latency_ms is given, latency_ms_r ≤ $latency_ms
--           (a result without a latency is then not good: unknown is not fast)
--   SLI   = good / valid (computed by the caller; no valid result = no data)
-- Counted time C of a (period, service) is given as intervals [c_s, c_e) in epoch
-- microseconds (parallel lists $c_period, $c_service, $c_s, $c_e): the open time of the target's
-- calendar in the period up to the as-of instant, minus the service's planned maintenance, from
-- its monitored_since day (check_availability.counted_time). Only polled streams count: a
-- status-change row is a change of state, not a check run. Results at or after $as_of are not
-- known yet. $g_period, $g_service list every (period, service) to report, also with none.
-- Placement is an equi-join on (service, UTC day) followed by the interval test, so no
-- result is compared with more than the few intervals of its own day.
with counted as (
    select
        unnest($c_period::integer[]) as pid,
        unnest($c_service::integer[]) as sid,
        unnest($c_s::bigint[]) as s,
        unnest($c_e::bigint[]) as e
),
counted_days as (
    select pid, sid, s, e, unnest(generate_series(s // 86400000000, (e - 1) // 86400000000)) as d
    from counted
),
services as (
    select unnest($services::varchar[]) as service, unnest($sids::integer[]) as sid
),
results as (
    select v.sid, epoch_us(c.checked_at) as t, c.ok, c.latency_ms
    from checks as c
    join services as v using (service)
    where c.customer = $customer
        and c.stream = 'polled'
        and c.checked_at < $as_of::timestamptz
        and c.checked_at >= $first::timestamptz
        and c.checked_at < $last::timestamptz
),
placed as (
    select c.pid, c.sid, r.ok, r.latency_ms
    from results as r
    join counted_days as c on c.sid = r.sid and c.d = r.t // 86400000000
    where r.t >= c.s and r.t < c.e
),
totals as (
    select
        pid,
        sid,
        count(*) as valid,
        count(*) filter (
            where ok and ($latency_ms::double is null or latency_ms <= $latency_ms::double)
        ) as good,
        count(*) filter (where not ok) as failed
    from placed
    group by pid, sid
),
grid as (
    select
        unnest($g_pid::integer[]) as pid,
        unnest($g_sid::integer[]) as sid,
        unnest($g_period::varchar[]) as period,
        unnest($g_service::varchar[]) as service
)
select
    g.period,
    g.service,
    coalesce(t.valid, 0) as valid,
    coalesce(t.good, 0) as good,
    coalesce(t.failed, 0) as failed,
    coalesce(t.valid - t.good - t.failed, 0) as slow
from grid as g
left join totals as t using (pid, sid)
order by g.period, g.service
