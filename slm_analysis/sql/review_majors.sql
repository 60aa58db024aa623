-- Major incidents opened in [ps, pe) with their duration until resolution.
select
    number,
    service,
    priority,
    short_description,
    opened_at,
    resolved_at,
    epoch(resolved_at) - epoch(opened_at) as duration_s
from incidents
where customer = $customer and major and opened_at >= $ps and opened_at < $pe
order by opened_at
