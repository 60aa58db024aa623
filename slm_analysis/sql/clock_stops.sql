-- Every (ticket target, incident) pair the customer's targets select, with the instants (epoch
-- seconds) that start and stop its clock. Created as the temp view `clock_stops` over temp
-- tables clock_targets (one customer's target versions, with their agreements' clock settings
-- and state profiles) and clock_state_roles(profile, state, role): role 'resolved', 'closed',
-- 'cancelled' or 'initial' (the states a ticket waits in before anyone responds), one per
-- state; a state with no role, or an initial one, is active. k = incident rowid × 256 + target
-- number.
--
-- From the state history, per incident and profile:
--   last_active = the last entry into an active state (after a resolution it is a reopen)
--   h_resolved  = the first entry into a resolved state after last_active (final resolution)
--   h_closed    = the first entry into a closed or cancelled state after last_active
--   first_move  = the first entry into a state that is not initial (the first response)
-- Stops, the first known value wins:
--   final_resolved = resolved_at, h_resolved, closed_at, h_closed    (resolution_stop: resolved)
--     (the history's resolution comes before closed_at: a ticket resolved on the 11th and
--     auto-closed on the 16th was resolved on the 11th)
--   closing        = closed_at, h_closed                             (resolution_stop: closed)
--   responded      = first_response_at, first_move, final_resolved
-- The reopen rule is applied by ticket_clock on the resolved stretches a reopen ended
-- (end_at <= last_active).
--
-- A ticket whose current state is resolved, closed or cancelled is terminal; a
-- terminal ticket whose stop is unknown is a finding, never a running clock: flags bit 1 = no
-- response stop, bit 2 = no final_resolved, bit 4 = no closing (only a closed or cancelled
-- ticket: a resolved one is still waiting to close), bit 8 = cancelled. A target uses the bit of
-- its stop (clock_targets.stop_bit: 1 response, 2 resolved, 4 closed) and bit 8 when it
-- excludes cancelled tickets (drop_mask); a pair is dropped when flags & drop_mask <> 0 — a
-- cheap test, because the planner evaluates it inside the incident × target join. Dropped for
-- a missing stop (not only for being cancelled) = stop_unknown.
with history as (
    select
        s.source,
        s.number,
        p.profile,
        s.state,
        epoch(s.start_at)::bigint as t,
        r.role
    from incident_states as s
    cross join (select distinct profile from clock_targets) as p
    left join clock_state_roles as r on r.profile = p.profile and r.state = s.state
),
facts as (
    select
        source,
        number,
        profile,
        min(t) filter (where role is distinct from 'initial') as first_move,
        max(t) filter (where role is null or role = 'initial') as last_active,
        list(t) filter (where role = 'resolved') as resolved_entries,
        list(t) filter (where role in ('closed', 'cancelled')) as closed_entries
    from history
    group by source, number, profile
),
history_stops as (
    select
        source,
        number,
        profile,
        first_move,
        last_active,
        list_min(list_filter(resolved_entries, lambda x: last_active is null or x > last_active))
            as h_resolved,
        list_min(list_filter(closed_entries, lambda x: last_active is null or x > last_active))
            as h_closed
    from facts
),
-- the customer's incidents with their history per state profile, joined before the targets so
-- that the smaller (history) side is the one hashed
located as (
    select
        i.rowid as rid,
        p.profile,
        i.source,
        i.number,
        i.service,
        i.priority,
        i.state,
        i.assignment_group,
        i.category,
        i.cmdb_ci,
        i.company,
        i.business_service,
        i.opened_at,
        coalesce(epoch(i.resolved_at)::bigint, h.h_resolved, epoch(i.closed_at)::bigint, h.h_closed)
            as final_resolved,
        coalesce(epoch(i.closed_at)::bigint, h.h_closed) as closing,
        epoch(i.first_response_at)::bigint as first_response,
        h.first_move,
        h.last_active,
        r.role,
        r.role in ('resolved', 'closed', 'cancelled') is true as terminal
    from incidents as i
    cross join (select distinct profile from clock_targets) as p
    left join history_stops as h
        on h.source = i.source and h.number = i.number and h.profile = p.profile
    left join clock_state_roles as r on r.profile = p.profile and r.state = i.state
    where i.customer = (select any_value(customer) from clock_targets)
),
flagged as (
    select
        * exclude (first_response, first_move),
        coalesce(first_response, first_move, final_resolved) as responded,
        (case when terminal and first_response is null and first_move is null
            and final_resolved is null then 1 else 0 end)
        + (case when terminal and final_resolved is null then 2 else 0 end)
        + (case when role in ('closed', 'cancelled') and closing is null then 4 else 0 end)
        + (case when role = 'cancelled' then 8 else 0 end) as flags
    from located
),
matched as (
    select
        i.rid * 256 + t.target_no as k,
        t.target_key,
        t.metric,
        list_position(t.map_values, case t.calendar_field
            when 'assignment_group' then i.assignment_group
            when 'category' then i.category
            when 'cmdb_ci' then i.cmdb_ci
            when 'company' then i.company
            when 'business_service' then i.business_service
        end) as map_pos,
        t.map_calendars,
        t.map_thresholds,
        t.calendar,
        t.threshold_s,
        t.zone,
        t.target_no,
        t.reopen,
        t.exclude_maintenance,
        t.resolution_start,
        i.source,
        i.number,
        i.service,
        i.state,
        i.opened_at,
        epoch(i.opened_at)::bigint as opened,
        i.responded,
        case t.stop_bit when 4 then i.closing else i.final_resolved end as resolved,
        i.final_resolved,
        i.last_active,
        i.flags & t.drop_mask as dropped,
        t.stop_bit
    from flagged as i
    join clock_targets as t
        on i.profile = t.profile
        and list_contains(t.services, i.service)
        and (t.priorities is null or list_contains(t.priorities, i.priority))
)
select
    * exclude (stop_bit),
    dropped & 7 <> 0 and dropped & 8 = 0 as stop_unknown,
    case stop_bit
        when 1 then 'no first response time, no state change in the state history and no '
            || 'resolution time'
        when 4 then 'no closed_at, and no entry into a closed state in the state history'
        else 'no resolved_at, no final resolution in the state history, no closed_at and no '
            || 'closure in the state history'
    end as why
from matched
