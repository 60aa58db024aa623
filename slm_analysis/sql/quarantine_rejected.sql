-- The records of this load that failed validation (temp view `rejected`), as the quarantine
-- shows them: line, the column under the name the file gives it (temp table file_columns:
-- canonical name → header, or the mapping's column; the canonical name when the file has no
-- such column), the value found, the reason, and the customer the record's fields map to.
select
    m._line as line,
    coalesce(c.header, m._column) as column_name,
    m._value as value,
    m._reason as reason,
    m.customer
from mapped as m
left join file_columns as c on c.name = m._column
where m._reason is not null
