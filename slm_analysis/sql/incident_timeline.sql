-- The state history of one incident of one customer (incident_states), in time order, with
-- each state's wall-clock duration: end_at - start_at in seconds (null while the state lasts).
-- The workbench's timeline of one incident (workbench.Workbench.timeline); how these states
-- start, pause and stop the clock is in ticket_clock.sql.
-- Bound: $customer, $number (the incident's number in its source).
select
    s.source,
    s.number,
    s.state,
    s.start_at,
    s.end_at,
    epoch(s.end_at) - epoch(s.start_at) as duration_s
from incident_states as s
where s.number = $number
  and s.source in (select source from incidents where customer = $customer and number = $number)
order by s.start_at, s.state
