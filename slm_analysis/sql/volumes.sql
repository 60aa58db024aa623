-- Per priority: incidents opened and resolved in [ps, pe), backlog open at pe, majors opened.
with scope as (
    select *
    from incidents
    where customer = $customer
      and ($services is null or list_contains($services, service))
),
prios as (
    select distinct priority from scope
)
select
    p.priority,
    count(*) filter (where s.opened_at >= $ps and s.opened_at < $pe) as opened,
    count(*) filter (where s.resolved_at >= $ps and s.resolved_at < $pe) as resolved,
    count(*) filter (
        where s.opened_at < $pe and (s.resolved_at is null or s.resolved_at >= $pe)
    ) as backlog,
    count(*) filter (where s.major and s.opened_at >= $ps and s.opened_at < $pe) as major
from prios as p
left join scope as s using (priority)
group by p.priority
order by p.priority
