"""Catalogue: typed model, one clear message per mistake, JSON Schema, plain sentences."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from slm_analysis.catalogue import (
    TicketTimeTarget,
    catalogue_json_schema,
    load_catalogue,
    parse_catalogue,
    target_sentence,
    target_title,
)
from slm_analysis.errors import CatalogueError
from slm_analysis.periods import Period

VALID = """
calendars:
  office: {timezone: Europe/London, hours: {mon-fri: "09:00-17:00"}, holidays: {country: GB, subdivision: ENG}}
  always: {timezone: UTC, hours: 24x7}
customers:
  - {id: acme, name: Acme, timezone: Europe/London}
services:
  - {id: email, name: Email}
agreements:
  - id: acme-sla
    customer: acme
    services: [email]
    targets:
      - {id: p1, metric: resolution_time, priority: 1, within: 4h, calendar: office, objective: 95}
      - {id: p2, metric: resolution_time, priority: 2, within: 8h, calendar: office,
         objective: 90, effective_to: 2026-06-30}
      - {id: p2, metric: resolution_time, priority: 2, within: 6h, calendar: office,
         objective: 90, effective_from: 2026-07-01}
      - {id: av, metric: availability, calendar: always, objective: 99.9, warning: 99.95}
maintenance:
  - {id: patch, services: [email], timezone: Europe/London, start: 2026-01-04T02:00:00,
     rrule: "FREQ=MONTHLY;BYDAY=1SU", duration: 4h}
"""


def test_valid_catalogue_is_typed() -> None:
    cat = parse_catalogue(VALID, "c.yaml")
    t = cat.agreements[0].targets[0]
    assert isinstance(t, TicketTimeTarget)
    assert t.within == timedelta(hours=4)
    assert t.priority == [1]
    assert cat.calendar("office").holiday_country == "GB"
    assert target_sentence(cat, t) == (
        "95 % of Priority 1 incidents resolved within 4 business hours, "
        "Mon–Fri 09:00–17:00 Europe/London excluding public holidays in GB-ENG"
    )
    assert target_title(cat, t, ["email"]) == "P1 resolution"


def test_target_versions_follow_effective_dates() -> None:
    cat = parse_catalogue(VALID)
    june = [t.within for _, t in cat.targets_for("acme", Period.parse("2026-06")) if t.id == "p2"]
    july = [t.within for _, t in cat.targets_for("acme", Period.parse("2026-07")) if t.id == "p2"]
    assert june == [timedelta(hours=8)]
    assert july == [timedelta(hours=6)]


def test_recurring_maintenance_occurrences_in_local_time() -> None:
    cat = parse_catalogue(VALID)
    start, end = Period.parse("2026-07").bounds("UTC")
    occ = cat.maintenance[0].occurrences(start, end)
    assert [(s.isoformat(), e.isoformat()) for s, e in occ] == [
        ("2026-07-05T01:00:00+00:00", "2026-07-05T05:00:00+00:00")  # 02:00 BST
    ]


def test_each_mistake_gets_one_message_with_file_line_path_found_expected() -> None:
    bad = VALID.replace("calendar: office, objective: 95}", "calendar: ofice, objective: 95}")
    bad = bad.replace("within: 8h,", "within: 8 hurs,")
    bad = bad.replace("objective: 99.9,", "objective: 120,")
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(bad, "c.yaml")
    problems = info.value.problems
    assert len(problems) == 3
    text = [str(p) for p in problems]
    assert text[0].startswith("c.yaml:14: agreements[0].targets[0].calendar: found 'ofice'; ")
    assert "unknown calendar 'ofice'; defined calendars: always, office" in text[0]
    assert text[1].startswith("c.yaml:15: agreements[0].targets[1].within: found '8 hurs'; ")
    assert "unknown unit 'hurs'" in text[1]
    assert text[2].startswith("c.yaml:19: agreements[0].targets[3].objective: found 120; ")
    assert "less than or equal to 100" in text[2]


def test_misspelt_field_name_is_reported_as_unknown_field() -> None:
    bad = VALID.replace("priority: 1, within: 4h", "priority: 1, withn: 4h")
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(bad, "c.yaml")
    text = [str(p) for p in info.value.problems]
    assert any("agreements[0].targets[0].withn: unknown field 'withn'" in t for t in text)
    assert any("agreements[0].targets[0].within: missing" in t for t in text)


def test_structural_mistakes() -> None:
    for text, fragment in [
        ("customers: [", "YAML"),
        ("- a\n- b", "a mapping"),
        (VALID.replace("Europe/London, hours", "Europe/Londn, hours"), "unknown time zone"),
        (VALID.replace("mon-fri:", "weekdays:"), "is not a weekday"),
        (VALID.replace("country: GB", "country: XX"), "no country 'XX'"),
        (VALID.replace('rrule: "FREQ=MONTHLY;BYDAY=1SU"', 'rrule: "FREQ=SOMETIMES"'), "RFC 5545"),
        (VALID.replace("effective_from: 2026-07-01", "effective_from: 2026-06-01"), "overlapping"),
        (VALID.replace("metric: availability", "metric: uptime"), "metric must be one of"),
    ]:
        with pytest.raises(CatalogueError, match=fragment):
            parse_catalogue(text, "c.yaml")


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="slm demo"):
        load_catalogue(tmp_path / "nope.yaml")


def test_json_schema_describes_the_model() -> None:
    schema = json.loads(catalogue_json_schema())
    assert schema["title"] == "slm-workbench catalogue"
    assert set(schema["required"]) == {"customers", "services"}
    assert "source" not in schema["properties"]
    assert "TicketTimeTarget" in schema["$defs"]


def test_closures_are_dates() -> None:
    cat = parse_catalogue(
        VALID.replace("subdivision: ENG}", "subdivision: ENG}, closures: [2026-12-24]")
    )
    assert cat.calendar("office").closures == frozenset({date(2026, 12, 24)})


def test_ical_file_closes_the_dates_of_its_events(tmp_path: Path) -> None:
    from slm_analysis.ical import closure_dates

    fixture = Path(__file__).parent.parent / "fixtures" / "shutdown.ics"
    dates = closure_dates(fixture)
    assert {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26)} <= dates
    assert date(2026, 12, 27) not in dates  # DTEND is exclusive
    assert {date(2020, 6, 15), date(2026, 6, 15), date(2099, 6, 15)} <= dates  # yearly
    assert date(2026, 9, 10) in dates  # a timed event closes its day
    (tmp_path / "hol.ics").write_bytes(fixture.read_bytes())
    text = VALID.replace("subdivision: ENG}}", "subdivision: ENG}, ical: hol.ics}")
    cat = parse_catalogue(text, "c.yaml", base_dir=tmp_path)
    office = cat.calendar("office")
    thu = datetime(2026, 12, 24, 9, tzinfo=UTC)
    assert office.elapsed(thu, thu + timedelta(days=5)) == timedelta(0)  # 24 ical, 25-26 holidays
    with pytest.raises(
        CatalogueError, match=r"calendars.office.ical: found 'nope.ics'; iCalendar file"
    ):
        parse_catalogue(text.replace("hol.ics", "nope.ics"), "c.yaml", base_dir=tmp_path)
    (tmp_path / "bad.ics").write_text("this is not a calendar")
    with pytest.raises(CatalogueError, match="is not an iCalendar file"):
        parse_catalogue(text.replace("hol.ics", "bad.ics"), "c.yaml", base_dir=tmp_path)


def test_a_warning_level_lies_on_the_met_side_of_the_objective() -> None:
    """At risk means met but inside the warning band: a warning below a higher-is-better
    objective (or above an incident-count one) cannot describe that band and is refused."""
    bad = VALID.replace("objective: 99.9, warning: 99.95}", "objective: 99.9, warning: 99.5}")
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(bad, "c.yaml")
    assert str(err.value).splitlines()[1] == (
        "  - c.yaml:19: agreements[0].targets[3]: invalid entry; warning 99.5 is below objective "
        "99.9; the warning level marks the 'At risk' band of values that meet the objective, so "
        "it must be at or above 99.9; a value below the objective is Missed"
    )
    count = VALID.replace(
        "objective: 99.9, warning: 99.95}",
        "objective: 99.9, warning: 99.95}\n      - {id: n, metric: incident_count, objective: 10, warning: 12}",
    )
    with pytest.raises(
        CatalogueError, match="warning 12 is above objective 10; for a lower-is-better"
    ):
        parse_catalogue(count, "c.yaml")
    ok = count.replace("warning: 12}", "warning: 8}").replace(
        "{id: email, name: Email}", "{id: email, name: Email, monitored_since: 2026-03-01}"
    )
    cat = parse_catalogue(ok, "c.yaml")
    assert cat.service("email").monitored_since == date(2026, 3, 1)
