-- Business-hours ticket clock for every (target, incident): elapsed, paused, due, met.
-- Inputs (temp tables): clock_targets, cal_open(calendar, s, e, cum) in epoch seconds.
-- F(t) = open seconds before t = cum + clamp(t - s, 0, e - s) of the last interval with s <= t;
-- its inverse G(x) = s + (x - cum) of the last interval with cum < x. Two as-of look-ups each.
with first_moves as (
    select source, number, min(start_at) as first_move
    from incident_states
    where state not in ('New', 'Open', 'Draft')
    group by source, number
),
inc as (
    select
        t.target_key,
        t.calendar,
        t.threshold_s,
        t.zone,
        t.period_unit,
        i.source,
        i.number,
        i.service,
        i.priority,
        i.short_description,
        i.major,
        epoch(i.opened_at)::bigint as t0,
        epoch(case
            when t.metric = 'response_time' then
                coalesce(i.first_response_at, fm.first_move, i.resolved_at)
            else i.resolved_at
        end)::bigint as t_stop
    from incidents as i
    join clock_targets as t
        on i.customer = t.customer
        and list_contains(t.services, i.service)
        and (t.priorities is null or list_contains(t.priorities, i.priority))
    left join first_moves as fm on fm.source = i.source and fm.number = i.number
    where i.opened_at <= to_timestamp($as_of)
),
clocked as (
    select
        *,
        t_stop is null or t_stop > $as_of as running,
        greatest(least(coalesce(t_stop, $as_of), $as_of), t0) as t_end
    from inc
),
pause_raw as (
    select
        c.target_key, c.source, c.number, c.calendar,
        greatest(epoch(s.start_at)::bigint, c.t0) as p0,
        least(coalesce(epoch(s.end_at)::bigint, $as_of), c.t_end) as p1
    from clocked as c
    join clock_targets as t using (target_key)
    join incident_states as s on s.source = c.source and s.number = c.number
    where list_contains(t.pause_states, s.state)
    union all
    select
        c.target_key, c.source, c.number, c.calendar,
        greatest(m.s, c.t0), least(m.e, c.t_end)
    from clocked as c
    join clock_targets as t using (target_key)
    join clock_maintenance as m on m.service = c.service
    where t.exclude_maintenance
),
pause_marked as (
    select
        *,
        max(p1) over (
            partition by target_key, source, number order by p0, p1
            rows between unbounded preceding and 1 preceding
        ) as prev_end
    from pause_raw
    where p1 > p0
),
pause_islands as (
    select
        *,
        sum(case when prev_end >= p0 then 0 else 1 end) over (
            partition by target_key, source, number order by p0, p1
        ) as island
    from pause_marked
),
pauses as (
    select target_key, source, number, calendar, min(p0) as p0, max(p1) as p1
    from pause_islands
    group by target_key, source, number, calendar, island
),
-- unpaused segments [u0, u1): from the start to the first pause, between pauses, after the last
segments as (
    select
        target_key, source, number, calendar,
        coalesce(lag(p1) over w, any_value(t0) over w) as u0,
        p0 as u1
    from (
        select p.*, c.t0 from pauses as p join clocked as c using (target_key, source, number)
    )
    window w as (partition by target_key, source, number order by p0)
    union all
    select
        c.target_key, c.source, c.number, c.calendar,
        coalesce(max(p.p1), c.t0) as u0,
        null as u1
    from clocked as c
    left join pauses as p using (target_key, source, number)
    group by c.target_key, c.source, c.number, c.calendar, c.t0
),
points as (
    select target_key, source, number, calendar, 't0' as role, t0 as t from clocked
    union all select target_key, source, number, calendar, 't_end', t_end from clocked
    union all select target_key, source, number, calendar, 'p0', p0 from pauses
    union all select target_key, source, number, calendar, 'p1', p1 from pauses
    union all select target_key, source, number, calendar, 'u0', u0 from segments
    union all
    select target_key, source, number, calendar, 'u1', u1 from segments where u1 is not null
),
f as (
    select
        p.*,
        coalesce(o.cum + least(greatest(p.t - o.s, 0), o.e - o.s), 0) as open_before
    from points as p
    asof left join cal_open as o on o.calendar = p.calendar and p.t >= o.s
),
paused as (
    select
        p.target_key, p.source, p.number,
        sum(f1.open_before - f0.open_before) as paused_business,
        sum(p.p1 - p.p0) as paused_wall
    from pauses as p
    join f as f0 using (target_key, source, number)
    join f as f1 using (target_key, source, number)
    where f0.role = 'p0' and f0.t = p.p0 and f1.role = 'p1' and f1.t = p.p1
    group by p.target_key, p.source, p.number
),
seg_business as (
    select
        s.target_key, s.source, s.number, s.calendar, s.u0, s.u1,
        f0.open_before as f_u0,
        case when s.u1 is null then null else f1.open_before - f0.open_before end as b
    from segments as s
    join f as f0
        on f0.target_key = s.target_key and f0.source = s.source and f0.number = s.number
        and f0.role = 'u0' and f0.t = s.u0
    left join f as f1
        on f1.target_key = s.target_key and f1.source = s.source and f1.number = s.number
        and f1.role = 'u1' and f1.t = s.u1
),
seg_cum as (
    select
        *,
        coalesce(sum(b) over (
            partition by target_key, source, number order by u0
            rows between unbounded preceding and 1 preceding
        ), 0) as before_seg
    from seg_business
),
due_seg as (
    select
        s.target_key, s.source, s.number, s.calendar,
        s.f_u0 + c.threshold_s - s.before_seg as x
    from seg_cum as s
    join clock_targets as c using (target_key)
    where s.before_seg < c.threshold_s and (s.b is null or s.before_seg + s.b >= c.threshold_s)
    qualify row_number() over (partition by s.target_key, s.source, s.number order by s.u0) = 1
),
due as (
    select
        d.target_key, d.source, d.number,
        case when d.x <= o.cum + (o.e - o.s) then o.s + (d.x - o.cum) end as due_at
    from due_seg as d
    asof left join cal_open as o on o.calendar = d.calendar and d.x > o.cum
),
measured as (
    select
        c.*,
        f1.open_before - f0.open_before - coalesce(pz.paused_business, 0) as business_elapsed,
        c.t_end - c.t0 - coalesce(pz.paused_wall, 0) as actual_elapsed,
        f1.open_before - f0.open_before as open_elapsed,
        coalesce(pz.paused_business, 0) as paused_business,
        coalesce(pz.paused_wall, 0) as paused_wall,
        d.due_at
    from clocked as c
    join f as f0 using (target_key, source, number)
    join f as f1 using (target_key, source, number)
    left join paused as pz using (target_key, source, number)
    left join due as d using (target_key, source, number)
    where f0.role = 't0' and f0.t = c.t0 and f1.role = 't_end' and f1.t = c.t_end
),
judged as (
    select
        *,
        business_elapsed > threshold_s as breached,
        case
            when not running then t_stop
            when business_elapsed > threshold_s then due_at
        end as counted_at
    from measured
)
select
    target_key,
    source,
    number,
    service,
    priority,
    short_description,
    major,
    to_timestamp(t0) as start_at,
    to_timestamp(t_stop) as stop_at,
    running,
    business_elapsed,
    actual_elapsed,
    open_elapsed,
    paused_business,
    paused_wall,
    (t_end - t0) - open_elapsed as closed_elapsed,
    threshold_s,
    to_timestamp(due_at) as due_at,
    not breached as met,
    case when breached then to_timestamp(due_at) end as breached_at,
    round(100.0 * business_elapsed / threshold_s, 2) as pct_used,
    case
        when counted_at is null then null
        when period_unit = 'quarter' then
            strftime(timezone(zone, to_timestamp(counted_at)), '%Y')
            || '-Q' || quarter(timezone(zone, to_timestamp(counted_at)))
        else strftime(timezone(zone, to_timestamp(counted_at)), '%Y-%m')
    end as period
from judged
order by target_key, start_at, number
