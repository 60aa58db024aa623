-- Time-based availability per service over the open time of one calendar in [ps, pe):
-- elementary segments between every outage/maintenance boundary; each segment takes the
-- heaviest impact covering it (full = 1, partial = $partial_weight); segments inside planned
-- maintenance count neither as scheduled nor as down. Open time by as-of look-up on cal_open.
-- `monitored`: the customer's service has outage records at all (of any time); one with none has
-- no availability evidence, which is "no data", never 100 %.
with svc as (
    select unnest($services::varchar[]) as service
),
recorded as (
    select distinct o.service
    from outages as o
    join svc using (service)
    where o.customer = $customer
),
unplanned as (
    select
        o.service,
        greatest(epoch(o.start_at)::bigint, $ps) as s,
        least(coalesce(epoch(o.end_at)::bigint, $pe), $pe) as e,
        case when o.impact = 'partial' then $partial_weight else 1.0 end as weight
    from outages as o
    join svc using (service)
    where o.customer = $customer and not o.planned and o.impact <> 'none'
),
unplanned_in as (
    select * from unplanned where e > s
),
maint as (
    select m.service, greatest(m.s, $ps) as s, least(m.e, $pe) as e
    from avail_maintenance as m
    join svc using (service)
    where least(m.e, $pe) > greatest(m.s, $ps)
),
bounds as (
    select service, s as b from unplanned_in
    union select service, e from unplanned_in
    union select service, s from maint
    union select service, e from maint
),
elementary as (
    select service, b as s, lead(b) over (partition by service order by b) as e
    from bounds
),
weighted as (
    select
        el.service,
        el.s,
        el.e,
        coalesce(max(u.weight), 0) as weight,
        bool_or(m.service is not null) as in_maintenance
    from elementary as el
    left join unplanned_in as u on u.service = el.service and u.s <= el.s and u.e >= el.e
    left join maint as m on m.service = el.service and m.s <= el.s and m.e >= el.e
    where el.e is not null
    group by el.service, el.s, el.e
),
points as (
    select service, s as t from weighted
    union select service, e from weighted
    union select service, $ps from svc
    union select service, $pe from svc
),
f as (
    select
        p.service,
        p.t,
        coalesce(o.cum + least(greatest(p.t - o.s, 0), o.e - o.s), 0) as open_before
    from points as p
    asof left join (select * from cal_open where calendar = $calendar) as o on p.t >= o.s
),
segment_open as (
    select w.service, w.weight, w.in_maintenance, f1.open_before - f0.open_before as open_s
    from weighted as w
    join f as f0 on f0.service = w.service and f0.t = w.s
    join f as f1 on f1.service = w.service and f1.t = w.e
),
totals as (
    select
        service,
        coalesce(sum(open_s) filter (where in_maintenance), 0) as maintenance_s,
        coalesce(sum(open_s * weight) filter (where not in_maintenance), 0) as downtime_s
    from segment_open
    group by service
),
outage_counts as (
    select service, count(*) as outages
    from unplanned_in
    group by service
)
select
    s.service,
    (fe.open_before - fs.open_before) - coalesce(t.maintenance_s, 0) as scheduled_s,
    coalesce(t.maintenance_s, 0) as maintenance_s,
    coalesce(t.downtime_s, 0) as downtime_s,
    coalesce(c.outages, 0) as outages,
    r.service is not null as monitored
from svc as s
join f as fs on fs.service = s.service and fs.t = $ps
join f as fe on fe.service = s.service and fe.t = $pe
left join totals as t on t.service = s.service
left join outage_counts as c on c.service = s.service
left join recorded as r on r.service = s.service
order by s.service
