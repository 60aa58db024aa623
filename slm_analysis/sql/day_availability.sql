-- 24x7 availability per window [ps, pe) and service from a status page's day table
-- (downtime_days), all instants epoch seconds, with the same columns as availability.sql (the
-- windows are its parallel lists $win_ps, $win_pe; `window` is a row's 0-based place in them)
-- plus `misaligned`. Every partition below is (k, service).
-- A day table gives, per local day [s, e), the minutes in partial (P) and major (M) outage —
-- not when in the day — so only whole days can be measured, and only over a calendar that is
-- open all day (the caller refuses any other). The feed covers the service from its first
-- day; the covered window is [ws, we) = [max(ps, first day), min(pe, $as_of)) (ws ≤ we).
--   counted day   : a row with ws ≤ s and e ≤ we (whole, in the period, ended by the as-of)
--   maintenance   : the planned windows ($m_service, $m_s, $m_e), clipped to [ps, pe), merged
--   per day       : scheduled = (e − s) − maintenance in it
--                   down      = min(60 × (M + $partial_weight × P), scheduled) — a status
--                   page counts maintenance apart, so its downtime lies outside maintenance
--   no_data_s     = the window's time no counted day holds (days without a row, a day still
--                   running at the as-of), less the maintenance in it; counted by $no_data
--                   like a monitoring gap (exclude: neither scheduled nor down; up; down)
--   period_scheduled_s = (pe − ps) − maintenance in [ps, pe)
--   scheduled_s   = Σ per-day scheduled (+ no_data_s unless exclude)
--   downtime_s    = Σ per-day down (+ no_data_s when down)
--   outages       = the counted days with any downtime (a day table counts no outages)
--   misaligned    : a row straddles ps or pe — the table's days are not the period's days
--                   (loaded in another zone): the caller reports why instead of a number.
with wins as (
    select
        unnest($win_ps::bigint[]) as ps,
        unnest($win_pe::bigint[]) as pe,
        unnest(range(len($win_ps::bigint[]))) as k
),
services as (
    select unnest($services::varchar[]) as service
),
svc as (
    select k, ps, pe, service from wins cross join services
),
maint_given as (
    select
        unnest($m_service::varchar[]) as service,
        unnest($m_s::bigint[]) as s,
        unnest($m_e::bigint[]) as e
),
maint as (
    select v.k, m.service, greatest(m.s, v.ps) as s, least(m.e, v.pe) as e
    from maint_given as m
    join svc as v using (service)
    where least(m.e, v.pe) > greatest(m.s, v.ps)
),
maint_runs as (
    select
        *,
        max(e) over (
            partition by k, service order by s, e
            rows between unbounded preceding and 1 preceding
        ) as reach
    from maint
),
maint_islands as (
    select
        *,
        sum(case when reach >= s then 0 else 1 end) over (
            partition by k, service order by s, e
            rows between unbounded preceding and current row
        ) as island
    from maint_runs
),
merged as (
    select k, service, min(s) as s, max(e) as e
    from maint_islands
    group by k, service, island
),
days as (
    select
        d.service,
        epoch(d.start_at)::bigint as s,
        epoch(d.end_at)::bigint as e,
        d.partial_minutes,
        d.major_minutes
    from downtime_days as d
    join services using (service)
    where d.customer = $customer
),
first_days as (
    select service, min(s) as first_s from days group by service
),
straddling as (
    select v.k, v.service
    from svc as v
    join days as d using (service)
    where (d.s < v.ps and d.e > v.ps) or (d.s < v.pe and d.e > v.pe)
    group by v.k, v.service
),
win as (
    select
        v.k,
        v.ps,
        v.pe,
        v.service,
        f.first_s,
        x.k is not null as misaligned,
        least(greatest(coalesce(f.first_s, v.pe), v.ps), v.pe) as ws
    from svc as v
    left join first_days as f using (service)
    left join straddling as x using (k, service)
),
window_bounds as (
    select *, greatest(ws, least($as_of, pe)) as we from win
),
counted as (
    select w.k, d.*
    from days as d
    join window_bounds as w using (service)
    where d.s >= w.ws and d.e <= w.we
),
day_maint as (
    select c.k, c.service, c.s, sum(least(c.e, m.e) - greatest(c.s, m.s)) as maint_s
    from counted as c
    join merged as m on m.k = c.k and m.service = c.service and m.s < c.e and m.e > c.s
    group by c.k, c.service, c.s
),
per_day as (
    select
        c.k,
        c.service,
        c.e - c.s as length_s,
        coalesce(dm.maint_s, 0) as maint_s,
        c.e - c.s - coalesce(dm.maint_s, 0) as sched_s,
        least(
            60 * (c.major_minutes + $partial_weight * c.partial_minutes),
            c.e - c.s - coalesce(dm.maint_s, 0)
        ) as down_s,
        c.partial_minutes + c.major_minutes > 0 as had_downtime
    from counted as c
    left join day_maint as dm using (k, service, s)
),
day_totals as (
    select
        k,
        service,
        sum(length_s) as length_s,
        sum(maint_s) as maint_s,
        sum(sched_s) as sched_s,
        sum(down_s) as down_s,
        count(*) filter (where had_downtime) as outages
    from per_day
    group by k, service
),
maint_totals as (
    select
        w.k,
        w.service,
        coalesce(sum(m.e - m.s), 0) as period_maint_s,
        -- least / greatest skip nulls: a service without maintenance sums nothing
        coalesce(
            sum(greatest(least(m.e, w.we) - greatest(m.s, w.ws), 0)) filter (where m.s is not null),
            0
        ) as window_maint_s
    from window_bounds as w
    left join merged as m using (k, service)
    group by w.k, w.service
),
measured as (
    select
        w.k,
        w.service,
        w.first_s,
        w.misaligned,
        (w.pe - w.ps) - mt.period_maint_s as period_scheduled_s,
        mt.window_maint_s as maintenance_s,
        (w.we - w.ws) - coalesce(t.length_s, 0) - (mt.window_maint_s - coalesce(t.maint_s, 0))
            as no_data_s,
        coalesce(t.sched_s, 0) as sched_s,
        coalesce(t.down_s, 0) as down_s,
        coalesce(t.outages, 0) as outages
    from window_bounds as w
    join maint_totals as mt using (k, service)
    left join day_totals as t using (k, service)
)
select
    k as window,
    service,
    period_scheduled_s,
    sched_s + case when $no_data = 'exclude' then 0 else no_data_s end as scheduled_s,
    maintenance_s,
    down_s + case when $no_data = 'down' then no_data_s else 0 end as downtime_s,
    outages,
    first_s is not null as monitored,
    to_timestamp(first_s) as covered_from,
    no_data_s,
    misaligned
from measured
order by k, service
