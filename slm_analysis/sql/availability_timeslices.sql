-- Time-slice availability per period and service, from polled check results.
-- Slices: k = ⌊t / S⌋ with S = $slice_us (whole minutes dividing a day), so slices start at
-- multiples of S from 1970-01-01 00:00 UTC. A slice of a (period, service) is the part of
-- [k·S, (k+1)·S) inside its counted time C (intervals [c_s, c_e) in epoch µs, parallel lists
-- $c_period, $c_service, $c_s, $c_e: the calendar's open time in the period up to the as-of
-- instant minus planned maintenance, from the monitored_since day; see
-- check_availability.counted_time). Only the results of polled streams in C count
-- (placement: equi-join on (service, UTC day), then the interval test). Per slice with
-- n ≥ 1 results, of which n_ok succeeded and n_fast succeeded with latency_ms ≤ $latency_ms:
--   good ⇔ (no $ratio  or n_ok / n ≥ $ratio)
--        ∧ (no $percentile q or 100·n_fast ≥ q·n)
-- the second is "the q-th percentile (nearest rank) of the slice's latencies ≤ $latency_ms",
-- a failed result or one without a latency counting as slower than any threshold.
--   measured      = slices with n ≥ 1
--   slices        = slices of C from where the feed starts: monitored_since (services in
--                   $declared, by number), else the service's first polled result before $as_of
--   no_data       = slices − measured
--   period_slices = slices of the whole period's open, unmaintained time ($p_* lists, not cut
--                   at the as-of instant or the feed start): the base of the coverage
--   valid = measured (+ no_data when $no_data is up or down)
--   good  = good measured slices (+ no_data when $no_data = up);  SLI = good / valid
--   ratio_sum = Σ over measured slices of n_ok / n (mean = ratio_sum / measured: RatioTimeslices)
-- Slices of an interval list: Σ (⌊(e−1)/S⌋ − ⌊s/S⌋ + 1) less one for each interval that begins
-- in the slice the previous interval (same period and service, by start) ended in.
with counted as (
    select
        unnest($c_period::integer[]) as pid,
        unnest($c_service::integer[]) as sid,
        unnest($c_s::bigint[]) as s,
        unnest($c_e::bigint[]) as e
),
whole as (
    select
        unnest($p_period::integer[]) as pid,
        unnest($p_service::integer[]) as sid,
        unnest($p_s::bigint[]) as s,
        unnest($p_e::bigint[]) as e
),
counted_days as (
    select pid, sid, s, e, unnest(generate_series(s // 86400000000, (e - 1) // 86400000000)) as d
    from counted
),
services as (
    select unnest($services::varchar[]) as service, unnest($sids::integer[]) as sid
),
results as (
    select v.sid, epoch_us(c.checked_at) as t, c.ok, c.latency_ms
    from checks as c
    join services as v using (service)
    where c.customer = $customer
        and c.stream = 'polled'
        and c.checked_at < $as_of::timestamptz
),
first_results as (
    select service, epoch_us(min(checked_at)) as since
    from checks
    where customer = $customer and stream = 'polled' and checked_at < $as_of::timestamptz
        and list_contains($services::varchar[], service)
    group by service
),
feed as (
    select v.sid, f.since
    from first_results as f
    join services as v using (service)
    where not list_contains($declared::integer[], v.sid)
    union all
    select unnest($declared::integer[]), null
),
placed as (
    select c.pid, c.sid, r.t // $slice_us::bigint as k, r.ok, r.latency_ms
    from results as r
    join counted_days as c on c.sid = r.sid and c.d = r.t // 86400000000
    where r.t >= c.s and r.t < c.e and r.t >= $first::bigint and r.t < $last::bigint
),
slices as (
    select
        pid,
        sid,
        k,
        count(*) as n,
        count(*) filter (where ok) as n_ok,
        count(*) filter (where ok and latency_ms <= $latency_ms::double) as n_fast
    from placed
    group by pid, sid, k
),
judged as (
    select
        pid,
        sid,
        count(*) as measured,
        count(*) filter (
            where ($ratio::double is null or n_ok / n >= $ratio::double)
                and ($percentile::integer is null or 100 * n_fast >= $percentile::integer * n)
        ) as good,
        sum(n_ok / n) as ratio_sum
    from slices
    group by pid, sid
),
fed as (
    select c.pid, c.sid, greatest(c.s, coalesce(f.since, c.s)) as s, c.e
    from counted as c
    join feed as f using (sid)
    where c.e > greatest(c.s, coalesce(f.since, c.s))
),
spans as (
    select 'fed' as kind, pid, sid, s, e from fed
    union all
    select 'whole', pid, sid, s, e from whole
),
slice_spans as (
    select
        kind, pid, sid,
        (e - 1) // $slice_us::bigint - s // $slice_us::bigint + 1
            - case
                when lag((e - 1) // $slice_us::bigint) over (
                    partition by kind, pid, sid order by s
                ) = s // $slice_us::bigint then 1
                else 0
            end as slices
    from spans
),
slice_totals as (
    select
        pid,
        sid,
        coalesce(sum(slices) filter (where kind = 'fed'), 0) as slices,
        coalesce(sum(slices) filter (where kind = 'whole'), 0) as period_slices
    from slice_spans
    group by pid, sid
),
grid as (
    select
        unnest($g_pid::integer[]) as pid,
        unnest($g_sid::integer[]) as sid,
        unnest($g_period::varchar[]) as period,
        unnest($g_service::varchar[]) as service
),
counts as (
    select
        g.period,
        g.service,
        coalesce(j.measured, 0) as measured,
        coalesce(j.good, 0) as good_measured,
        coalesce(t.slices, 0) - coalesce(j.measured, 0) as no_data,
        coalesce(t.period_slices, 0) as period_slices,
        coalesce(j.ratio_sum, 0) as ratio_sum
    from grid as g
    left join judged as j using (pid, sid)
    left join slice_totals as t using (pid, sid)
)
select
    period,
    service,
    measured,
    no_data,
    period_slices,
    measured + case when $no_data in ('up', 'down') then no_data else 0 end as valid,
    good_measured + case when $no_data = 'up' then no_data else 0 end as good,
    ratio_sum
from counts
order by period, service
