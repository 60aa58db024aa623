-- When a customer's data ends: the latest instant in its incidents (opened, resolved, closed,
-- updated), outages (start, end), status-page days (end), survey responses and checks that is
-- not after $now (a day still running is not "data as of" its end).
-- Timestamps after $now are data-quality findings (review_quality.sql), never "data as of".
with stamps as (
    select unnest([opened_at, resolved_at, closed_at, updated_at]) as t
    from incidents where customer = $customer
    union all
    select unnest([start_at, end_at]) from outages where customer = $customer
    union all
    select end_at from downtime_days where customer = $customer
    union all
    select submitted_at from surveys where customer = $customer
    union all
    select checked_at from checks where customer = $customer
)
select max(t) from stamps where t <= $now
