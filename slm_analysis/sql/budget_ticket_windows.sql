-- Tickets counted and missed per ticket target version and burn-rate window, for the windows
-- ending at the instant $at (budgets.ticket_windows; docs/metrics.md, *Burn rate*).
-- Inputs as parallel lists: the tickets ($keys: target version key, $counted: counted_at in
-- epoch microseconds, $met), the target versions wanted ($targets) and the windows ($names,
-- $lengths in microseconds). A ticket is in window w when its counted_at lies in
-- (at − w, at]: right-closed, because the data's latest instant is the as-of instant itself.
--   valid(k, w) = #{tickets of k : at − w < counted_at ≤ at}
--   bad(k, w)   = #{those not met}
-- Every (target, window) pair has a row, with 0 tickets when none falls in the window, in
-- the order of $targets and $names.
with tickets as (
    select
        unnest($keys::varchar[]) as target_key,
        unnest($counted::bigint[]) as t,
        unnest($met::boolean[]) as met
),
wanted as (
    select
        unnest($targets::varchar[]) as target_key,
        generate_subscripts($targets::varchar[], 1) as target_no
),
windows as (
    select
        unnest($names::varchar[]) as window_name,
        unnest($lengths::bigint[]) as length_us,
        generate_subscripts($names::varchar[], 1) as window_no
)
select
    k.target_key,
    w.window_name,
    count(t.t) as valid,
    count(t.t) filter (where not t.met) as bad
from wanted as k
cross join windows as w
left join tickets as t
    on t.target_key = k.target_key and t.t > $at - w.length_us and t.t <= $at
group by k.target_key, k.target_no, w.window_name, w.window_no
order by k.target_no, w.window_no
