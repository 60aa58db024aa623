-- Which other clock definitions reproduce the source tool's verdict where ours differs from
-- it. Inputs: rec_disagree(target_key, source, number, vendor_met), the disagreeing tickets;
-- rec_variants(variant_key, target_key, reason, rank), each variant being the target version
-- with one clock setting changed (reconcile.py lists them). Temp table clock_results holds
-- the variants' clocks (measures.run_clocks on a connection of their own). A variant fits a
-- ticket when its clock there has a verdict — stopped, or running and already breached:
-- counted_at not null — and that verdict is the vendor's:
--   fits(variant, ticket) <=> counted_at is not null and met = vendor_met
-- One row per (ticket, fitting variant), in order of the reasons' precedence (rank).
select
    d.target_key,
    d.source,
    d.number,
    v.reason,
    v.rank,
    v.variant_key,
    c.stop_at,
    c.business_elapsed,
    c.threshold_s
from rec_disagree as d
join rec_variants as v on v.target_key = d.target_key
join clock_results as c
    on c.target_key = v.variant_key and c.source = d.source and c.number = d.number
where c.counted_at is not null and c.met = d.vendor_met
order by d.target_key, d.number, d.source, v.rank, v.variant_key
