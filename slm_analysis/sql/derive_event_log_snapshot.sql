-- The final state of each incident of an event log: its last valid update wins (highest
-- sys_mod_count, then latest update, then last line).
select
    *,
    null::varchar as short_description,
    null::timestamptz as first_response_at,
    false as major
from mapped
where _reason is null
qualify row_number() over (
    partition by source, number order by mods desc, updated_at desc, _line desc
) = 1
