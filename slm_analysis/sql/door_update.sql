-- Mark the records of `staged` that door_rejected.sql rejected (temp table `door`) with their
-- column, value and reason; a reason the staging query gave them is replaced.
update staged
set _column = d._column, _value = d._value, _reason = d._reason
from door as d
where staged.rowid = d._row
