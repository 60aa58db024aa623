-- The satisfaction ratings of a Jira export (1-5 stars), one survey response per rated issue.
select
    _line,
    _reason,
    source,
    number as response_id,
    customer,
    service,
    number as incident_number,
    rated_at as submitted_at,
    rating as score,
    5 as scale,
    null::varchar as comment
from mapped
where _reason is null and rating is not null
