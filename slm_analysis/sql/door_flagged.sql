-- The records of `staged` (a load's records as its staging query gives them, in file order)
-- that would store what no column may hold, whatever the format: a NUL character in a text
-- ($texts: its text columns; looked for only when $nul, i.e. when the file may hold one), or a
-- date-time outside the plausible years ($stamps: its date-time columns; $first: the first
-- instant of the first plausible year, $end: the first instant after the last, both UTC).
-- One row per such record: its row id in `staged`. Records flagged `_skip` are never stored.
with judged as (
    select
        rowid as _row,
        _skip,
        least(*COLUMNS(lambda c: list_contains($stamps, c))) as earliest,
        greatest(*COLUMNS(lambda c: list_contains($stamps, c))) as latest,
        $nul and contains(concat(*COLUMNS(lambda c: list_contains($texts, c))), chr(0)) as nul
    from staged
)
select _row
from judged
where _skip is not true and (nul or earliest < $first or latest >= $end)
