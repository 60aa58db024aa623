-- The customer and service of each distinct combination of mapping fields in `staged`: the
-- whole-file override wins, then the first catalogue rule whose conditions all match. Rules are
-- matched once per combination, not once per record; map_records.sql joins them back.
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
)
select
    k.*,
    coalesce($customer, m.customer) as customer,
    coalesce($service, m.service) as service
from keyed as k
left join best as b using (combo)
left join map_rules as m on m.rule_no = b.rule_no
