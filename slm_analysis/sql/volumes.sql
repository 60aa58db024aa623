-- Per priority: incidents opened and resolved in [ps, pe), backlog open at pe, majors opened.
-- An incident ended when it was resolved: resolved_at, else — as the ticket clocks read a
-- history (clock_stops.sql) — the first entry into one of $ended_states (the agreements'
-- resolved, closed and cancelled states) after its last active state (so a reopen is not an
-- end), else closed_at. A process log's tickets, which carry no resolved_at, leave the backlog
-- when their history says they ended; a terminal ticket with no time at all stays open here
-- (ticket targets list it as a data-quality finding).
with scope as (
    select *
    from incidents
    where customer = $customer
      and ($services is null or list_contains($services, service))
),
history as (
    select
        s.source,
        s.number,
        max(s.start_at) filter (where not list_contains($ended_states::varchar[], s.state))
            as last_active,
        list(s.start_at) filter (where list_contains($ended_states::varchar[], s.state)) as ends
    from incident_states as s
    semi join scope as i on i.source = s.source and i.number = s.number
    group by s.source, s.number
),
ended_entries as (
    select
        source,
        number,
        list_min(list_filter(ends, lambda x: last_active is null or x > last_active)) as ended_at
    from history
),
ended as (
    select i.*, coalesce(i.resolved_at, e.ended_at, i.closed_at) as ended_at
    from scope as i
    left join ended_entries as e on e.source = i.source and e.number = i.number
),
prios as (
    select distinct priority from scope
)
select
    p.priority,
    count(*) filter (where s.opened_at >= $ps and s.opened_at < $pe) as opened,
    count(*) filter (where s.ended_at >= $ps and s.ended_at < $pe) as resolved,
    count(*) filter (
        where s.opened_at < $pe and (s.ended_at is null or s.ended_at >= $pe)
    ) as backlog,
    count(*) filter (where s.major and s.opened_at >= $ps and s.opened_at < $pe) as major
from prios as p
left join ended as s using (priority)
group by p.priority
order by p.priority
