-- Quarantined records, newest load first and in file order: all of them, or those of load
-- $load_id, or of file $file (the path as given to `slm load`, or just its name); at most
-- $limit (null: all). Each row carries the number of records that match (total) and that match
-- in its load (load_total).
with matching as (
    select *
    from quarantine
    where ($load_id is null or load_id = $load_id)
      and ($file is null or path = $file or regexp_extract(path, '[^/\\]+$') = $file)
)
select
    load_id,
    kind,
    path,
    line,
    column_name,
    value,
    reason,
    count(*) over () as total,
    count(*) over (partition by load_id) as load_total
from matching
order by load_id desc, line, column_name
limit $limit
