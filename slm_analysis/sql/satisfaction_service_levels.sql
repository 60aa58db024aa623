-- Survey responses beside the verdict of the ticket they rate. Every clock of temp table
-- clock_results (measures.run_clocks) of a resolution target version that counts in the
-- period — counted_at in [s, e) of a month or week in which the version is in force (input
-- rec_units, as in reconcile_tickets.sql) — joined to the customer's survey responses about
-- its incident (surveys.incident_number = the incident's number). A response about no
-- incident, or about one no resolution target counts in the period, is left out; an incident
-- rated twice gives two rows. The resolution-time band is the one of input sat_bands(band,
-- lo, hi) with lo <= business_elapsed < hi (hi null: no upper bound), business_elapsed being
-- seconds of the target's calendar (ticket_clock.sql).
select
    c.target_key,
    s.response_id,
    s.score,
    c.met,
    c.business_elapsed,
    b.band
from clock_results as c
join rec_units as u
    on u.target_key = c.target_key and c.counted_at >= u.s and c.counted_at < u.e
join surveys as s on s.customer = $customer and s.incident_number = c.number
join sat_bands as b
    on c.business_elapsed >= b.lo and (b.hi is null or c.business_elapsed < b.hi)
order by c.target_key, c.number, s.response_id
