-- Incidents whose clock cannot be stopped: a ticket in a terminal state (closed, cancelled, or
-- resolved where a resolution stops the clock) with no stop time in its fields or its state
-- history (stop_unknown in the view clock_stops, which holds only the customer's incidents).
-- One row per incident opened by $as_of: its state, why (one reason per kind of clock,
-- joined) and the target versions that do not count it.
select
    source,
    number,
    state,
    min(opened_at) as opened_at,
    string_agg(distinct why, '; ' order by why) as why,
    list(distinct target_key order by target_key) as targets
from clock_stops
where stop_unknown and opened_at <= to_timestamp($as_of)
group by source, number, state
order by number, source
