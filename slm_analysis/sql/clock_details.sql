-- The clocks of temp table clock_results with the incidents' descriptive columns.
select
    c.target_key,
    c.source,
    c.number,
    i.service,
    i.priority,
    i.short_description,
    i.major,
    c.* exclude (target_key, source, number)
from clock_results as c
join incidents as i on i.source = c.source and i.number = c.number
order by c.target_key, c.start_at, c.number
