-- Outages inferred from checks: per service, the stretches of [$start, $stop) in which it was
-- down or had no data, from its check results before $as_of. Instants are epoch microseconds.
-- The definition, in words, is docs/metrics.md "Outages inferred from checks"; the plain-Python
-- reference is tests/property/reference_checks.py.
--
-- Bound: $customer; per service, parallel lists $services, $down_after (N), $up_after (M),
-- $gap_factor (k), $interval_us (I, null = the median) and $combine (any | all | majority);
-- $start, $stop (≤ $as_of) and $as_of as timestamptz.
--
-- A check is one (service, source, check_name, stream); its results r_1 < … < r_n are the rows
-- with checked_at < as_of, each with t_i and outcome ok_i.
--   I     = the configured interval, else the lower median of t_{i+1} − t_i (polled only)
--   gap   : a polled pair (i, i+1) with t_{i+1} − t_i > k·I
--   run   : a maximal stretch of consecutive results with one outcome and no gap inside; its
--           start is its first result. A polled failing run of ≥ N results, a polled
--           succeeding run of ≥ M results and every status-change run *qualify*.
--   state : at a result, the outcome of the last qualifying run starting at or before it; up
--           before the first. So a check goes down at the FIRST of N consecutive failures and
--           up again at the FIRST of M consecutive successes (the usual convention).
--   cover : result i speaks for [t_i, c_i). Status-change: c_i = t_{i+1} (as_of for the last):
--           the state holds until the next change. Polled: with next = t_{i+1} (as_of for the
--           last), c_i = next when next − t_i ≤ k·I, else t_i + I — after a gap nothing is
--           known until the next result (no data). A polled check with one result and no
--           configured interval has no I and covers nothing.
-- Per service and instant, n_data = checks whose cover holds the instant, n_down = those of
-- them whose state is down. The service has no data when n_data = 0, else is down when
--   any: n_down ≥ 1     all: n_down = n_data     majority: 2·n_down > n_data
-- and up otherwise. Maximal stretches of one service state are reported clipped to
-- [start, stop) (down and no data only), with the evidence of a down stretch [s, e):
--   checks           = the checks whose down stretches (maximal covered stretches of down
--                      state) overlap [s, e)
--   first_failure_at = the earliest failing result in those down stretches
--   first_success_at = e, when at e a check starts an up stretch with a succeeding result
--                      (the first of its M successes, or its change to up); else null — the
--                      outage ended because data stopped, or still ran at as_of.
--   first_failure_check, first_success_check = the check whose result that is (of several at
--                      the same instant, the first by name).
-- Besides the stretches, one row per service with results, state 'first_result': start_us is
-- its earliest result before as_of (where its monitoring feed begins).
-- Set-based: each check gets a small integer id (the window then sorts narrow (id, t) rows,
-- not four text keys: 4× faster on 10M results); one sorted pass over the results (lag, row
-- number), then only run starts (few) are kept: a run's length is the difference of row
-- numbers, its last result the lag of the next run's start. Runs merge into check stretches,
-- stretches into +1/−1 events per service, and running sums of the events give n_data and
-- n_down. benchmarks/check_outages.py measures it.
with settings as (
    select
        unnest($services::varchar[]) as service,
        unnest($down_after::integer[]) as down_after,
        unnest($up_after::integer[]) as up_after,
        unnest($gap_factor::double[]) as gap_factor,
        unnest($interval_us::bigint[]) as interval_us,
        unnest($combine::varchar[]) as combine
),
bounds as (
    select
        epoch_us($start::timestamptz) as w_start,
        epoch_us($stop::timestamptz) as w_stop,
        epoch_us($as_of::timestamptz) as as_of
),
results as (
    select c.service, c.source, c.check_name, c.stream, epoch_us(c.checked_at) as t, c.ok
    from checks as c
    where c.customer = $customer and c.checked_at < $as_of::timestamptz
),
check_ids as (
    select service, source, check_name, stream, row_number() over ()::integer as ck
    from (
        select distinct service, source, check_name, stream
        from checks
        where customer = $customer and list_contains($services::varchar[], service)
    )
),
sequenced as materialized (
    select
        ck, t, ok,
        t - lag(t) over w as spacing,
        ok is distinct from lag(ok) over w as flip,
        row_number() over w as rn
    from results
    join check_ids using (service, source, check_name, stream)
    window w as (partition by ck order by t)
),
per_check as (
    select
        ck,
        count(*) as n,
        min(t) as first_t,
        max(t) as last_t,
        quantile_disc(spacing, 0.5) as median_us
    from sequenced
    group by ck
),
check_settings as (
    select
        k.ck, k.service, k.source, k.check_name, k.stream, p.n, p.first_t, p.last_t,
        s.down_after, s.up_after, s.gap_factor,
        case when k.stream = 'polled' then coalesce(s.interval_us, p.median_us) end as iv
    from per_check as p
    join check_ids as k using (ck)
    join settings as s using (service)
),
starts as (
    select q.ck, q.t, q.ok, q.t - q.spacing as prev_t, q.rn
    from sequenced as q
    join check_settings as c using (ck)
    where q.flip
        or (c.stream = 'polled' and (c.iv is null or q.spacing > c.gap_factor * c.iv))
),
runs as (
    select
        c.service, c.source, c.check_name, c.stream, r.ck, r.t, r.ok,
        c.iv, c.down_after, c.up_after, c.gap_factor,
        coalesce(lead(r.rn) over w, c.n + 1) - r.rn as len,
        coalesce(lead(r.prev_t) over w, c.last_t) as last_t,
        coalesce(lead(r.t) over w, b.as_of) as next_t
    from starts as r
    join check_settings as c using (ck)
    cross join bounds as b
    window w as (partition by r.ck order by r.t)
),
judged as (
    select
        service, check_name, ck, stream, t, ok,
        stream = 'status-change'
            or (ok and len >= up_after)
            or (not ok and len >= down_after) as qualifies,
        case
            when stream = 'status-change' then next_t
            when iv is null then last_t
            when next_t - last_t <= gap_factor * iv then next_t
            else last_t + iv
        end as cover_end
    from runs
),
stated as (
    select
        *,
        coalesce(
            last_value(case when qualifies then ok end ignore nulls) over (
                partition by ck order by t
                rows between unbounded preceding and current row
            ),
            true
        ) as up
    from judged
),
stretch_starts as (
    select
        *,
        case when lag(cover_end) over w = t and lag(up) over w = up then 0 else 1 end as new_stretch
    from stated
    where cover_end > t
    window w as (partition by ck order by t)
),
stretch_numbered as (
    select
        *,
        sum(new_stretch) over (
            partition by ck order by t
            rows between unbounded preceding and current row
        ) as stretch
    from stretch_starts
),
stretches as (
    select
        service, check_name,
        any_value(up) as up,
        min(t) as s,
        max(cover_end) as e,
        min(t) filter (where not ok) as first_failure,
        arg_min(ok, t) as first_ok
    from stretch_numbered
    group by ck, service, check_name, stretch
),
events as (
    select service, s as t, 1 as d_data, case when up then 0 else 1 end as d_down
    from stretches
    union all
    select service, e, -1, case when up then 0 else -1 end
    from stretches
    union all
    select service, w_start, 0, 0 from settings cross join bounds
    union all
    select service, w_stop, 0, 0 from settings cross join bounds
),
steps as (
    select service, t, sum(d_data) as d_data, sum(d_down) as d_down
    from events
    group by service, t
),
levels as (
    select
        service, t,
        lead(t) over (partition by service order by t) as t_next,
        sum(d_data) over w as n_data,
        sum(d_down) over w as n_down
    from steps
    window w as (partition by service order by t rows between unbounded preceding and current row)
),
service_states as (
    select
        l.service,
        l.t as s,
        l.t_next as e,
        case
            when l.n_data = 0 then 'no_data'
            when (g.combine = 'any' and l.n_down >= 1)
                or (g.combine = 'all' and l.n_down = l.n_data)
                or (g.combine = 'majority' and 2 * l.n_down > l.n_data) then 'down'
            else 'up'
        end as state
    from levels as l
    join settings as g using (service)
    where l.t_next is not null
),
island_starts as (
    select
        *,
        case when lag(state) over (partition by service order by s) = state then 0 else 1 end
            as new_island
    from service_states
),
island_numbered as (
    select
        *,
        sum(new_island) over (
            partition by service order by s rows between unbounded preceding and current row
        ) as island
    from island_starts
),
islands as (
    select service, any_value(state) as state, min(s) as s, max(e) as e
    from island_numbered
    group by service, island
),
clipped as (
    select
        i.service, i.state, i.s, i.e,
        greatest(i.s, b.w_start) as cs,
        least(i.e, b.w_stop) as ce
    from islands as i
    cross join bounds as b
    where i.state <> 'up' and least(i.e, b.w_stop) > greatest(i.s, b.w_start)
),
evidence as (
    select
        c.service,
        c.s,
        min(g.first_failure) as first_failure,
        first(g.check_name order by g.first_failure, g.check_name)
            filter (where g.first_failure is not null) as first_failure_check,
        list(distinct g.check_name order by g.check_name) as checks
    from clipped as c
    join stretches as g on g.service = c.service and not g.up and g.s < c.e and g.e > c.s
    where c.state = 'down'
    group by c.service, c.s
),
recoveries as (
    select service, s as t, min(check_name) as check_name
    from stretches
    where up and first_ok
    group by service, s
)
select
    c.service,
    c.state,
    c.cs as start_us,
    c.ce as end_us,
    ev.first_failure as first_failure_us,
    r.t as first_success_us,
    ev.checks,
    ev.first_failure_check,
    r.check_name as first_success_check
from clipped as c
left join evidence as ev using (service, s)
left join recoveries as r on c.state = 'down' and r.service = c.service and r.t = c.e
union all
select service, 'first_result', min(first_t), null, null, null, null, null, null
from check_settings
group by service
order by service, start_us
