-- Schema 5 → 6: the door (importers.load._door) keeps date-times outside the plausible years
-- ($first included, $end excluded, both UTC; $years: the first and last year, for the reason)
-- out of every load, but a warehouse loaded before it may hold a placeholder such as
-- 0001-01-01 or 9999-12-31, which overflowed the measures ("internal error: OverflowError").
-- Such rows move to the quarantine as the door would have put them there: under the load that
-- stored them, naming their first such column and its value; the line is not known any more.
create temp table implausible as
with cells as (
    unpivot (
        select 'incidents' as tbl, rowid as rid, load_id, customer,
            opened_at, first_response_at, resolved_at, closed_at, updated_at
        from incidents
    ) on opened_at, first_response_at, resolved_at, closed_at, updated_at
    into name column_name value stamp
    union all by name
    unpivot (
        select 'incident_states' as tbl, rowid as rid, load_id, null::varchar as customer,
            start_at, end_at
        from incident_states
    ) on start_at, end_at into name column_name value stamp
    union all by name
    unpivot (
        select 'outages' as tbl, rowid as rid, load_id, customer, start_at, end_at from outages
    ) on start_at, end_at into name column_name value stamp
    union all by name
    select 'checks' as tbl, rowid as rid, load_id, customer, 'checked_at' as column_name,
        checked_at as stamp
    from checks
    union all by name
    select 'surveys' as tbl, rowid as rid, load_id, customer, 'submitted_at' as column_name,
        submitted_at as stamp
    from surveys
    union all by name
    unpivot (
        select 'maintenance_windows' as tbl, rowid as rid, load_id, customer, start_at, end_at
        from maintenance_windows
    ) on start_at, end_at into name column_name value stamp
    union all by name
    unpivot (
        select 'actions' as tbl, rowid as rid, load_id, customer, opened_at, due_at, closed_at
        from actions
    ) on opened_at, due_at, closed_at into name column_name value stamp
)
select tbl, rid, load_id, customer, column_name, stamp
from cells
where stamp < $first or stamp >= $end
qualify row_number() over (partition by tbl, rid order by column_name) = 1;

insert into quarantine
select
    i.load_id,
    l.kind,
    l.path,
    null,
    i.column_name,
    strftime(i.stamp, '%Y-%m-%d %H:%M:%S+00'),
    'year ' || strftime(i.stamp, '%Y') || ' is outside the plausible years ' || $years[1] || '–'
        || $years[2] || ' (UTC); it was stored before slm checked dates at the door and is '
        || 'taken out of the ' || i.tbl || ' table; correct the date in the export (a '
        || 'placeholder for "no date" should be an empty cell) and load it again',
    i.customer
from implausible as i
join load_log as l using (load_id);

delete from incidents
where rowid in (select rid from implausible where tbl = 'incidents');
delete from incident_states
where rowid in (select rid from implausible where tbl = 'incident_states');
delete from outages
where rowid in (select rid from implausible where tbl = 'outages');
delete from checks
where rowid in (select rid from implausible where tbl = 'checks');
delete from surveys
where rowid in (select rid from implausible where tbl = 'surveys');
delete from maintenance_windows
where rowid in (select rid from implausible where tbl = 'maintenance_windows');
delete from actions
where rowid in (select rid from implausible where tbl = 'actions');

drop table implausible
