-- Why this load's records were rejected (temp view `rejected`): per column and reason, how many
-- rows, the first line and the value on it; most rows first.
select
    column_name,
    reason,
    count(*) as rows,
    min(line) as first_line,
    arg_min(value, line) as example
from rejected
group by column_name, reason
order by rows desc, first_line
