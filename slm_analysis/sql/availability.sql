-- Time-based availability per window and service over the open time of one calendar, measured
-- only where the service's outage feed covers it: from `covered_from` (the catalogue's
-- monitored_since, else the service's first outage record — or, for a service whose outages
-- are inferred from checks, its first check result ($check_services, $first_check) if
-- earlier) until the data ends ($as_of). Time outside that window is neither up nor down; a service with no covered
-- time in the period has no data, which is never 100 %. ws / we are the covered window
-- clipped to the period.
-- Outages: the recorded unplanned ones, and for monitored services the down stretches inferred
-- from checks (parallel lists $inf_service, $inf_s, $inf_e; check_outages.sql), which are full
-- outages. The checks' no-data stretches ($gap_service, $gap_s, $gap_e) are "no data" where no
-- recorded outage covers them (a record is data), and count by the agreement's policy
-- $no_data: exclude = neither scheduled nor down, up = scheduled and up, down = a full outage.
-- Elementary segments between every outage / maintenance / no-data / window boundary; each
-- segment takes the heaviest impact covering it (full = 1, partial = $partial_weight); segments
-- inside planned maintenance count neither as scheduled nor as down (nor as no data). F(t) =
-- open time before t, by as-of look-up on avail_calendar (the calendar's cal_open intervals).
--   period_scheduled_s = F(pe) − F(ps) − maintenance open time in [ps, pe)
--   no_data_s          = open time of no-data, unmaintained segments in [ws, we)
--   scheduled_s        = F(we) − F(ws) − maintenance open time in [ws, we)
--                        − (no_data_s when $no_data = exclude)
--   downtime_s         = Σ weight × open time of measured, unmaintained segments in [ws, we)
--   outages            = recorded unplanned outages + inferred ones overlapping none of them
--   outages_carried    = those of them that began before ws (running when the measured window
--                        opened): over consecutive months, Σ outages − Σ outages_carried +
--                        the first month's outages_carried counts each outage once
-- Windows: parallel lists $win_ps, $win_pe (epoch seconds); every window is measured on its own
-- (row `k`, its 0-based place in the lists) from the same inputs, so a history of months is one
-- query. Every partition below is (k, service).
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
declared as (
    select unnest($since_services::varchar[]) as service, unnest($since::bigint[]) as since
),
recorded as (
    select o.service, min(epoch(o.start_at))::bigint as first_record
    from outages as o
    join services using (service)
    where o.customer = $customer
    group by o.service
),
checked as (
    select
        unnest($check_services::varchar[]) as service,
        unnest($first_check::bigint[]) as first_check
),
feed as (
    select
        s.k, s.ps, s.pe, s.service,
        coalesce(d.since, least(r.first_record, c.first_check)) as covered_from
    from svc as s
    left join declared as d using (service)
    left join recorded as r using (service)
    left join checked as c using (service)
),
win as (
    select k, ps, pe, service, covered_from, least(greatest(coalesce(covered_from, pe), ps), pe) as ws
    from feed
),
window_bounds as (
    select k, ps, pe, service, covered_from, ws, greatest(ws, least($as_of, pe)) as we
    from win
),
inferred as (
    select
        unnest($inf_service::varchar[]) as service,
        unnest($inf_s::bigint[]) as s0,
        unnest($inf_e::bigint[]) as e0
),
gaps as (
    select
        unnest($gap_service::varchar[]) as service,
        unnest($gap_s::bigint[]) as s0,
        unnest($gap_e::bigint[]) as e0
),
unplanned as (
    select
        w.k,
        o.service,
        greatest(epoch(o.start_at)::bigint, w.ws) as s,
        least(coalesce(epoch(o.end_at)::bigint, w.we), w.we) as e,
        case when o.impact = 'partial' then $partial_weight else 1.0 end as weight,
        epoch(o.start_at) < w.ws as carried
    from outages as o
    join window_bounds as w using (service)
    where o.customer = $customer and not o.planned and o.impact <> 'none'
        and epoch(o.start_at) < w.we and coalesce(epoch(o.end_at) > w.ws, true)
),
unplanned_in as (
    select * from unplanned where e > s
),
inferred_in as (
    select
        w.k, i.service, greatest(i.s0, w.ws) as s, least(i.e0, w.we) as e, i.s0 < w.ws as carried
    from inferred as i
    join window_bounds as w using (service)
    where least(i.e0, w.we) > greatest(i.s0, w.ws)
),
gaps_in as (
    select w.k, g.service, greatest(g.s0, w.ws) as s, least(g.e0, w.we) as e
    from gaps as g
    join window_bounds as w using (service)
    where least(g.e0, w.we) > greatest(g.s0, w.ws)
),
maint as (
    select v.k, m.service, greatest(m.s, v.ps) as s, least(m.e, v.pe) as e
    from avail_maintenance as m
    join svc as v using (service)
    where least(m.e, v.pe) > greatest(m.s, v.ps)
),
bounds as (
    select k, service, s as b from unplanned_in
    union select k, service, e from unplanned_in
    union select k, service, s from inferred_in
    union select k, service, e from inferred_in
    union select k, service, s from gaps_in
    union select k, service, e from gaps_in
    union select k, service, s from maint
    union select k, service, e from maint
    union select k, service, ws from window_bounds
    union select k, service, we from window_bounds
),
elementary as (
    select k, service, b as s, lead(b) over (partition by k, service order by b) as e
    from bounds
),
covering as (
    select
        el.k,
        el.service,
        el.s,
        el.e,
        coalesce(max(u.weight), 0) as recorded_weight,
        bool_or(i.service is not null) as inferred_down,
        bool_or(g.service is not null) as check_gap,
        bool_or(m.service is not null) as in_maintenance,
        el.s >= w.ws and el.e <= w.we as covered
    from elementary as el
    join window_bounds as w using (k, service)
    left join unplanned_in as u
        on u.k = el.k and u.service = el.service and u.s <= el.s and u.e >= el.e
    left join inferred_in as i
        on i.k = el.k and i.service = el.service and i.s <= el.s and i.e >= el.e
    left join gaps_in as g
        on g.k = el.k and g.service = el.service and g.s <= el.s and g.e >= el.e
    left join maint as m
        on m.k = el.k and m.service = el.service and m.s <= el.s and m.e >= el.e
    where el.e is not null
    group by el.k, el.service, el.s, el.e, w.ws, w.we
),
weighted as (
    select
        k, service, s, e, in_maintenance, covered,
        check_gap and recorded_weight = 0 as no_data,
        greatest(
            recorded_weight,
            case when inferred_down then 1.0 else 0 end,
            case when check_gap and $no_data = 'down' then 1.0 else 0 end
        ) as weight
    from covering
),
points as (
    select k, service, s as t from weighted
    union select k, service, e from weighted
    union select k, service, ps from svc
    union select k, service, pe from svc
    union select k, service, ws from window_bounds
    union select k, service, we from window_bounds
),
f as (
    select
        p.k,
        p.service,
        p.t,
        coalesce(o.cum + least(greatest(p.t - o.s, 0), o.e - o.s), 0) as open_before
    from points as p
    asof left join (select * from avail_calendar where calendar = $calendar) as o on p.t >= o.s
),
segment_open as (
    select
        w.k, w.service, w.weight, w.in_maintenance, w.covered, w.no_data,
        f1.open_before - f0.open_before as open_s
    from weighted as w
    join f as f0 on f0.k = w.k and f0.service = w.service and f0.t = w.s
    join f as f1 on f1.k = w.k and f1.service = w.service and f1.t = w.e
),
totals as (
    select
        k,
        service,
        coalesce(sum(open_s) filter (where in_maintenance), 0) as period_maintenance_s,
        coalesce(sum(open_s) filter (where in_maintenance and covered), 0) as maintenance_s,
        coalesce(sum(open_s) filter (where no_data and covered and not in_maintenance), 0)
            as no_data_s,
        coalesce(
            sum(open_s * weight) filter (
                where covered and not in_maintenance and not (no_data and $no_data = 'exclude')
            ),
            0
        ) as downtime_s
    from segment_open
    group by k, service
),
outage_counts as (
    select k, service, count(*) as outages, count(*) filter (where carried) as outages_carried
    from (
        select k, service, carried from unplanned_in
        union all
        select i.k, i.service, i.carried
        from inferred_in as i
        where not exists (
            select 1 from unplanned_in as u
            where u.k = i.k and u.service = i.service and u.s < i.e and u.e > i.s
        )
    )
    group by k, service
)
select
    w.k as window,
    w.service,
    (fpe.open_before - fps.open_before) - coalesce(t.period_maintenance_s, 0)
        as period_scheduled_s,
    (fwe.open_before - fws.open_before) - coalesce(t.maintenance_s, 0)
        - case when $no_data = 'exclude' then coalesce(t.no_data_s, 0) else 0 end
        as scheduled_s,
    coalesce(t.maintenance_s, 0) as maintenance_s,
    coalesce(t.downtime_s, 0) as downtime_s,
    coalesce(c.outages, 0) as outages,
    coalesce(c.outages_carried, 0) as outages_carried,
    w.covered_from is not null as monitored,
    to_timestamp(w.covered_from) as covered_from,
    coalesce(t.no_data_s, 0) as no_data_s
from window_bounds as w
join f as fps on fps.k = w.k and fps.service = w.service and fps.t = w.ps
join f as fpe on fpe.k = w.k and fpe.service = w.service and fpe.t = w.pe
join f as fws on fws.k = w.k and fws.service = w.service and fws.t = w.ws
join f as fwe on fwe.k = w.k and fwe.service = w.service and fwe.t = w.we
left join totals as t on t.k = w.k and t.service = w.service
left join outage_counts as c on c.k = w.k and c.service = w.service
order by w.k, w.service
