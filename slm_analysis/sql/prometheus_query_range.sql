-- A Prometheus query_range answer (resultType matrix) of an `up`-like series as check results:
-- one row per sample, the check named by the series' instance (else job, else metric name),
-- 1 = up, 0 = down. Every field as text, like a CSV read.
with doc as (
    select json from read_json_objects($path)
),
series as (
    select unnest(from_json(json -> '$.data.result', '["JSON"]')) as s from doc
),
samples as (
    select
        coalesce(s ->> '$.metric.instance', s ->> '$.metric.job', s ->> '$.metric.__name__')
            as series_name,
        unnest(from_json(s -> '$.values', '[["VARCHAR"]]')) as v
    from series
)
select
    strftime(to_timestamp(v[1]::double), '%Y-%m-%dT%H:%M:%SZ') as "timestamp",
    series_name as "check",
    case when try_cast(v[2] as double) >= 1 then '1' when try_cast(v[2] as double) = 0 then '0'
        else v[2] end as status
from samples
