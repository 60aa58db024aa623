-- The most common values of the mapping fields among the incidents no rule gave a customer: what
-- a catalogue mapping rule would match on. One row per field and value with its incidents (n),
-- most common first, at most $limit rows.
with unmapped as (
    select company, business_service, cmdb_ci, category, assignment_group
    from incidents
    where customer is null
),
fields as (
    unpivot unmapped
    on company, business_service, cmdb_ci, category, assignment_group
    into name field value val
)
select field, val, count(*) as n
from fields
group by all
order by n desc, field, val
limit $limit
