-- Tickets counted and met per target version and month or ISO week, from temp table
-- clock_results: a ticket counts in the month (week) that holds its counted_at instant (its
-- stop, or its breach for a running breached ticket) in its agreement's zone. The month is the
-- clock's `period`; the week label ('2026-W07') is derived only when $unit = 'week'. Periods of
-- any length are sums of these (measures.ticket_counts).
select
    c.target_key,
    case
        when $unit = 'week' then strftime(timezone(t.zone, c.counted_at), '%G-W%V')
        else c.period
    end as unit,
    count(*) as n,
    count(*) filter (where c.met) as n_met
from clock_results as c
join clock_targets as t using (target_key)
where c.counted_at is not null
group by all
