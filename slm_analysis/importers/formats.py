"""Declared export formats: how to recognise a header and which staging query reads it.

A format names the canonical columns its staging query expects and, for each, the header
names real exports use (field names and labels, case-insensitive). Detection picks the format
whose required columns are all present; ties go to the one that matches more columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# How a check export's rows are read (checks only): `polled` — one row per check run, a result
# speaks for its own interval and a gap is no data; `status-change` — a row only when the
# monitor's state changes, which then holds until the next row (see docs/metrics.md)
Stream = Literal["polled", "status-change"]
STREAMS: tuple[str, ...] = Stream.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Format:
    name: str
    kind: str  # the KIND of `slm load`
    table: str  # canonical table written
    description: str
    columns: dict[str, tuple[str, ...]]  # canonical → accepted header names
    required: tuple[str, ...]
    # sql/<staging>.sql: a query over `stage` giving one row per record, in file order (no
    # filter, join, window or aggregate; irrelevant rows are flagged `_skip`), so a row's
    # position in `staged` gives its line. A rejected row has `_column` (the canonical column
    # at fault, a key of `columns`: the loader reports it under the file's own header),
    # `_value` (its text) and `_reason` (unreadable date-times: slm_ts_reason($layouts)).
    # What no format may store — a NUL character, a date-time outside the plausible years — the
    # loader checks on every staging query's rows (importers.load._door), not the query itself
    staging: str
    source: str  # source-system family stored in the `source` column
    signature: tuple[str, ...] = field(default=())  # headers that must be present to detect
    # derived outputs: table → sql/<name>.sql reading the validated rows (`mapped`); default:
    # the staged rows go to `table` as they are
    derive: tuple[tuple[str, str], ...] = field(default=())
    # canonical columns holding date-times (a mapping file's timestamp_format applies to them)
    timestamps: tuple[str, ...] = field(default=())
    # macros.sql: the macro listing the date-time layouts the staging query reads
    layouts: str = "slm_ts_layouts"
    # checks: the kind of stream the rows are (stored per row in checks.stream); None otherwise
    stream: Stream | None = None

    def resolve(self, header: list[str]) -> dict[str, str]:
        """canonical column → actual header (first match), for the columns present."""
        lowered: dict[str, str] = {}
        for h in header:
            lowered.setdefault(h.strip().lower(), h)
        out = {}
        for canonical, names in self.columns.items():
            for n in (canonical, *names):
                if n.lower() in lowered:
                    out[canonical] = lowered[n.lower()]
                    break
        return out

    def missing(self, header: list[str]) -> list[str]:
        found = self.resolve(header)
        return [c for c in self.required if c not in found]

    def matches(self, header: list[str]) -> bool:
        lowered = {h.strip().lower() for h in header}
        return not self.missing(header) and all(s.lower() in lowered for s in self.signature)


SERVICENOW_INCIDENTS = Format(
    name="servicenow-incidents",
    kind="incidents",
    table="incidents",
    description="ServiceNow incident list export (CSV), field names or labels as headers",
    source="servicenow",
    columns={
        "number": ("Number",),
        "opened_at": ("Opened",),
        "short_description": ("Short description",),
        "priority": ("Priority",),
        "state": ("State", "incident_state", "Incident state"),
        "resolved_at": ("Resolved",),
        "closed_at": ("Closed",),
        "first_response_at": ("u_first_response", "First response"),
        "category": ("Category",),
        "company": ("Company",),
        "business_service": ("Service",),
        "service_offering": ("Service offering",),
        "cmdb_ci": ("Configuration item",),
        "assignment_group": ("Assignment group",),
        "assigned_to": ("Assigned to",),
        "major_incident_state": ("Major incident state",),
        "reopen_count": ("Reopen count",),
        "made_sla": ("Made SLA",),
        "sys_updated_on": ("Updated",),
    },
    required=("number", "opened_at", "priority", "state"),
    staging="stage_servicenow_incidents",
    signature=(),
    timestamps=("opened_at", "resolved_at", "closed_at", "first_response_at", "sys_updated_on"),
)

SERVICENOW_STATE_METRICS = Format(
    name="servicenow-state-metrics",
    kind="incidents",
    table="incident_states",
    description="ServiceNow metric_instance export of the 'Incident State Duration' metric",
    source="servicenow",
    columns={
        "number": ("id", "ID"),
        "definition": ("Definition",),
        "value": ("Value",),
        "start": ("Start",),
        "end": ("End",),
    },
    required=("number", "definition", "value", "start", "end"),
    staging="stage_servicenow_state_metrics",
    signature=("definition",),
    timestamps=("start", "end"),
)

SERVICENOW_OUTAGES = Format(
    name="servicenow-outages",
    kind="outages",
    table="outages",
    description="ServiceNow outage records (cmdb_ci_outage): type, begin, end, cmdb_ci",
    source="servicenow",
    columns={
        "outage_id": ("number", "Number"),
        "type": ("Type",),
        "begin": ("Begin",),
        "end": ("End",),
        "cmdb_ci": ("Configuration item",),
        "title": ("short_description", "message", "Short description", "Message"),
        "task": ("task_number", "Task number", "Task"),  # the incident or change behind it
    },
    required=("outage_id", "type", "begin", "end", "cmdb_ci"),
    staging="stage_servicenow_outages",
    timestamps=("begin", "end"),
)

_CHECK_COLUMNS: dict[str, tuple[str, ...]] = {
    "checked_at": ("timestamp", "time"),
    "check_name": ("check", "monitor", "monitor_name", "monitor_id", "name"),
    "status": ("ok", "up", "result"),
    "latency_ms": ("response_time_ms", "latency", "ping", "duration_ms"),
    # a status-change stream keeps only its rows flagged important (Uptime Kuma's flips)
    "important": (),
    # the check's name where check_name is empty (Prometheus: the job of a series without an
    # instance label)
    "job": (),
}

UPTIME_CHECKS = Format(
    name="uptime-checks",
    kind="checks",
    table="checks",
    description="Uptime check results, polled: timestamp, check, status (up/down, 1/0), latency",
    source="monitoring",
    columns=_CHECK_COLUMNS,
    required=("checked_at", "check_name", "status"),
    staging="stage_uptime_checks",
    timestamps=("checked_at",),
    stream="polled",
)

UPTIME_KUMA_HEARTBEATS = Format(
    name="uptime-kuma-heartbeats",
    kind="checks",
    table="checks",
    description="Uptime Kuma heartbeats with their `important` flag, read as a status-change "
    "stream: the important rows are the monitor's flips; the others are skipped",
    source="uptime-kuma",
    columns=_CHECK_COLUMNS,
    required=("checked_at", "check_name", "status", "important"),
    staging="stage_uptime_checks",
    signature=("important",),
    timestamps=("checked_at",),
    stream="status-change",
)

# Upptime's status history: every change of a site's status is a commit touching
# history/<slug>.yml whose subject is "<prefix> <Site> is <up|down|degraded> (<code> in <ms> ms)
# [skip ci] [upptime]" (the default `commitMessages.statusChange` of upptime/uptime-monitor);
# exported as `commit<TAB>date<TAB>subject` rows from `git log --format='%H%x09%aI%x09%s'
# -- history/` under that header (docs/user-guide.md). Other commits (summaries, graphs) are
# skipped.
UPPTIME_HISTORY = Format(
    name="upptime-history",
    kind="checks",
    table="checks",
    description="Upptime's git history of a status repository (commit, date, subject), read "
    "as a status-change stream: each 'is up/down/degraded' commit is a change; degraded is down",
    source="upptime",
    columns={"commit": (), "committed_at": ("date",), "subject": ()},
    required=("committed_at", "subject"),
    staging="stage_upptime_history",
    signature=("subject",),
    timestamps=("committed_at",),
    stream="status-change",
)

# Prometheus `up` reduced to its change points: the query_range answer of a changes()-style
# query (`up and changes(up[1m]) > 0` at step 1m), named with --format (the same JSON read
# without it is a polled `up` series: uptime-checks), or CSV rows timestamp, instance/job, value
PROMETHEUS_CHANGES = Format(
    name="prometheus-changes",
    kind="checks",
    table="checks",
    description="Prometheus `up` change points (query_range JSON of a changes()-style query, "
    "or CSV timestamp, instance, job, value), read as a status-change stream",
    source="prometheus",
    columns={
        "checked_at": ("timestamp", "time"),
        "check_name": ("check", "instance", "job"),
        "status": ("value",),
        "latency_ms": (),
        "important": (),
        "job": (),
    },
    required=("checked_at", "check_name", "status"),
    staging="stage_uptime_checks",
    signature=("value",),
    timestamps=("checked_at",),
    stream="status-change",
)

# The uptime bars of a hosted status page: per component and local day (the load's zone), the
# minutes of partial and of major outage. They measure 24x7 availability exactly and nothing
# finer (docs/metrics.md, "Status-page day tables").
STATUSPAGE_DAYS = Format(
    name="statuspage-days",
    kind="outages",
    table="downtime_days",
    description="Status-page uptime bars: date, component, partial and major outage minutes "
    "per day (days in the load's --timezone)",
    source="statuspage",
    columns={
        "day": ("date",),
        "component": ("name",),
        "partial_minutes": ("partial", "partial_outage_minutes"),
        "major_minutes": ("major", "major_outage_minutes"),
    },
    required=("day", "component", "partial_minutes", "major_minutes"),
    staging="stage_statuspage_days",
    timestamps=("day",),
)

SURVEY_RESPONSES = Format(
    name="survey-responses",
    kind="surveys",
    table="surveys",
    description="Satisfaction survey responses: id, submitted, score, incident, comment",
    source="survey",
    columns={
        "response_id": ("id", "response", "Response ID"),
        "submitted_at": ("submitted", "taken_on", "Submitted"),
        "score": ("rating", "Score"),
        "incident_number": ("incident", "task", "Incident"),
        "company": ("Company",),
        "business_service": ("service", "Service"),
        "comment": ("comments", "Comment"),
    },
    required=("response_id", "submitted_at", "score"),
    staging="stage_survey_responses",
    signature=("score",),
    timestamps=("submitted_at",),
)

SERVICENOW_CHANGES = Format(
    name="servicenow-changes",
    kind="maintenance",
    table="maintenance_windows",
    description="ServiceNow change_request export: planned start/end per service",
    source="servicenow",
    columns={
        "window_id": ("number", "Number"),
        "start_date": ("Planned start date", "planned_start"),
        "end_date": ("Planned end date", "planned_end"),
        "business_service": ("Service",),
        "cmdb_ci": ("Configuration item",),
        "company": ("Company",),
        "title": ("short_description", "Short description"),
        "state": ("State",),
    },
    required=("window_id", "start_date", "end_date"),
    staging="stage_servicenow_changes",
    timestamps=("start_date", "end_date"),
)

ACTION_REGISTER = Format(
    name="action-register",
    kind="actions",
    table="actions",
    description="Improvement action register: id, title, customer, service, owner, due, status",
    source="register",
    columns={
        "action_id": ("id", "ID"),
        "title": ("Title",),
        "customer_id": ("customer", "Customer"),
        "service_id": ("service", "Service"),
        "target_id": ("target", "Target"),
        "incident_number": ("incident", "Incident"),
        "owner": ("Owner",),
        "opened_at": ("opened", "Opened"),
        "due_at": ("due", "Due"),
        "status": ("Status",),
        "closed_at": ("closed", "Closed"),
    },
    required=("action_id", "title", "status"),
    staging="stage_action_register",
    signature=("title", "status"),
    timestamps=("opened_at", "due_at", "closed_at"),
)

SERVICENOW_EVENT_LOG = Format(
    name="servicenow-event-log",
    kind="incidents",
    table="incidents",
    description="ServiceNow audit event log: one row per update (e.g. the UCI incident log)",
    source="servicenow",
    columns={
        "number": (),
        "incident_state": (),
        "opened_at": (),
        "sys_updated_at": ("sys_updated_on",),
        "sys_mod_count": (),
        "resolved_at": (),
        "closed_at": (),
        "priority": (),
        "category": (),
        "cmdb_ci": (),
        "assignment_group": (),
        "assigned_to": (),
        "reopen_count": (),
        "made_sla": (),
    },
    required=("number", "incident_state", "opened_at", "sys_updated_at", "priority"),
    staging="stage_servicenow_event_log",
    signature=("incident_state", "sys_mod_count"),
    derive=(
        ("incidents", "derive_event_log_snapshot"),
        ("incident_states", "derive_event_log_states"),
    ),
    timestamps=("opened_at", "sys_updated_at", "resolved_at", "closed_at"),
)

JIRA_ALL_FIELDS = Format(
    name="jira-all-fields",
    kind="incidents",
    table="incidents",
    description="Jira Service Management 'Export Excel CSV (all fields)', English or Spanish",
    source="jira",
    columns={
        "number": ("Issue key", "Clave de incidencia", "Clave"),
        "summary": ("Summary", "Resumen"),
        "issue_type": ("Issue Type", "Tipo de Incidencia"),
        "status": ("Status", "Estado"),
        "project_key": ("Project key", "Clave del proyecto"),
        "priority": ("Priority", "Prioridad"),
        "assignee": ("Assignee", "Responsable"),
        "created": ("Created", "Creada"),
        "updated": ("Updated", "Actualizada"),
        "resolved": ("Resolved", "Resuelta"),
        "affected_services": (
            "Custom field (Affected services)",
            "Campo personalizado (Affected services)",
        ),
        "organizations": ("Custom field (Organizations)", "Campo personalizado (Organizations)"),
        "satisfaction": ("Satisfaction rating", "Valoración de satisfacción"),
        "satisfaction_date": (
            "Custom field (Satisfaction date)",
            "Campo personalizado (Satisfaction date)",
        ),
        "time_to_resolution": (
            "Custom field (Time to resolution)",
            "Campo personalizado (Time to resolution)",
        ),
        "first_response": (
            "Custom field ([CHART] Date of First Response)",
            "Campo personalizado ([CHART] Date of First Response)",
        ),
    },
    required=("number", "created", "status", "priority"),
    staging="stage_jira_all_fields",
    derive=(("incidents", "derive_jira_incidents"), ("surveys", "derive_jira_surveys")),
    timestamps=("created", "updated", "resolved", "first_response", "satisfaction_date"),
    layouts="slm_jira_ts_formats",
)

STATUSPAGE_DOWNTIME = Format(
    name="statuspage-downtime",
    kind="outages",
    table="outages",
    description="Status-page incident windows: id, start, end, impact (maintenance = planned)",
    source="statuspage",
    columns={
        "outage_id": ("incident_id", "id"),
        "downtime_start": ("start", "started_at"),
        "downtime_end": ("end", "resolved_at"),
        "impact": (),
        "title": ("name",),
    },
    required=("outage_id", "downtime_start", "downtime_end", "impact"),
    staging="stage_statuspage_downtime",
    signature=("impact",),
    timestamps=("downtime_start", "downtime_end"),
)

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        SERVICENOW_INCIDENTS,
        SERVICENOW_EVENT_LOG,
        SERVICENOW_STATE_METRICS,
        JIRA_ALL_FIELDS,
        SERVICENOW_OUTAGES,
        STATUSPAGE_DOWNTIME,
        STATUSPAGE_DAYS,
        UPTIME_CHECKS,
        UPTIME_KUMA_HEARTBEATS,
        UPPTIME_HISTORY,
        PROMETHEUS_CHANGES,
        SURVEY_RESPONSES,
        SERVICENOW_CHANGES,
        ACTION_REGISTER,
    )
}
KINDS = ("incidents", "outages", "checks", "surveys", "maintenance", "actions")

# the format whose staging a mapping file's columns feed, per kind (and event-log mode)
GENERIC_BASE = {
    ("incidents", False): SERVICENOW_INCIDENTS,
    ("incidents", True): SERVICENOW_EVENT_LOG,
    ("outages", False): SERVICENOW_OUTAGES,
    ("checks", False): UPTIME_CHECKS,
    ("surveys", False): SURVEY_RESPONSES,
    ("maintenance", False): SERVICENOW_CHANGES,
    ("actions", False): ACTION_REGISTER,
}
