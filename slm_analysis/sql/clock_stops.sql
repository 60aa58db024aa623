-- Every (ticket target, incident) pair the customer's targets select, with the instants (epoch
-- seconds) that start and stop its clock. Created as the temp view `clock_stops` over temp
-- tables clock_targets (one row per target version, with its agreement's clock settings and
-- state profile) and clock_state_roles(profile, state, role), role 'resolved', 'closed' or
-- 'cancelled'; a state with no role is active. k = incident rowid × 256 + target number.
--
-- From the state history, per incident and profile:
--   last_active = the last entry into an active state (after a resolution it is a reopen)
--   h_resolved  = the first entry into a resolved state after last_active (final resolution)
--   h_closed    = the first entry into a closed or cancelled state after last_active
--   first_move  = the first entry into a state other than New / Open / Draft
-- Stops, the first known value wins:
--   final_resolved = resolved_at, closed_at, h_resolved, h_closed
--   resolved       = final_resolved (resolution_stop: resolved) or closed_at, h_closed (closed)
--   responded      = first_response_at, first_move, final_resolved
-- The reopen rule is applied by ticket_clock on the resolved stretches a reopen ended
-- (end_at <= last_active). A ticket in a terminal state — closed, cancelled, or resolved when a
-- resolution stops this clock — whose stop is unknown has stop_unknown (a data-quality finding,
-- never a running clock). Cancelled tickets are left out when exclude_cancelled.
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
        min(t) filter (where state not in ('New', 'Open', 'Draft')) as first_move,
        max(t) filter (where role is null) as last_active,
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
matched as (
    select
        i.rowid * 256 + t.target_no as k,
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
        t.resolution_stop,
        i.source,
        i.number,
        i.service,
        i.state,
        epoch(i.opened_at)::bigint as opened,
        epoch(i.first_response_at)::bigint as first_response,
        epoch(i.resolved_at)::bigint as resolved_field,
        epoch(i.closed_at)::bigint as closed_field,
        h.first_move,
        h.last_active,
        h.h_resolved,
        h.h_closed,
        list_contains(t.closed_states, i.state) or list_contains(t.cancelled_states, i.state)
            as closed_state,
        list_contains(t.resolved_states, i.state) as resolved_state
    from incidents as i
    join clock_targets as t
        on i.customer = t.customer
        and list_contains(t.services, i.service)
        and (t.priorities is null or list_contains(t.priorities, i.priority))
    left join history_stops as h
        on h.source = i.source and h.number = i.number and h.profile = t.profile
    where not (t.exclude_cancelled and coalesce(list_contains(t.cancelled_states, i.state), false))
),
stops as (
    select
        * exclude (first_response, resolved_field, closed_field, first_move, h_resolved, h_closed),
        coalesce(resolved_field, closed_field, h_resolved, h_closed) as final_resolved,
        case resolution_stop
            when 'closed' then coalesce(closed_field, h_closed)
            else coalesce(resolved_field, closed_field, h_resolved, h_closed)
        end as resolved,
        coalesce(first_response, first_move, resolved_field, closed_field, h_resolved, h_closed)
            as responded
    from matched
)
select
    * exclude (closed_state, resolved_state),
    coalesce(
        case when metric = 'response_time' then responded is null else resolved is null end
        and (
            closed_state
            or (resolved_state and (metric = 'response_time' or resolution_stop = 'resolved'))
        ),
        false
    ) as stop_unknown,
    case
        when metric = 'response_time'
            then 'no first response time, no state change in the state history and no '
                || 'resolution time'
        when resolution_stop = 'closed'
            then 'no closed_at, and no entry into a closed state in the state history'
        else 'no resolved_at or closed_at, and no final resolution or closure in the state '
            || 'history'
    end as why
from stops
