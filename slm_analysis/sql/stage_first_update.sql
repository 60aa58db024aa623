-- A process-mining log has no opening time: each ticket opened with its first update.
update stage
set opened_at = f.opened
from (
    select number, strftime(min(slm_ts_any(sys_updated_at, $zone)), '%Y-%m-%dT%H:%M:%SZ') as opened
    from stage
    group by number
) as f
where stage.number = f.number
