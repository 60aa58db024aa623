-- Every distinct person name in one customer's rows (redact.PERSON_COLUMNS): the assignee
-- of its incidents and the owner of its actions, trimmed; blanks left out.
-- Bound: $customer (customer id).
select distinct trim(name) as name
from (
    select assigned_to as name from incidents where customer = $customer
    union all
    select owner from actions where customer = $customer
)
where trim(name) <> ''
order by 1
