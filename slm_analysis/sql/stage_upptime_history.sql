-- Upptime's status history (git log of history/, one row per commit: commit, committed_at,
-- subject) → checks, a status-change stream ($stream). A status commit's subject is Upptime's
-- default statusChange message "<prefix> <Site> is <status> (<code> in <ms> ms) [skip ci]
-- [upptime]": the site is the check, `up` is a succeeding result, `down` and `degraded` failing
-- ones (Upptime's own uptime counts a degraded site's issue as downtime), the milliseconds its
-- latency. Any other commit (summary, graphs, workflow updates) is not a status change: skipped.
with parsed as (
    select
        regexp_extract(
            subject, '^\S+\s+(.+?) is (up|down|degraded) \((\d+) in (\d+) ms\)',
            ['site', 'status', 'code', 'ms']
        ) as m,
        slm_ts(committed_at, $zone, $ts_format) as t,
        stage.*
    from stage
),
checked as (
    select
        *,
        slm_blank(m.site) is null as _skip,
        case when slm_blank(m.site) is not null and t is null then 'committed_at' end as _column
    from parsed
)
select
    _column,
    case when _column is not null then committed_at end as _value,
    case when _column is not null then slm_ts_reason($layouts) end as _reason,
    _skip,
    $source as source,
    slm_blank(m.site) as check_name,
    t as checked_at,
    m.status = 'up' as ok,
    try_cast(m.ms as double) as latency_ms,
    $stream as stream
from checked
