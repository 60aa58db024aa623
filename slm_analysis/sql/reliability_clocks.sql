-- MTTA, MTTR and reopen rate per reliability target version, month (or ISO week) and service,
-- from the clocks of temp table clock_results (ticket_clock.sql), so that "responded" and
-- "resolved" mean exactly what they mean for response and resolution targets: the clock's
-- start and stop rules (clock_stops.sql), pauses, reopen rule and calendar all apply.
-- clock_targets.measure names the reliability metric of a row ('mtta', 'mttr',
-- 'reopen_rate'); ticket targets (measure null) are left out.
--   stopped clock   = one that counts (counted_at, its stop: these clocks have no threshold,
--                     so a running one never counts); it counts in the month (week) of
--                     counted_at in its agreement's zone (for reopen: largest_span, when
--                     its last cycle stopped):  n = their number, elapsed = their business elapsed
--                     seconds (ascending), total_s = Σ elapsed.  mean = total_s / n.
--   running clock   = still running at $as_of: never in a mean; counted as `open` in the month
--                     (week) the incident was opened in.
--   reopened        = a stopped clock of an incident whose export says reopen_count > 0, or
--                     whose state history (up to $as_of) enters an active state (no role, or an
--                     initial one) after its first entry into a resolved state.
--   reopen rate     = reopened / n × 100.
with rel as (
    select target_key, measure, zone, profile
    from clock_targets
    where measure is not null
),
history as (
    select
        s.source,
        s.number,
        p.profile,
        min(epoch(s.start_at)) filter (where r.role = 'resolved') as first_resolved,
        max(epoch(s.start_at)) filter (where r.role is null or r.role = 'initial')
            as last_active
    from incident_states as s
    cross join (select distinct profile from rel where measure = 'reopen_rate') as p
    left join clock_state_roles as r on r.profile = p.profile and r.state = s.state
    where s.start_at <= to_timestamp($as_of)
    group by all
),
clocks as (
    select
        c.target_key,
        i.service,
        c.counted_at is null as running,
        c.business_elapsed,
        case when $unit = 'week' then strftime(timezone(t.zone, c.counted_at), '%G-W%V')
            else strftime(timezone(t.zone, c.counted_at), '%Y-%m') end as stop_unit,
        case when $unit = 'week' then strftime(timezone(t.zone, i.opened_at), '%G-W%V')
            else strftime(timezone(t.zone, i.opened_at), '%Y-%m') end as open_unit,
        t.measure = 'reopen_rate'
            and (coalesce(i.reopen_count, 0) > 0 or h.first_resolved < h.last_active) is true
            as reopened
    from clock_results as c
    join rel as t using (target_key)
    join incidents as i on i.source = c.source and i.number = c.number
    left join history as h
        on h.source = c.source and h.number = c.number and h.profile = t.profile
)
select
    target_key,
    case when running then open_unit else stop_unit end as unit,
    service,
    count(*) filter (where not running) as n,
    coalesce(
        list(business_elapsed order by business_elapsed) filter (where not running),
        []
    ) as elapsed,
    coalesce(sum(business_elapsed) filter (where not running), 0) as total_s,
    count(*) filter (where running) as open,
    count(*) filter (where reopened and not running) as reopened
from clocks
group by all
order by target_key, unit, service
