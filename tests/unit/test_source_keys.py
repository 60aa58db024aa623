"""Records are keyed by source and number: two customers' systems that number alike never
replace each other's records silently, and a reload of the same file with corrected settings
replaces what it loaded before."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from slm_analysis.catalogue import parse_catalogue
from slm_analysis.errors import InputError, MappingError
from slm_analysis.importers import load_file
from slm_analysis.warehouse import TABLES

FIX = Path(__file__).parent.parent / "fixtures"
CATALOGUE = parse_catalogue("""
customers: [{id: acme, name: Acme}, {id: globex, name: Globex}]
services: [{id: email, name: Email}, {id: webshop, name: Web Shop}]
mapping:
  - {match: {company: Acme Retail Ltd}, customer: acme}
  - {match: {company: Globex}, customer: globex}
""")
HEADER = (
    "number,opened_at,short_description,priority,state,company,business_service,resolved_at,"
    "sys_updated_on\n"
)


def incidents(path: Path, company: str, *rows: str) -> Path:
    """A ServiceNow incident export of ``company``; a row is ``number,opened,title``."""
    lines = [
        f"{n},{opened},{title},2 - High,Resolved,{company},Email,{opened},{opened}"
        for n, opened, title in (r.split(",") for r in rows)
    ]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def everything(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    return {t: con.execute(f"select * from {t} order by all").fetchall() for t in TABLES}


def held(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "select source, number, customer, short_description from incidents order by all"
    ).fetchall()


def test_another_customers_number_is_refused_with_both_named(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    acme = incidents(tmp_path / "acme.csv", "Acme Retail Ltd", "INC1,2026-03-02 09:00:00,Mail")
    load_file(con, "incidents", acme, catalogue=CATALOGUE)
    before = everything(con)
    globex = incidents(
        tmp_path / "globex.csv",
        "Globex",
        "INC0,2026-03-01 09:00:00,Other",
        "INC1,2026-03-03 09:00:00,Printer",
    )
    with pytest.raises(InputError) as e:
        load_file(con, "incidents", globex, catalogue=CATALOGUE)
    assert e.value.message == (
        f"{globex}: 1 row would change the customer of incidents records that belong to another "
        "customer; nothing was loaded:\n"
        f"  line 3: INC1 (source servicenow) is acme's, loaded from {acme}; this file gives it "
        "to globex\n"
        "If the files come from different systems that number records alike, load each with "
        "its own --source NAME (for example --source globex-servicenow); if one system serves "
        "several customers and its records move between them (or a mapping was wrong), load "
        "with --shared-source."
    )
    assert everything(con) == before


def test_a_source_name_keeps_two_systems_apart(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    acme = incidents(tmp_path / "acme.csv", "Acme Retail Ltd", "INC1,2026-03-02 09:00:00,Mail")
    globex = incidents(tmp_path / "globex.csv", "Globex", "INC1,2026-03-03 09:00:00,Printer")
    load_file(con, "incidents", acme, catalogue=CATALOGUE)
    r = load_file(con, "incidents", globex, catalogue=CATALOGUE, source="globex-snow")
    assert r.rows_loaded == 1
    assert held(con) == [
        ("globex-snow", "INC1", "globex", "Printer"),
        ("servicenow", "INC1", "acme", "Mail"),
    ]
    # the same file again: nothing new, nothing refused
    assert (
        load_file(con, "incidents", globex, catalogue=CATALOGUE, source="globex-snow").rows_loaded
        == 0
    )


def test_a_shared_source_lets_a_record_move_between_customers(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    load_file(
        con,
        "incidents",
        incidents(tmp_path / "a.csv", "Acme Retail Ltd", "INC1,2026-03-02 09:00:00,Mail"),
        catalogue=CATALOGUE,
    )
    moved = incidents(tmp_path / "b.csv", "Globex", "INC1,2026-03-02 10:00:00,Mail")
    load_file(con, "incidents", moved, catalogue=CATALOGUE, shared_source=True)
    assert held(con) == [("servicenow", "INC1", "globex", "Mail")]


def test_a_source_name_is_an_id(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    f = incidents(tmp_path / "a.csv", "Acme Retail Ltd", "INC1,2026-03-02 09:00:00,Mail")
    with pytest.raises(InputError, match=r"^--source '\.\./x': "):
        load_file(con, "incidents", f, catalogue=CATALOGUE, source="../x")
    assert held(con) == []


def actions(path: Path, customer: str) -> Path:
    path.write_text(
        "id,title,customer,service,target,incident,owner,opened,due,status,closed\n"
        f"SIP-1,Rota for {customer},{customer},email,,,Ops,2026-03-01,2026-04-01,Open,\n",
        encoding="utf-8",
    )
    return path


def test_actions_of_two_customers_with_one_id(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    load_file(con, "actions", actions(tmp_path / "a.csv", "acme"), catalogue=CATALOGUE)
    theirs = actions(tmp_path / "g.csv", "globex")
    with pytest.raises(InputError, match=r"SIP-1 \(source register\) is acme's"):
        load_file(con, "actions", theirs, catalogue=CATALOGUE)
    load_file(con, "actions", theirs, catalogue=CATALOGUE, source="globex-register")
    assert con.execute(
        "select source, action_id, customer, title from actions order by all"
    ).fetchall() == [
        ("globex-register", "SIP-1", "globex", "Rota for globex"),
        ("register", "SIP-1", "acme", "Rota for acme"),
    ]


def test_a_corrected_reload_replaces_the_earlier_times(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # A summer ticket: read as UTC first, then (correctly) as London time, an hour earlier in
    # UTC — so the corrected update time is older than the stored one, and "newest wins"
    # alone would keep the wrong row.
    f = incidents(tmp_path / "a.csv", "Acme Retail Ltd", "INC1,2026-07-01 09:00:00,Mail")
    load_file(con, "incidents", f, catalogue=CATALOGUE)
    r = load_file(con, "incidents", f, catalogue=CATALOGUE, timezone="Europe/London")
    assert (r.rows_loaded, r.warnings) == (1, [])
    assert con.execute("select opened_at, updated_at from incidents").fetchall() == [
        (datetime(2026, 7, 1, 8, tzinfo=UTC), datetime(2026, 7, 1, 8, tzinfo=UTC))
    ]


def test_a_corrected_reload_of_an_event_log_leaves_no_stale_states(
    con: duckdb.DuckDBPyConnection,
) -> None:
    log = FIX / "servicenow_event_log_slice.csv"
    load_file(con, "incidents", log, timezone="UTC")
    utc = con.execute("select number, state, start_at from incident_states order by all").fetchall()
    r = load_file(con, "incidents", log, timezone="Europe/Berlin")
    berlin = con.execute(
        "select number, state, start_at from incident_states order by all"
    ).fetchall()
    # the same wall-clock times read in Berlin (CET or CEST), none of the UTC reading left
    zone = ZoneInfo("Europe/Berlin")
    assert len(utc) > 0
    assert berlin == sorted((n, s, t.replace(tzinfo=zone).astimezone(UTC)) for n, s, t in utc)
    assert r.warnings[-1] == (
        f"{len(utc)} rows that an earlier load of this same file wrote are gone: this load has "
        "them under another key (other times or source) or not at all (quarantined or skipped)"
    )


def test_a_genuinely_newer_export_still_wins(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    newer = incidents(tmp_path / "new.csv", "Acme Retail Ltd", "INC1,2026-03-02 10:00:00,New")
    older = incidents(tmp_path / "old.csv", "Acme Retail Ltd", "INC1,2026-03-02 09:00:00,Old")
    load_file(con, "incidents", newer, catalogue=CATALOGUE)
    assert load_file(con, "incidents", older, catalogue=CATALOGUE).rows_loaded == 0
    assert held(con) == [("servicenow", "INC1", "acme", "New")]


def test_status_counts_quarantined_rows_against_the_loads_source(
    con: duckdb.DuckDBPyConnection,
) -> None:
    from slm_analysis.importers.status import status

    load_file(
        con, "incidents", FIX / "servicenow_incidents.csv", timezone="UTC", source="acme-snow"
    )
    tables = status(con)["tables"]
    assert isinstance(tables, list)
    assert [(t["table_name"], t["source"], t["rows"], t["quarantined"]) for t in tables] == [
        ("incidents", "acme-snow", 3, 3)
    ]


def test_a_mapping_names_its_source_and_the_cli_option_wins(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from slm_analysis.importers.mapping import load_mapping

    text = (FIX / "generic_tickets.mapping.yaml").read_text(encoding="utf-8")
    m = tmp_path / "m.yaml"
    m.write_text(text.replace("kind: incidents\n", "kind: incidents\nsource: helpdesk\n"))
    rules = load_mapping(m)
    sources = "select source, count(*) from incidents group by all order by all"
    load_file(con, "incidents", FIX / "generic_tickets.tsv", mapping=rules)
    assert con.execute(sources).fetchall() == [("helpdesk", 2)]
    # the same file again under another name: a correction, which replaces what it loaded
    load_file(con, "incidents", FIX / "generic_tickets.tsv", mapping=rules, source="desk-2")
    assert con.execute(sources).fetchall() == [("desk-2", 2)]
    m.write_text(text.replace("kind: incidents\n", "kind: incidents\nsource: ../x\n"))
    with pytest.raises(MappingError, match=r"m\.yaml:3: source: found '\.\./x'; not a valid id"):
        load_mapping(m)


def test_a_record_never_loses_its_customer_silently(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """The same incident loaded again where no mapping rule gives it a customer (another
    file, or the same file with another --customer) is refused, not stripped of acme."""
    acme = incidents(tmp_path / "a.csv", "Acme Retail Ltd", "INC1,2026-03-02 09:00:00,Mail")
    load_file(con, "incidents", acme, catalogue=CATALOGUE)
    other = incidents(tmp_path / "b.csv", "Initech", "INC1,2026-03-02 10:00:00,Mail")
    with pytest.raises(
        InputError, match=r"INC1 .* is acme's, .*; this file gives it to no customer"
    ):
        load_file(con, "incidents", other, catalogue=CATALOGUE)
    with pytest.raises(InputError, match="this file gives it to globex"):
        load_file(con, "incidents", acme, customer="globex")  # the same bytes
    assert held(con) == [("servicenow", "INC1", "acme", "Mail")]


def test_a_state_history_given_to_another_customer_is_refused(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """State metrics name no customer; loaded with --customer globex for acme's incident
    number, they would pause acme's clock: refused, naming the incident's customer."""
    acme = incidents(tmp_path / "a.csv", "Acme Retail Ltd", "INC1,2026-03-02 09:00:00,Mail")
    load_file(con, "incidents", acme, catalogue=CATALOGUE)
    states = tmp_path / "states.csv"
    states.write_text(
        "id,definition,value,start,end,duration,calculation_complete\n"
        "INC1,Incident State Duration,On Hold,2026-03-02 09:30:00,2026-03-02 10:00:00,"
        "30 Minutes,true\n"
    )
    with pytest.raises(InputError, match="would change the customer of incidents records"):
        load_file(con, "incidents", states, catalogue=CATALOGUE, customer="globex")
    assert con.execute("select count(*) from incident_states").fetchall() == [(0,)]
    load_file(con, "incidents", states, catalogue=CATALOGUE, customer="acme")
    assert con.execute("select count(*) from incident_states").fetchall() == [(1,)]


def test_an_older_update_from_another_file_is_not_written_and_says_why(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """The newer export first, then an older one (or a re-export read in another zone whose
    times come out earlier): the stored rows stay, and the load says so and how to correct."""
    newer = incidents(tmp_path / "new.csv", "Acme Retail Ltd", "INC1,2026-07-02 10:00:00,New")
    older = incidents(tmp_path / "old.csv", "Acme Retail Ltd", "INC1,2026-07-02 09:00:00,Old")
    load_file(con, "incidents", newer, catalogue=CATALOGUE)
    r = load_file(con, "incidents", older, catalogue=CATALOGUE, timezone="UTC")
    assert (r.rows_loaded, r.warnings) == (
        0,
        [
            "1 row not written: another file loaded a later update of the same record (the "
            "newest update wins); to correct what an earlier file loaded (say, its time zone), "
            "load that same file again with the corrected settings"
        ],
    )
    # the same (newer) file again: identical rows are not "older", nothing to say
    assert load_file(con, "incidents", newer, catalogue=CATALOGUE, timezone="UTC").warnings == []
    assert held(con) == [("servicenow", "INC1", "acme", "New")]
