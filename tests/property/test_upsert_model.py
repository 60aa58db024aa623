"""Loading overlapping exports in any order gives what a plain model of the rules gives: within
a file the last row of a key wins; a stored row is replaced unless it is identical or its
update is newer; each load reports the rows it wrote; no key is stored twice."""

from __future__ import annotations

import tempfile
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import given, settings

from slm_analysis import warehouse
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
