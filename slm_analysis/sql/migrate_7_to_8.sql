-- Schema 7 → 8: an outage record names the incident or change behind it (ServiceNow's
-- cmdb_ci_outage `task_number`), which the outage list and the pack show. Records loaded before
-- have none.
alter table outages add column if not exists task varchar
