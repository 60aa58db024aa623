"""Loading overlapping exports in any order gives what a plain model of the rules gives: within
a file the last row of a key wins; a stored row is replaced unless it is identical or its
update is newer; each load reports the rows it wrote; no key is stored twice."""

from __future__ import annotations

import tempfile
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import given, settings

from slm_analysis import warehouse
from slm_analysis.errors import InputError
from slm_analysis.importers import load_file

ROW = st.tuples(
    st.sampled_from(["INC1", "INC2", "INC3"]),
    st.sampled_from(["first", "second", "third"]),
    st.sampled_from(["", "2026-01-01 10:00:00", "2026-01-02 10:00:00"]),
)
Row = tuple[str, str, str]


def model(loads: list[list[Row]]) -> tuple[dict[str, tuple[str, str]], list[int]]:
    stored: dict[str, tuple[str, str]] = {}
    written = []
    for rows in loads:
        last = {number: (title, updated) for number, title, updated in rows}
        n = 0
        for number, new in last.items():
            old = stored.get(number)
            newer_stored = old is not None and old[1] and new[1] and old[1] > new[1]
            if old != new and not newer_stored:
                stored[number] = new
                n += 1
        written.append(n)
    return stored, written


@settings(max_examples=60, deadline=None)
@given(loads=st.lists(st.lists(ROW, min_size=1, max_size=5), min_size=1, max_size=4))
def test_loads_follow_the_model(loads: list[list[Row]]) -> None:
    con = warehouse.connect(":memory:")
    written = []
    with tempfile.TemporaryDirectory() as d:
        for i, rows in enumerate(loads):
            path = Path(d) / f"export{i}.csv"
            path.write_text(
                "number,opened_at,priority,state,short_description,sys_updated_on\n"
                + "".join(f"{n},2026-01-01 09:00:00,3,New,{t},{u}\n" for n, t, u in rows)
            )
            written.append(load_file(con, "incidents", path, timezone="UTC").rows_loaded)
    got = {
        number: (title, updated)
        for number, title, updated in con.execute(
            "select number, short_description, "
            "coalesce(strftime(updated_at, '%Y-%m-%d %H:%M:%S'), '') from incidents"
        ).fetchall()
    }
    expected, expected_written = model(loads)
    assert got == expected
    assert written == expected_written
    count = con.execute("select count(*) from incidents").fetchall()
    assert count == [(len(expected),)]
    con.close()


Load = tuple[tuple[Row, ...], str | None, str | None, bool]  # rows, customer, source, shared
LOAD = st.tuples(
    st.lists(ROW, min_size=1, max_size=4).map(tuple),
    st.sampled_from([None, "acme", "globex"]),
    st.sampled_from([None, "other"]),
    st.booleans(),
)
Stored = dict[
    tuple[str, str], tuple[str, str, str | None, int]
]  # key → title, updated, customer, load


def keyed_model(loads: list[Load]) -> tuple[Stored, list[int | None]]:
    """The rules with customers and sources: records are keyed by (source, number); a load
    that would change the customer of a record that has one (to another customer, or to none)
    is refused unless the source is shared; what earlier loads of the same content wrote is
    replaced whatever its update time, and their rows this load lacks are removed. ``None`` in
    the written list: refused."""
    stored: Stored = {}
    done: list[tuple[Row, ...]] = []  # the content of each load that went through, by load no
    written: list[int | None] = []
    for rows, customer, source, shared in loads:
        earlier = {i for i, content in enumerate(done) if content == rows}
        last = {(source or "servicenow", n): (t, u, customer) for n, t, u in rows}
        clash = any(
            (old := stored.get(key)) is not None and old[2] is not None and old[2] != new[2]
            for key, new in last.items()
        )
        if clash and not shared:
            written.append(None)
            continue
        me = len(done)
        done.append(rows)
        for key in [k for k, v in stored.items() if v[3] in earlier and k not in last]:
            del stored[key]
        n = 0
        for key, new in last.items():
            old = stored.get(key)
            newer_stored = (
                old is not None and old[1] and new[1] and old[1] > new[1] and old[3] not in earlier
            )
            if (old is None or old[:3] != new) and not newer_stored:
                stored[key] = (*new, me)
                n += 1
        written.append(n)
    return stored, written


@settings(max_examples=50, deadline=None)
@given(loads=st.lists(LOAD, min_size=1, max_size=5))
def test_loads_with_customers_and_sources_follow_the_model(loads: list[Load]) -> None:
    con = warehouse.connect(":memory:")
    written: list[int | None] = []
    with tempfile.TemporaryDirectory() as d:
        for i, (rows, customer, source, shared) in enumerate(loads):
            path = Path(d) / f"export{i}.csv"
            path.write_text(
                "number,opened_at,priority,state,short_description,sys_updated_on\n"
                + "".join(f"{n},2026-01-01 09:00:00,3,New,{t},{u}\n" for n, t, u in rows)
            )
            try:
                r = load_file(
                    con,
                    "incidents",
                    path,
                    timezone="UTC",
                    customer=customer,
                    source=source,
                    shared_source=shared,
                )
                written.append(r.rows_loaded)
            except InputError as e:
                assert "would change the customer of incidents records" in e.message
                written.append(None)
    expected, expected_written = keyed_model(loads)
    got = con.execute(
        "select source, number, short_description, "
        "coalesce(strftime(updated_at, '%Y-%m-%d %H:%M:%S'), ''), customer from incidents"
    ).fetchall()
    assert sorted(got) == sorted((*k, *v[:3]) for k, v in expected.items())
    assert written == expected_written
    con.close()
