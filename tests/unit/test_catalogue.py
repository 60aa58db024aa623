"""Catalogue: typed model, one clear message per mistake, JSON Schema, plain sentences."""

from __future__ import annotations

import json
import textwrap
import tracemalloc
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
from slm_analysis.errors import CatalogueError, MappingError, UnknownNameError
from slm_analysis.importers.mapping import load_mapping
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


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ("FREQ=MINUTELY;BYMINUTE=0,30", "repeats the window within an hour; maintenance recurs "
         "hourly at most"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "gives no occurrence after the start 2026-01-04 "
         "02:00, so the window never takes place"),
        ("FREQ=HOURLY;INTERVAL=2;BYHOUR=3", "is not valid RFC 5545: Invalid rrule byxxx "
         "generates an empty set"),  # from 02:00 every other hour: even hours only
    ],
)  # fmt: skip
def test_a_maintenance_rule_that_would_walk_for_ever_is_refused(rule: str, why: str) -> None:
    """dateutil walks a rule matching nothing to the year 9999: a minutely one took 30 s of
    `slm check`, a secondly one hours. These are refused when the catalogue loads."""
    bad = VALID.replace("FREQ=MONTHLY;BYDAY=1SU", rule)
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(bad, "c.yaml")
    assert why in str(info.value.problems[0])


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


# ---------------------------------------------------------------------------- YAML limits
LAUGHS = """customers: []
services: []
calendars:
  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_a_billion_laughs_is_refused_before_it_expands() -> None:
    """Nine anchors of nine aliases each expand to 10⁹ values; the aliases may add at most
    10,000 nodes, so the file is refused while reading, with the alias that passes the limit
    (the time and memory of the refusal are measured in benchmarks/catalogue_load.py)."""
    tracemalloc.start()
    try:
        with pytest.raises(CatalogueError) as err:
            parse_catalogue(LAUGHS, "laughs.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(err.value) == (
        "the catalogue has 1 mistake:\n"
        "  - laughs.yaml:8: calendars.e[0]: the alias *d (of line 7) takes the nodes that "
        "aliases add to the file past 10,000; nested anchors and aliases can expand a few lines "
        "into billions of values; write the repeated parts out, or use fewer aliases: the "
        "aliases of a file may add at most 10,000 nodes to it"
    )
    assert peak < 20 * 2**20  # nothing was expanded


def test_aliases_within_the_limit_and_merge_keys_still_work() -> None:
    text = VALID.replace(
        "  always: {timezone: UTC, hours: 24x7}",
        "  always: &always {timezone: UTC, hours: 24x7}\n"
        "  utc: *always\n"
        "  london: {<<: *always, timezone: Europe/London}",
    )
    cat = parse_catalogue(text, "c.yaml")
    assert cat.calendars["utc"] == cat.calendars["always"]
    assert cat.calendars["london"].timezone == "Europe/London"
    assert cat.calendars["london"].hours == "24x7"


def test_an_alias_inside_the_value_it_names_is_refused() -> None:
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(VALID.replace("services: [email]", "services: &s [email, *s]"), "c.yaml")
    assert str(err.value).splitlines()[1] == (
        "  - c.yaml:12: agreements[0].services[1]: the alias *s inside the value it names; "
        "write the value out; a value cannot contain itself"
    )


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "catalogue.yaml"
    with big.open("wb") as f:
        f.truncate(21 * 2**20)  # sparse: 21 MiB that take no disk and are never read
    expected = (
        "at most 20 MiB (20,971,520 bytes) are read, so that a wrong file cannot exhaust "
        "memory; check that this is the right file (a catalogue of 10,000 customers and "
        "services is about 9 MiB)"
    )
    with pytest.raises(CatalogueError) as err:
        load_catalogue(big)
    assert str(err.value).splitlines()[1] == f"  - {big}: file: 22,020,096 bytes; {expected}"
    with pytest.raises(MappingError) as err:
        load_mapping(big)
    assert str(err.value).splitlines()[1] == f"  - {big}: file: 22,020,096 bytes; {expected}"
    text = "# " + "x" * (20 * 2**20)  # a comment, so valid YAML of 20 MiB + 2 bytes
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(text, "c.yaml")
    assert str(err.value).splitlines()[1] == f"  - c.yaml: file: 20,971,522 bytes; {expected}"


def test_a_key_written_twice_is_refused_naming_both_lines() -> None:
    twice = VALID.replace(
        "  always: {timezone: UTC, hours: 24x7}",
        "  always: {timezone: UTC, hours: 24x7}\n  office: {timezone: UTC}",
    ).replace("objective: 95}", "objective: 95, objective: 90}")
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(twice, "c.yaml")
    assert str(err.value).splitlines() == [
        "the catalogue has 2 mistakes:",
        "  - c.yaml:5: calendars.office: 'office' written twice, on lines 3 and 5; keep one "
        "of them (YAML would silently use only the last)",
        "  - c.yaml:15: agreements[0].targets[0].objective: 'objective' written twice, on "
        "line 15; keep one of them (YAML would silently use only the last)",
    ]


def test_values_yaml_cannot_build_are_mistakes_not_crashes() -> None:
    bad = VALID.replace("effective_to: 2026-06-30", "effective_to: 2026-06-31").replace(
        "customers:", "customers: !!omap\n  - one: 1\ncustomers_:"
    )
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(bad, "c.yaml")
    assert str(err.value).splitlines()[1:] == [
        "  - c.yaml:5: customers: the YAML tag !!omap; remove the tag: a plain list is expected",
        "  - c.yaml:18: agreements[0].targets[1].effective_to: found '2026-06-31'; not a valid "
        "date (day is out of range for month); write dates as YYYY-MM-DD",
    ]
    with pytest.raises(CatalogueError) as err:
        parse_catalogue("customers: []\nservices: []\n---\nservices: [x]\n", "c.yaml")
    assert str(err.value).splitlines()[1] == (
        "  - c.yaml:3: top level: a second YAML document (after a --- line); one document per "
        "file: remove the --- line or split the file"
    )
    with pytest.raises(CatalogueError) as err:
        parse_catalogue("a:\n  b: " + "[" * 100 + "]" * 100, "c.yaml")
    assert str(err.value).splitlines()[1] == (
        f"  - c.yaml:2: a.b{'[0]' * 62}: nested more than 64 levels deep; a file of ours needs "
        "fewer than 10 levels; at most 64 are read"
    )


def test_the_pure_python_parser_reads_and_refuses_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml the same values, lines and refusals."""
    import yaml

    from slm_analysis import yamlcheck

    monkeypatch.setattr(yamlcheck, "Loader", yaml.SafeLoader)
    cat = parse_catalogue(VALID, "c.yaml")
    assert cat.calendar("office").holiday_country == "GB"
    with pytest.raises(CatalogueError, match=r"laughs.yaml:8: calendars.e\[0\]: the alias \*d"):
        parse_catalogue(LAUGHS, "laughs.yaml")
    bad = VALID.replace("calendar: office, objective: 95}", "calendar: ofice, objective: 95}")
    with pytest.raises(CatalogueError, match=r"c.yaml:14: agreements\[0\].targets\[0\].calendar"):
        parse_catalogue(bad, "c.yaml")
    with pytest.raises(CatalogueError, match="nested more than 64 levels deep"):
        parse_catalogue("a: " + "[" * 100 + "]" * 100, "c.yaml")


def test_priorities_are_one_to_five() -> None:
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(VALID.replace("priority: 1,", "priority: 9,"), "c.yaml")
    assert str(err.value).splitlines()[1] == (
        "  - c.yaml:14: agreements[0].targets[0].priority: found 9; priority 9 is not in 1–5; "
        "incidents have priorities 1 (critical) to 5 (planning)"
    )
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(VALID.replace("priority: 2, within: 8h", "priority: [0, 2, 6], within: 8h"))
    assert str(err.value).splitlines()[1] == (
        "  - <memory>:15: agreements[0].targets[1].priority: found [0, 2, 6]; priorities 0, 6 "
        "are not in 1–5; incidents have priorities 1 (critical) to 5 (planning)"
    )


def test_look_ups_by_id_and_long_lists_in_messages() -> None:
    services = "".join(f"  - {{id: s{i:02d}, name: S{i}}}\n" for i in range(30))
    text = VALID.replace("services:\n  - {id: email, name: Email}\n", "services:\n" + services)
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(text, "c.yaml")
    assert "unknown service 'email'; defined services: s00, s01, s02" in str(err.value)
    assert "s18, s19 and 10 more" in str(err.value)
    cat = parse_catalogue(VALID)
    assert cat.service("email").name == "Email"
    assert cat.customer("acme").timezone == "Europe/London"
    assert [a.id for a in cat.agreements_for("acme")] == ["acme-sla"]
    with pytest.raises(UnknownNameError, match="known customers: acme"):
        cat.customer("globex")


def test_import_mappings_are_read_with_the_same_limits(tmp_path: Path) -> None:
    fixture = Path(__file__).parent.parent / "fixtures" / "generic_tickets.mapping.yaml"
    text = fixture.read_text(encoding="utf-8")
    twice = tmp_path / "twice.mapping.yaml"
    twice.write_text(text.replace("  state: Status\n", "  state: Status\n  priority: Sev\n"))
    with pytest.raises(MappingError) as err:
        load_mapping(twice)
    assert str(err.value).splitlines() == [
        "the import mapping has 1 mistake:",
        f"  - {twice}:11: columns.priority: 'priority' written twice, on lines 9 and 11; keep "
        "one of them (YAML would silently use only the last)",
    ]
    laughs = tmp_path / "laughs.mapping.yaml"
    laughs.write_text(text + textwrap.dedent(LAUGHS.split("calendars:\n", 1)[1]))
    with pytest.raises(MappingError, match=r"aliases of a file may add at most 10,000 nodes"):
        load_mapping(laughs)


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("../../etc/passwd", "/etc/passwd, outside the catalogue's folder"),
        ("/etc/passwd", "an absolute path is not allowed"),
        ("holidays/../../hol.ics", "outside the catalogue's folder"),
        ("escape.ics", "the path leads to"),  # a symbolic link out of the workspace
    ],
)
def test_an_ical_path_outside_the_workspace_is_refused(
    tmp_path: Path, value: str, found: str
) -> None:
    """The iCalendar file a catalogue names must lie inside the catalogue's folder (symbolic
    links resolved): a catalogue from someone else cannot make slm read a file elsewhere."""
    fixture = Path(__file__).parent.parent / "fixtures" / "shutdown.ics"
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (tmp_path / "hol.ics").write_bytes(fixture.read_bytes())  # beside the workspace, not in it
    (workspace / "escape.ics").symlink_to(tmp_path / "hol.ics")
    text = VALID.replace("subdivision: ENG}}", f"subdivision: ENG}}, ical: '{value}'}}")
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(text, "c.yaml", base_dir=workspace)
    (problem,) = err.value.problems
    assert problem.where == "calendars.office.ical"
    assert problem.found == f"found {value!r}"
    assert found in problem.expected
    assert problem.expected.endswith(
        f"give a path relative to the catalogue's folder {workspace.resolve()} that stays inside "
        "it (e.g. holidays/shutdown.ics), and copy the file there"
    )


def test_an_ical_path_inside_the_workspace_is_read(tmp_path: Path) -> None:
    fixture = Path(__file__).parent.parent / "fixtures" / "shutdown.ics"
    (tmp_path / "holidays").mkdir()
    (tmp_path / "holidays" / "shutdown.ics").write_bytes(fixture.read_bytes())
    (tmp_path / "inside.ics").symlink_to(tmp_path / "holidays" / "shutdown.ics")
    for value in ("holidays/shutdown.ics", "./holidays/../holidays/shutdown.ics", "inside.ics"):
        text = VALID.replace("subdivision: ENG}}", f"subdivision: ENG}}, ical: '{value}'}}")
        cat = parse_catalogue(text, "c.yaml", base_dir=tmp_path)
        assert date(2026, 12, 24) in cat.calendar("office").closures, value


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "effective_to: 2026-06-30}",
            "effective_to: 9999-12-31}",
            "c.yaml:16: agreements[0].targets[1].effective_to: found '9999-12-31'; year 9999 is "
            "outside the plausible years 1970–2100; check the year (a version with no end leaves "
            "effective_to out)",
        ),
        (
            "start: 2026-01-04T02:00:00",
            "start: 0001-01-04T02:00:00",
            "c.yaml:21: maintenance[0].start: found '0001-01-04 02:00:00'; year 1 is outside the "
            "plausible years 1970–2100; check the year (a version with no end leaves "
            "effective_to out)",
        ),
        (
            "subdivision: ENG}}",
            "subdivision: ENG}, closures: [1969-12-31]}",
            "c.yaml:3: calendars.office.closures[0]: found '1969-12-31'; year 1969 is outside "
            "the plausible years 1970–2100; check the year (a version with no end leaves "
            "effective_to out)",
        ),
        (
            "within: 4h,",
            "within: 99999999999d,",
            "c.yaml:14: agreements[0].targets[0].within: found '99999999999d'; '99999999999d' is "
            "longer than 366 days, the longest duration read (a target's time or a maintenance "
            "window is at most a year)",
        ),
        (
            "duration: 4h}",
            "duration: P400D}",
            "c.yaml:22: maintenance[0].duration: found 'P400D'; 'P400D' is longer than 366 days, "
            "the longest duration read (a target's time or a maintenance window is at most a "
            "year)",
        ),
        (
            'rrule: "FREQ=MONTHLY;BYDAY=1SU"',
            'rrule: "FREQ=SECONDLY"',
            "c.yaml:21: maintenance[0]: invalid entry; rrule 'FREQ=SECONDLY' repeats the window "
            "within an hour; maintenance recurs hourly at most (FREQ=HOURLY, DAILY, WEEKLY, "
            "MONTHLY or YEARLY)",
        ),
        (
            "{id: acme, name: Acme,",
            '{id: acme, name: "Ac\\0me",',
            "c.yaml:6: customers[0].name: 'Ac\\x00me', with a NUL character; remove the \\0 "
            "from the value",
        ),
    ],
)
def test_values_that_would_break_measuring_later_are_refused_at_load(
    old: str, new: str, problem: str
) -> None:
    """Before: a 99999999999-day `within` was "internal error: OverflowError" in `slm check`
    and `attainment`, a secondly maintenance rule never finished, dates in year 1 or 9999 and
    NULs were accepted."""
    assert old in VALID
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(VALID.replace(old, new), "c.yaml")
    assert [str(p) for p in err.value.problems] == [problem]


def test_the_plausible_years_and_the_longest_duration_are_accepted() -> None:
    text = VALID.replace(
        "effective_to: 2026-06-30}", "effective_from: 1970-01-01, effective_to: 2026-06-30}"
    )
    text = text.replace(
        "effective_from: 2026-07-01}", "effective_from: 2026-07-01, effective_to: 2100-12-31}"
    )
    text = text.replace("within: 4h,", "within: 366d,").replace('1SU"', '1SU;BYHOUR=1,2,3"')
    cat = parse_catalogue(text.replace("start: 2026-01-04", "start: 1970-01-04"), "c.yaml")
    assert cat.agreements[0].targets[0].within == timedelta(days=366)  # type: ignore[union-attr]


def test_mapping_layouts_and_fields_are_checked_when_it_loads(tmp_path: Path) -> None:
    """Before: a layout strptime does not know failed the load with a message blaming the
    export file; a field both mapped and constant showed the constant's name in the quarantine
    while the column's values were used; a NUL in a constant was stored."""
    fixture = Path(__file__).parent.parent / "fixtures" / "generic_tickets.mapping.yaml"
    text = fixture.read_text(encoding="utf-8")
    cases = [
        (
            text.replace('"%d.%m.%Y %H:%M"', '"%d.%m.%Y %Q"'),
            "  - {path}:4: timestamp_format: found '%d.%m.%Y %Q'; '%d.%m.%Y %Q' is not a strptime "
            "layout (Unrecognized format for strftime/strptime: %Q); write one such as "
            "'%d.%m.%Y %H:%M' (%d day, %m month, %Y year, %H hour, %M minute)",
        ),
        (
            text.replace("  business_service: Email", "  business_service: Email\n  priority: 2"),
            "  - {path}:2: top level: invalid entry; field(s) priority both mapped to a column "
            "and given as a constant; keep one",
        ),
        (
            text.replace("  business_service: Email", '  business_service: "E\\0mail"'),
            "  - {path}:17: constants.business_service: 'E\\x00mail', with a NUL character; "
            "remove the \\0 from the value",
        ),
    ]
    for n, (content, line) in enumerate(cases):
        path = tmp_path / f"m{n}.yaml"
        path.write_text(content)
        with pytest.raises(MappingError) as err:
            load_mapping(path)
        assert str(err.value).splitlines() == [
            "the import mapping has 1 mistake:",
            line.format(path=path),
        ]


def test_a_binary_value_is_refused_so_no_nul_gets_in() -> None:
    bad = VALID.replace("customers:", "customers_x: !!binary QUMAWA==\ncustomers:", 1)
    with pytest.raises(CatalogueError, match=r"the YAML tag !!binary; remove the tag"):
        parse_catalogue(bad, "c.yaml")


AV = "{id: av, metric: availability, calendar: always, objective: 99.9, warning: 99.95}"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "method: timeslices, slice: 7m, good_when: {success_ratio: 0.9}",
            "agreements[0].targets[3].slice: found '7m'; a slice of 7 minutes does not divide a "
            "day into whole minutes; choose one of 1m, 2m, 3m, 4m, 5m, 6m, 8m, 9m, 10m, 12m, "
            "15m, 16m, 18m, 20m, 24m, 30m, 32m, 36m, 40m, 45m, 48m, 60m (or 2h, 3h, 4h, 6h, 8h, "
            "12h, 24h)",
        ),
        (
            "method: timeslices, slice: 90s, good_when: {success_ratio: 0.9}",
            "agreements[0].targets[3].slice: found '90s'; a slice of 1 minute 30 seconds does "
            "not divide a day into whole minutes; choose one of",
        ),
        (
            "method: timeslices, slice: 2d, good_when: {success_ratio: 0.9}",
            "agreements[0].targets[3].slice: found '2d'; a slice of 2 days does not divide",
        ),
        (
            "method: timeslices, good_when: {latency_p96_ms: 800}",
            "agreements[0].targets[3].good_when: invalid entry; unknown condition "
            "'latency_p96_ms'; a slice is good when `success_ratio: 0.9` (share of its check "
            "results that succeed) and/or `latency_pNN_ms: 800` (NN one of 50, 75, 90, 95, 99) "
            "holds",
        ),
        (
            "method: timeslices, good_when: {success_ratio: 90}",
            "agreements[0].targets[3].good_when.success_ratio: found 90; a share from 0 "
            "(exclusive) to 1; for 90 % write 0.9",
        ),
        (
            "method: timeslices, good_when: {}",
            "agreements[0].targets[3].good_when: invalid entry; good_when needs a condition: "
            "{success_ratio: 0.9} or {latency_p95_ms: 800}",
        ),
        (
            "method: timeslices, good_when: {latency_p95_ms: 800, latency_p99_ms: 2000}",
            "good_when has 2 latency conditions (latency_p95_ms, latency_p99_ms); give one "
            "percentile",
        ),
        (
            "method: timeslices",
            "agreements[0].targets[3]: invalid entry; a timeslices target needs `good_when`, "
            "e.g. good_when: {success_ratio: 0.9}",
        ),
        (
            "method: events, slice: 5m",
            "`slice` applies to method: timeslices, and this target's method is events; remove "
            "`slice` or write `method: timeslices`",
        ),
        (
            "method: events, partial_weight: 0.3",
            "`partial_weight` applies to method: time, and this target's method is events",
        ),
        (
            "latency_ms: 500",
            "`latency_ms` applies to method: events, and this target's method "
            "is time; remove `latency_ms` or write `method: events`",
        ),
        (
            "method: slices",
            "agreements[0].targets[3].method: found 'slices'; Input should be "
            "'time', 'events' or 'timeslices'",
        ),
        ("method: events, latency_ms: 0", "agreements[0].targets[3].latency_ms: found 0"),
        ("method: events, window: 5m", "agreements[0].targets[3].window: unknown field 'window'"),
    ],
)
def test_availability_method_settings_are_checked_at_load(target: str, message: str) -> None:
    text = VALID.replace(AV, AV[:-1] + ", " + target + "}")
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(text)
    [line] = [x for x in str(err.value).splitlines()[1:]]
    assert message in line


def test_availability_methods_describe_themselves() -> None:
    slices = "method: timeslices, slice: 5m, good_when: {success_ratio: 0.9}"
    cat = parse_catalogue(VALID.replace(AV, AV[:-1] + ", " + slices + "}"))
    a = cat.agreements[0]
    av = a.targets[3]
    assert target_sentence(cat, av, a) == (
        "99.9 % of 5-minute slices good (≥ 90 % of checks succeed) during service hours (24 "
        "hours a day, 7 days a week (UTC)), planned maintenance excluded; slices without check "
        "results not counted"
    )
    assert target_title(cat, av, a.services) == "Email availability (5-min slices)"
    latency = "method: timeslices, good_when: {success_ratio: 0.95, latency_p99_ms: 1500}"
    cat = parse_catalogue(
        VALID.replace(AV, AV[:-1] + ", " + latency + "}").replace(
            "services: [email]\n    targets",
            "services: [email]\n    monitoring: {no_data: down}\n    targets",
        )
    )
    a = cat.agreements[0]
    assert target_sentence(cat, a.targets[3], a).startswith(
        "99.9 % of 5-minute slices good (≥ 95 % of checks succeed and p99 latency ≤ 1500 ms)"
    )
    assert target_sentence(cat, a.targets[3], a).endswith(
        "slices without check results counted as bad"
    )
    events = "method: events, latency_ms: 800"
    cat = parse_catalogue(VALID.replace(AV, AV[:-1] + ", " + events + "}"))
    a = cat.agreements[0]
    assert target_sentence(cat, a.targets[3], a) == (
        "99.9 % of check results good (succeeded and answered within 800 ms) during service "
        "hours (24 hours a day, 7 days a week (UTC)), planned maintenance excluded"
    )
    assert target_title(cat, a.targets[3], a.services) == "Email availability (checks)"
    # the time-based sentence is as before
    cat = parse_catalogue(VALID)
    assert target_sentence(cat, cat.agreements[0].targets[3], cat.agreements[0]) == (
        "99.9 % availability during service hours (24 hours a day, 7 days a week (UTC)), "
        "planned maintenance excluded, partial outages counted at 50%"
    )
