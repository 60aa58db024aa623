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
--                   $declared), else the service's first polled result before $as_of
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
        unnest($c_period::varchar[]) as period,
        unnest($c_service::varchar[]) as service,
        unnest($c_s::bigint[]) as s,
        unnest($c_e::bigint[]) as e
),
whole as (
    select
        unnest($p_period::varchar[]) as period,
        unnest($p_service::varchar[]) as service,
        unnest($p_s::bigint[]) as s,
        unnest($p_e::bigint[]) as e
),
counted_days as (
    select period, service, s, e, unnest(generate_series(s // 86400000000, (e - 1) // 86400000000)) as d
    from counted
),
results as (
    select service, epoch_us(checked_at) as t, ok, latency_ms
    from checks
    where customer = $customer
        and list_contains($services::varchar[], service)
        and stream = 'polled'
        and checked_at < $as_of::timestamptz
),
feed as (
    select service, min(t) as since
    from results
    where not list_contains($declared::varchar[], service)
    group by service
    union all
    select unnest($declared::varchar[]), null
),
placed as (
    select c.period, c.service, r.t // $slice_us::bigint as k, r.ok, r.latency_ms
    from results as r
    join counted_days as c on c.service = r.service and c.d = r.t // 86400000000
    where r.t >= c.s and r.t < c.e and r.t >= $first::bigint and r.t < $last::bigint
),
slices as (
    select
        period,
        service,
        k,
        count(*) as n,
        count(*) filter (where ok) as n_ok,
        count(*) filter (where ok and latency_ms <= $latency_ms::double) as n_fast
    from placed
    group by period, service, k
),
judged as (
    select
        period,
        service,
        count(*) as measured,
        count(*) filter (
            where ($ratio::double is null or n_ok / n >= $ratio::double)
                and ($percentile::integer is null or 100 * n_fast >= $percentile::integer * n)
        ) as good,
        sum(n_ok / n) as ratio_sum
    from slices
    group by period, service
),
fed as (
    select c.period, c.service, greatest(c.s, coalesce(f.since, c.s)) as s, c.e
    from counted as c
    join feed as f using (service)
    where c.e > greatest(c.s, coalesce(f.since, c.s))
),
spans as (
    select 'fed' as kind, period, service, s, e from fed
    union all
    select 'whole', period, service, s, e from whole
),
slice_spans as (
    select
        kind, period, service,
        (e - 1) // $slice_us::bigint - s // $slice_us::bigint + 1
            - case
                when lag((e - 1) // $slice_us::bigint) over (
                    partition by kind, period, service order by s
                ) = s // $slice_us::bigint then 1
                else 0
            end as slices
    from spans
),
slice_totals as (
    select
        period,
        service,
        coalesce(sum(slices) filter (where kind = 'fed'), 0) as slices,
        coalesce(sum(slices) filter (where kind = 'whole'), 0) as period_slices
    from slice_spans
    group by period, service
),
grid as (
    select unnest($g_period::varchar[]) as period, unnest($g_service::varchar[]) as service
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
    left join judged as j using (period, service)
    left join slice_totals as t using (period, service)
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
