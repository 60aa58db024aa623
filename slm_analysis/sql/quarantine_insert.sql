-- Quarantine this load's rejected records (temp view `rejected`) under its id, kind and file.
insert into quarantine
select $load_id, $kind, $path, line, column_name, value, reason, customer
from rejected
