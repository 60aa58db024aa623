-- The clocks of temp table clock_results, explained: the incidents' descriptive columns, and
-- the closed time split into holidays (would-be-open time on holiday and closure dates, by an
-- as-of look-up on cal_holiday) and ordinary out-of-hours time. Only the clocks of ticket
-- targets: an MTTA, MTTR or reopen-rate target's clocks (clock_targets.measure) have no
-- threshold to breach.
with points as (
    select target_key, source, number, calendar, epoch(start_at)::bigint as t, false as is_end
    from clock_results
    union all
    select target_key, source, number, calendar, t_end, true
    from clock_results
),
holiday as (
    select
        p.target_key, p.source, p.number,
        max(coalesce(h.cum + least(greatest(p.t - h.s, 0), h.e - h.s), 0)) filter (where p.is_end)
        - max(coalesce(h.cum + least(greatest(p.t - h.s, 0), h.e - h.s), 0))
            filter (where not p.is_end) as holiday_elapsed
    from points as p
    asof left join cal_holiday as h on h.calendar = p.calendar and p.t >= h.s
    group by p.target_key, p.source, p.number
)
select
    c.target_key,
    c.source,
    c.number,
    i.service,
    i.priority,
    i.short_description,
    i.major,
    c.* exclude (target_key, source, number, calendar, t_end),
    h.holiday_elapsed,
    c.closed_elapsed - h.holiday_elapsed as out_of_hours
from clock_results as c
join incidents as i on i.source = c.source and i.number = c.number
join holiday as h
    on h.target_key = c.target_key and h.source = c.source and h.number = c.number
where c.target_key in (select target_key from clock_targets where measure is null)
order by c.target_key, c.start_at, c.number
