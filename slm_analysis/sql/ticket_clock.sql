-- Business-hours ticket clock for every (target, incident): elapsed, paused, due, met.
-- Inputs (temp tables): clock_targets, clock_maintenance, cal_open(calendar, s, e, cum) with
-- epoch seconds. F(t) = open seconds before t = cum + clamp(t - s, 0, e - s) of the last
-- interval with s <= t (an as-of look-up); its inverse G(x) = s + (x - cum) of the last interval
-- with cum < x. With pauses p_i..r_i (merged, clipped to the clock) and PB_i the paused open
-- time before pause i, the clock reaches D inside the first unpaused stretch whose end p_i has
-- F(p_i) - F(t0) - PB_i >= D, at G(F(t0) + D + PB_i); after the last pause at
-- G(F(t0) + D + PB_total). Descriptive columns are joined later (clock_details) so that the
-- heavy part runs on narrow rows; k = incident rowid × 256 + target number is the row key.
-- Start and stop instants come from the view clock_stops (clock_stops.sql); a pair it drops
-- (cancelled, or a stop that cannot be known: measures.stop_findings lists those) is left
-- out. counted_at is the instant the clock counts at: its stop, or the breach of a running
-- clock that has breached.
with base_matched as (
    select * exclude (state, opened_at, dropped, stop_unknown, why)
    from clock_stops
    where opened_at <= to_timestamp($as_of) and dropped = 0
),
base as (
    select
        * exclude (map_pos, map_calendars, map_thresholds, calendar, threshold_s),
        -- follow-the-sun: the calendar (and the threshold, when days are working days of it)
        -- chosen by a field of the incident, else the target's
        coalesce(map_calendars[map_pos], calendar) as calendar,
        coalesce(map_thresholds[map_pos], threshold_s) as threshold_s
    from base_matched
),
-- resolution periods that a reopen ended (reopen cycles), for resolution targets: resolved
-- states left for an active state (ended at or before the last entry into one) before the
-- final resolution
reopen_spans as (
    select b.k, b.reopen, epoch(s.start_at)::bigint as r0, epoch(s.end_at)::bigint as r1
    from base as b
    join (
        select * from incident_states
        where state in (select unnest(resolved_states) from clock_targets)
    ) as s on s.source = b.source and s.number = b.number
    join clock_targets as t on t.target_no = b.target_no
    where b.metric = 'resolution_time'
        and list_contains(t.resolved_states, s.state)
        and s.end_at is not null
        and epoch(s.end_at) <= b.last_active
        and epoch(s.end_at) <= coalesce(b.final_resolved, $as_of)
),
cycles as (
    select k, min(r0) as first_resolved, max(r1) as last_reopened
    from reopen_spans
    group by k
),
inc as (
    select
        b.*,
        case
            when b.metric = 'response_time' then b.opened
            when b.reopen = 'last' and c.last_reopened is not null then c.last_reopened
            when b.resolution_start = 'first_response' then coalesce(b.responded, b.opened)
            else b.opened
        end as t0,
        case
            when b.metric = 'response_time' then b.responded
            when b.reopen = 'first' then coalesce(c.first_resolved, b.resolved)
            else b.resolved
        end as t_stop
    from base as b
    left join cycles as c using (k)
),
-- largest_span: each cycle of a reopened incident is a clock of its own (the largest is kept at
-- the end). Cycle 0 runs from the start to the first resolution, cycle j from the j-th reopen
-- to the next resolution. k becomes the cycle key; clock_key stays the incident-target key.
cycle_edges as (
    select
        k,
        row_number() over (partition by k order by r0) as j,
        r1 as cycle_start,
        lead(r0) over (partition by k order by r0) as cycle_stop
    from reopen_spans
    where reopen = 'largest_span'
    union all
    select k, 0, null, min(r0)
    from reopen_spans
    where reopen = 'largest_span'
    group by k
),
inc_cycles as (
    select
        i.* replace (
            i.k * 64 + coalesce(e.j, 0) as k,
            case when e.j > 0 then e.cycle_start else i.t0 end as t0,
            case when e.j is null then i.t_stop else coalesce(e.cycle_stop, i.t_stop) end
                as t_stop
        ),
        i.k as clock_key
    from inc as i
    left join cycle_edges as e on e.k = i.k
),
clocked as (
    select
        *,
        t_stop is null or t_stop > $as_of as running,
        greatest(least(coalesce(t_stop, $as_of), $as_of), t0) as t_end
    from inc_cycles
),
pause_raw as (
    select
        c.k,
        c.calendar,
        greatest(epoch(s.start_at)::bigint, c.t0) as p0,
        least(coalesce(epoch(s.end_at)::bigint, $as_of), c.t_end) as p1
    from clocked as c
    join (
        select * from incident_states
        where state in (select unnest(pause_states) from clock_targets)
    ) as s on s.source = c.source and s.number = c.number
    join clock_targets as t on t.target_no = c.target_no
    where list_contains(t.pause_states, s.state)
    union all
    select c.k, c.calendar, greatest(m.s, c.t0), least(m.e, c.t_end)
    from clocked as c
    join clock_maintenance as m on m.service = c.service
    where c.exclude_maintenance and m.e > c.t0 and m.s < c.t_end
    union all
    select c.k, c.calendar, greatest(r.r0, c.t0), least(r.r1, c.t_end)
    from clocked as c
    join reopen_spans as r on r.k = c.clock_key
    where c.reopen = 'all'
),
pause_marked as (
    select
        *,
        max(p1) over (
            partition by k order by p0, p1 rows between unbounded preceding and 1 preceding
        ) as prev_end
    from pause_raw
    where p1 > p0
),
pause_islands as (
    select
        *,
        sum(case when prev_end >= p0 then 0 else 1 end) over (
            partition by k order by p0, p1
        ) as island
    from pause_marked
),
pauses as (
    select k, calendar, min(p0) as p0, max(p1) as p1
    from pause_islands
    group by k, calendar, island
),
pause_f0 as (
    select p.k, p.p0, p.p1, p.calendar,
        coalesce(o.cum + least(greatest(p.p0 - o.s, 0), o.e - o.s), 0) as f_p0
    from pauses as p
    asof left join cal_open as o on o.calendar = p.calendar and p.p0 >= o.s
),
pause_f as (
    select p.k, p.p0, p.p1, p.f_p0,
        coalesce(o.cum + least(greatest(p.p1 - o.s, 0), o.e - o.s), 0) as f_p1
    from pause_f0 as p
    asof left join cal_open as o on o.calendar = p.calendar and p.p1 >= o.s
),
pause_prefix as (
    select
        *,
        coalesce(sum(f_p1 - f_p0) over (
            partition by k order by p0 rows between unbounded preceding and 1 preceding
        ), 0) as pb_before
    from pause_f
),
-- as-of look-ups run on narrow (key, instant) rows and are joined back by key: sorting the
-- wide incident rows for each look-up would cost more than the look-ups themselves
clock_points as (
    select k, calendar, false as is_end, t0 as t from clocked
    union all
    select k, calendar, true, t_end from clocked
),
clock_points_f as (
    select p.k, p.is_end, coalesce(o.cum + least(greatest(p.t - o.s, 0), o.e - o.s), 0) as f
    from clock_points as p
    asof left join cal_open as o on o.calendar = p.calendar and p.t >= o.s
),
clock_f as (
    select c.*, f.f_t0, f.f_end
    from clocked as c
    join (
        select
            k,
            max(f) filter (where not is_end) as f_t0,
            max(f) filter (where is_end) as f_end
        from clock_points_f
        group by k
    ) as f using (k)
),
paused as (
    select
        p.k,
        sum(p.f_p1 - p.f_p0) as paused_business,
        sum(p.p1 - p.p0) as paused_wall,
        min(p.pb_before) filter (
            where p.f_p0 - c.f_t0 - p.pb_before >= c.threshold_s
        ) as pb_at_due
    from pause_prefix as p
    join clock_f as c using (k)
    group by p.k
),
measured as (
    select
        c.*,
        c.f_end - c.f_t0 - coalesce(pz.paused_business, 0) as business_elapsed,
        c.f_end - c.f_t0 as open_elapsed,
        coalesce(pz.paused_business, 0) as paused_business,
        coalesce(pz.paused_wall, 0) as paused_wall,
        (c.f_t0 + c.threshold_s + coalesce(pz.pb_at_due, pz.paused_business, 0))::bigint
            as x_due
    from clock_f as c
    left join paused as pz using (k)
),
due_lookup as (
    select
        m.k,
        case when m.x_due <= o.cum + (o.e - o.s) then o.s + (m.x_due - o.cum) end as due_at
    from (select k, calendar, x_due from measured) as m
    asof left join cal_open as o on o.calendar = m.calendar and m.x_due > o.cum
),
due as (
    select m.*, d.due_at from measured as m join due_lookup as d using (k)
),
judged as (
    select
        *,
        business_elapsed > threshold_s as breached,
        case
            when not running then t_stop
            when business_elapsed > threshold_s then due_at
        end as counted_at
    from due
),
-- largest_span keeps the cycle with the most business time; the incident counts when its last
-- cycle stops (or, while one still runs, when the kept cycle breached)
chosen as (
    select * from judged
    where reopen <> 'largest_span' or metric <> 'resolution_time'
    union all
    select * replace (
        case
            when bool_or(running) over cycles then case when breached then due_at end
            else max(t_stop) over cycles
        end as counted_at
    )
    from judged
    where reopen = 'largest_span' and metric = 'resolution_time'
    window cycles as (partition by clock_key)
    qualify row_number() over (partition by clock_key order by business_elapsed desc, t0) = 1
)
select
    target_key,
    source,
    number,
    calendar,
    t_end,
    to_timestamp(t0) as start_at,
    to_timestamp(t_stop) as stop_at,
    running,
    business_elapsed,
    t_end - t0 - paused_wall as actual_elapsed,
    open_elapsed,
    paused_business,
    paused_wall,
    (t_end - t0) - open_elapsed as closed_elapsed,
    threshold_s,
    to_timestamp(due_at) as due_at,
    not breached as met,
    case when breached then to_timestamp(due_at) end as breached_at,
    round(100.0 * business_elapsed / threshold_s, 2) as pct_used,
    -- the instant the clock counts at (its stop, or its breach while running), and its month
    -- in the agreement's zone; periods of any kind are counted from counted_at
    to_timestamp(counted_at) as counted_at,
    strftime(timezone(zone, to_timestamp(counted_at)), '%Y-%m') as period
from chosen
