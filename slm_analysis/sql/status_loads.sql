-- The load log, newest first; seconds by the wall clock from start to commit.
select
    load_id,
    kind,
    format,
    path,
    sha256,
    rows_read,
    rows_loaded,
    rows_quarantined,
    rows_unmapped,
    strftime(started_at, '%Y-%m-%dT%H:%M:%SZ') as started_at,
    strftime(finished_at, '%Y-%m-%dT%H:%M:%SZ') as finished_at,
    round(epoch(finished_at) - epoch(started_at), 3) as seconds,
    warnings
from load_log
order by load_id desc
