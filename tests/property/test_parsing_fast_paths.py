"""The importers' parsing macros take fast paths for the common case; each must give exactly
what its plain definition gives, for any text."""

from __future__ import annotations

import duckdb
import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from slm_analysis import warehouse

ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "UTC"]
# the plain definitions the macros had before their fast paths
PLAIN = {
    "blank": "nullif(nullif(trim(x), ''), '?')",
    "priority": """coalesce(
        try_cast(regexp_extract(trim(x), '^[Pp]?\\s*(\\d+)', 1) as integer),
        case lower(trim(x))
            when 'critical' then 1 when 'high' then 2 when 'moderate' then 3
            when 'medium' then 3 when 'low' then 4 when 'planning' then 5
            when 'highest' then 1 when 'lowest' then 5
            when 'más alta' then 1 when 'alta' then 2 when 'media' then 3 when 'baja' then 4
            when 'más baja' then 5
        end)""",
}


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = warehouse.connect(":memory:")
    c.execute(warehouse.sql("macros"))
    return c


def layouts(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("select unnest(slm_ts_formats())").fetchall()] + ["offset"]


# date-time texts in every layout, with and without offsets, padded, cut, mangled
PIECES = st.sampled_from(
    [
        "2026",
        "2016",
        "-",
        "/",
        "T",
        " ",
        "  ",
        ":",
        "03",
        "3",
        "29",
        "31",
        "10",
        "13",
        "24",
        "60",
        "00",
        "Z",
        "+01:00",
        "-0530",
        "+1",
        ".5",
        "?",
        "a",
        "\xa0",
        "",
    ]
)
TEMPLATES = st.sampled_from(
    [
        "{y}-{m}-{d} {H}:{M}:{S}",
        "{y}-{m}-{d}T{H}:{M}:{S}",
        "{y}-{m}-{d} {H}:{M}",
        "{y}-{m}-{d}T{H}:{M}",
        "{d}/{m}/{y} {H}:{M}:{S}",
        "{d}/{m}/{y} {H}:{M}",
        "{y}-{m}-{d}",
        "{y}-{m}-{d}T{H}:{M}:{S}Z",
        "{y}-{m}-{d} {H}:{M}:{S}+02:00",
        "{y}-{m}-{d}T{H}:{M}:{S}.123-05:30",
    ]
)


@st.composite
def datetime_texts(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return "".join(draw(st.lists(PIECES, max_size=8)))
    two = st.integers(0, 99).map(lambda n: f"{n:02d}")
    text = draw(TEMPLATES).format(
        y=draw(st.sampled_from(["2026", "2016", "1999", "26"])),
        m=draw(st.sampled_from(["01", "03", "10", "11", "13", "1"])),
        d=draw(st.sampled_from(["01", "29", "30", "31", "5"])),
        H=draw(st.sampled_from(["00", "01", "02", "03", "23", "24", "1"])),
        M=draw(two),
        S=draw(two),
    )
    pad = st.sampled_from(["", " ", "  ", "\xa0", "\t", "\u3000"])
    return draw(pad) + text + draw(pad)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(datetime_texts(), min_size=1, max_size=40), zone=st.sampled_from(ZONES))
def test_every_first_layout_gives_the_plain_result(
    con: duckdb.DuckDBPyConnection, texts: list[str], zone: str
) -> None:
    for layout in layouts(con):
        differ = con.execute(
            "select x, slm_ts(x, $zone, $layout), slm_ts_any(x, $zone) from unnest($texts) as t(x) "
            "where slm_ts(x, $zone, $layout) is distinct from slm_ts_any(x, $zone)",
            {"texts": texts, "zone": zone, "layout": layout},
        ).fetchall()
        assert differ == [], layout


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.one_of(datetime_texts(), st.none()), min_size=1, max_size=40))
def test_naive_gives_the_plain_result(con: duckdb.DuckDBPyConnection, texts: list[str]) -> None:
    """slm_naive (a date-time without an offset) tests for a final Z before its expression."""
    differ = con.execute(
        "select x from unnest($texts) as t(x) where slm_naive(x) is distinct from "
        "(slm_blank(x) is not null and not slm_has_offset(trim(x)))",
        {"texts": texts},
    ).fetchall()
    assert differ == []


def test_the_layouts_read_what_they_should(con: duckdb.DuckDBPyConnection) -> None:
    got = con.execute(
        "select slm_ts(x, 'Europe/London', $layout)::varchar from unnest($texts) as t(x)",
        {
            "layout": "%d/%m/%Y %H:%M",
            "texts": [
                "29/2/2016 01:23",  # the fast path
                "2016-07-01 12:00:00",  # summer time, via the plain path
                "2016-07-01T12:00:00+02:00",  # an offset wins over the zone
                "31/2/2016 01:23",
                " ? ",
            ],
        },
    ).fetchall()
    assert got == [
        ("2016-02-29 01:23:00+00",),
        ("2016-07-01 11:00:00+00",),
        ("2016-07-01 10:00:00+00",),
        (None,),
        (None,),
    ]


TEXT = st.one_of(
    st.text(max_size=8),
    st.text(alphabet=" \t\xa0\u2003\u202f\u3000\u0301a?é", max_size=6),
    st.text(alphabet=" ?PpCcHhIiGgLlOoWw-0123456789.", max_size=10),
    st.sampled_from(["1 - Critical", " 2 - High", "P3", "p 4", "Low", "Más alta", "10", "0"]),
)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=40))
def test_blank_and_priority_give_the_plain_result(
    con: duckdb.DuckDBPyConnection, texts: list[str]
) -> None:
    for macro, plain in PLAIN.items():
        differ = con.execute(
            f"select x from unnest($texts) as t(x) where slm_{macro}(x) is distinct from {plain}",
            {"texts": texts},
        ).fetchall()
        assert differ == [], macro
