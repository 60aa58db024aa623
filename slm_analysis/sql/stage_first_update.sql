-- A process-mining log has no opening time: each ticket opened with its first update (of those
-- in the plausible years, [$first, $end): an update in year 0001 is quarantined, not the opening).
update stage
set opened_at = f.opened
from (
    select
        number,
        strftime(
            min(t) filter (where t >= $first and t < $end), '%Y-%m-%dT%H:%M:%SZ'
        ) as opened
    from (select number, slm_ts_any(sys_updated_at, $zone) as t from stage)
    group by number
) as f
where stage.number = f.number
