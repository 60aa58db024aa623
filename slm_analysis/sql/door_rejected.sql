-- Why each record of `door_rows` (door_flagged.sql) is rejected: the first column of `stage`
-- (in $columns order, the format's) that holds a NUL character or a date-time outside the
-- plausible years, its value (NULs shown as ␀, so none is stored) and the reason. `stage` and
-- `staged` hold the file's records in the same order, so a positional join pairs them; the
-- columns read are $read (all of them when the file may hold a NUL, else its date-times). Only
-- the flagged records' values are read again as date-times — as the staging queries read them
-- ($zone), the ServiceNow-style layouts or Jira's — and judged against $first and $end (UTC;
-- $years: the first and last plausible year, for the reason).
with pairs as (
    select s.rowid as _row, x.*
    from staged as s
    positional join (select COLUMNS(lambda c: list_contains($read, c)) from stage) as x
    where s.rowid in (select _row from door_rows)
),
cells as (
    unpivot pairs on COLUMNS(* exclude (_row)) into name _column value _value
),
judged as (
    select
        _row,
        _column,
        _value,
        contains(_value, chr(0)) as nul,
        coalesce(slm_ts_any(_value, $zone), slm_jira_ts(_value, $zone)) as read_as
    from cells
),
faults as (
    select
        _row,
        _column,
        replace(_value, chr(0), '␀') as _value,
        case
            when nul then 'holds a NUL character (shown as ␀), which is not text; remove it '
                || 'from the export (it comes from a damaged file or a binary field)'
            else 'year ' || strftime(read_as, '%Y') || ' is outside the plausible years '
                || $years[1] || '–' || $years[2] || ' (UTC); correct the date in the export '
                || '(a placeholder for "no date", such as 0001-01-01 or 9999-12-31, should be '
                || 'an empty cell)'
        end as _reason
    from judged
    where nul or read_as < $first or read_as >= $end
    qualify row_number() over (partition by _row order by list_position($columns, _column)) = 1
)
select
    r._row,
    f._column,
    f._value,
    coalesce(
        f._reason,
        'would store a NUL character or a date-time outside the plausible years '
            || $years[1] || '–' || $years[2] || ' (UTC); check the record in the export'
    ) as _reason
from door_rows as r
left join faults as f on f._row = r._row
