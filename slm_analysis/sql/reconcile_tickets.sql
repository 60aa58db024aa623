-- Our verdict beside the source tool's, per ticket. Every clock of temp table clock_results
-- (measures.run_clocks) of a response or resolution target version that counts in the
-- period: its counted_at (the stop, or the breach of a running clock) lies in [s, e) of a
-- month or week in which that version is in force (input rec_units: target_key, s, e; one
-- version per target and unit). Joined to its incident's vendor_made_sla, the export's own
-- verdict (ServiceNow made_sla, Jira's SLA sign; null when the export has none).
--   ours_met   = met = (business_elapsed <= threshold_s)      (ticket_clock.sql)
--   vendor_met = vendor_made_sla
--   agrees     = (ours_met = vendor_met); null when the vendor has no verdict: not compared
select
    c.target_key,
    c.source,
    c.number,
    i.priority,
    i.reopen_count,
    c.start_at,
    c.stop_at,
    c.counted_at,
    c.business_elapsed,
    c.threshold_s,
    c.met as ours_met,
    i.vendor_made_sla as vendor_met,
    c.met = i.vendor_made_sla as agrees
from clock_results as c
join rec_units as u
    on u.target_key = c.target_key and c.counted_at >= u.s and c.counted_at < u.e
join incidents as i on i.source = c.source and i.number = c.number
order by c.target_key, c.counted_at, c.number, c.source
