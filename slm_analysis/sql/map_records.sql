-- Assign each staged record to a customer and service: a per-row value wins, then the
-- whole-file override, then the first catalogue rule whose conditions all match.
with fields as (
    unpivot (
        select _line, company, business_service, service_offering, cmdb_ci, category,
               assignment_group, check_name, project
        from staged
    )
    on company, business_service, service_offering, cmdb_ci, category, assignment_group,
       check_name, project
    into name field value val
),
hits as (
    select f._line, r.rule_no
    from fields as f
    join map_conditions as r on r.field = f.field and r.val = f.val
    group by f._line, r.rule_no, r.field
),
full_matches as (
    select h._line, h.rule_no
    from hits as h
    join map_rules as m using (rule_no)
    group by h._line, h.rule_no, m.n_fields
    having count(*) = m.n_fields
),
defaults as (
    select s._line, m.rule_no
    from staged as s
    cross join map_rules as m
    where m.n_fields = 0
),
best as (
    select _line, min(rule_no) as rule_no
    from (select * from full_matches union all select * from defaults)
    group by _line
)
select
    s.*,
    coalesce(s._customer, $customer, m.customer) as customer,
    coalesce(s._service, $service, m.service) as service
from staged as s
left join best as b using (_line)
left join map_rules as m on m.rule_no = b.rule_no
