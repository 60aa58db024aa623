-- The state history of each incident of an event log: a state holds from the update that set
-- it until the next update that changed it; consecutive updates in the same state are merged.
-- The last state has no end (a final Closed too: its entry is when the ticket closed, which
-- stops a clock that has no resolved_at or closed_at).
with ordered as (
    select
        source, number, state, updated_at, _line,
        lag(state) over w as prev_state
    from mapped
    where _reason is null
    window w as (partition by source, number order by updated_at, mods, _line)
),
changes as (
    select
        source, number, state, updated_at as start_at, _line,
        lead(updated_at) over (
            partition by source, number order by updated_at, _line
        ) as end_at
    from ordered
    where prev_state is null or prev_state <> state
)
select
    _line,
    null::varchar as _reason,
    source,
    number,
    state,
    start_at,
    end_at
from changes
