-- Assign each staged record to a customer and service: a per-row value wins, then the
-- whole-file override, then the first catalogue rule whose conditions all match. Rules are
-- matched once per distinct combination of the mapping fields, not once per record.
with combos as (
    select distinct
        company, business_service, service_offering, cmdb_ci, category, assignment_group,
        check_name, project
    from staged
),
keyed as (
    select row_number() over () as combo, * from combos
),
fields as (
    unpivot keyed
    on company, business_service, service_offering, cmdb_ci, category, assignment_group,
       check_name, project
    into name field value val
),
hits as (
    select f.combo, r.rule_no
    from fields as f
    join map_conditions as r on r.field = f.field and r.val = f.val
    group by f.combo, r.rule_no, r.field
),
full_matches as (
    select h.combo, h.rule_no
    from hits as h
    join map_rules as m using (rule_no)
    group by h.combo, h.rule_no, m.n_fields
    having count(*) = m.n_fields
),
defaults as (
    select k.combo, m.rule_no
    from keyed as k
    cross join map_rules as m
    where m.n_fields = 0
),
best as (
    select combo, min(rule_no) as rule_no
    from (select * from full_matches union all select * from defaults)
    group by combo
),
combo_map as (
    select k.*, m.customer as rule_customer, m.service as rule_service
    from keyed as k
    left join best as b using (combo)
    left join map_rules as m on m.rule_no = b.rule_no
)
select
    s.*,
    coalesce(s._customer, $customer, c.rule_customer) as customer,
    coalesce(s._service, $service, c.rule_service) as service
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
