-- The relevant staged records with their line, customer and service (temp view `mapped`): a
-- per-row value wins, else the combination's mapping (map_combos.sql). `staged` holds the file's
-- records in file order with consecutive row ids, so a record's line is its row id's distance
-- from the first plus 2 (the header is line 1). tests/unit/test_importers.py checks this on a
-- file large enough to be read in parallel.
select
    s.rowid - (select min(rowid) from staged) + 2 as _line,
    s.*,
    coalesce(s._customer, c.customer) as customer,
    coalesce(s._service, c.service) as service
from staged as s
left join combo_map as c
    on s.company is not distinct from c.company
    and s.business_service is not distinct from c.business_service
    and s.service_offering is not distinct from c.service_offering
    and s.cmdb_ci is not distinct from c.cmdb_ci
    and s.category is not distinct from c.category
    and s.assignment_group is not distinct from c.assignment_group
    and s.check_name is not distinct from c.check_name
    and s.project is not distinct from c.project
where s._skip is not true
