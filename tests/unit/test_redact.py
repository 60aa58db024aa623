"""Pseudonyms: keyed, stable per customer, whole-word replacement in every text of a review."""

from __future__ import annotations

import hashlib
import hmac
import stat
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from slm_analysis.errors import InputError
from slm_analysis.redact import (
    KEY_FILE,
    PERSON_COLUMNS,
    Redactor,
    customer_key,
    person_names,
    pseudonym,
    workspace_secret,
)
from slm_analysis.warehouse import sql

KEY = b"k" * 32


def test_a_pseudonym_is_six_hex_digits_of_the_keyed_hash() -> None:
    digest = hmac.new(KEY, b"ann lee", hashlib.sha256).hexdigest()
    assert pseudonym("Ann Lee", KEY) == f"Person {digest[:6].upper()}"
    assert pseudonym("  ann LEE ", KEY) == pseudonym("Ann Lee", KEY)  # trimmed, case folded
    assert pseudonym("Ann Lee", b"other key" * 4) != pseudonym("Ann Lee", KEY)


def test_the_same_person_is_stable_per_customer_and_differs_between_customers() -> None:
    secret = b"workspace secret"
    acme, again, globex = (customer_key(secret, c) for c in ("acme", "acme", "globex"))
    assert acme == again
    assert pseudonym("Ann Lee", acme) == pseudonym("Ann Lee", again)
    assert pseudonym("Ann Lee", acme) != pseudonym("Ann Lee", globex)


def test_names_are_replaced_as_whole_words_ignoring_case_longest_first() -> None:
    r = Redactor.build(["Web Agent 1", "Web Agent 10", "Ann", " ", ""], KEY)
    one, ten, ann = (pseudonym(n, KEY) for n in ("Web Agent 1", "Web Agent 10", "Ann"))
    assert r.text("web agent 10 passed it to Web Agent 1.") == f"{ten} passed it to {one}."
    assert r.text("Ann's ticket; Anne and Joanna are not Ann") == (
        f"{ann}'s ticket; Anne and Joanna are not {ann}"
    )
    assert r.text(12) == 12 and r.text(None) is None
    assert Redactor.build([], KEY).text("Ann") == "Ann"


def test_every_text_column_of_a_frame_is_redacted_and_nothing_else() -> None:
    r = Redactor.build(["Ann Lee"], KEY)
    ann = pseudonym("Ann Lee", KEY)
    df = pd.DataFrame(
        {
            "owner": ["Ann Lee", None, "Bob"],
            "title": ["Ann Lee to call back", "no one", None],
            "n": [1, 2, 3],
            "lists": [["Ann Lee"], [], ["x"]],  # not text: left alone
        }
    )
    out = r.frame(df)
    assert texts(out["owner"]) == [ann, None, "Bob"]
    assert texts(out["title"]) == [f"{ann} to call back", "no one", None]
    assert list(out["n"]) == [1, 2, 3] and list(out["lists"]) == [["Ann Lee"], [], ["x"]]
    assert texts(df["owner"]) == ["Ann Lee", None, "Bob"]  # the input is not changed


def texts(s: pd.Series) -> list[str | None]:
    return [None if pd.isna(x) else str(x) for x in s]


@dataclass(frozen=True)
class Inner:
    comments: pd.DataFrame
    count: int


@dataclass(frozen=True)
class Outer:
    actions: pd.DataFrame
    inner: Inner
    headlines: list[str]
    name: str  # a catalogue value, not data: left alone


def test_a_dataclass_is_redacted_one_level_down() -> None:
    r = Redactor.build(["Ann Lee"], KEY)
    ann = pseudonym("Ann Lee", KEY)
    obj = Outer(
        pd.DataFrame({"owner": ["Ann Lee"]}),
        Inner(pd.DataFrame({"comment": ["thanks ann lee!"]}), 3),
        ["Ann Lee owns it"],
        "Ann Lee",
    )
    out = r.fields(obj)
    assert out.actions["owner"].tolist() == [ann]
    assert out.inner.comments["comment"].tolist() == [f"thanks {ann}!"]
    assert (out.inner.count, out.headlines, out.name) == (3, [f"{ann} owns it"], "Ann Lee")


def test_the_secret_comes_from_the_environment_or_a_key_file_made_once(tmp_path: Path) -> None:
    assert workspace_secret(tmp_path, {"SLM_REDACT_KEY": "from the environment"}) == (
        b"from the environment"
    )
    assert not (tmp_path / KEY_FILE).exists()
    first = workspace_secret(tmp_path, {})
    assert len(first) == 64 and first == workspace_secret(tmp_path, {})
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600


def test_a_short_key_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE).write_text("short\n")
    with pytest.raises(InputError) as info:
        workspace_secret(tmp_path, {})
    assert str(info.value) == (
        f"the redaction key {tmp_path / KEY_FILE} holds 5 characters; delete it (a new one is "
        "made) or set SLM_REDACT_KEY to a secret of at least 16 characters"
    )


def test_person_names_of_one_customer(con: duckdb.DuckDBPyConnection) -> None:
    for number, customer, who in [
        ("I1", "acme", "Ann Lee"), ("I2", "acme", " Ann Lee "), ("I3", "acme", ""),
        ("I4", "acme", None), ("I5", "globex", "Gus Other"),
    ]:  # fmt: skip
        con.execute(
            "insert into incidents (source, number, customer, assigned_to, opened_at, load_id) "
            "values ('t', ?, ?, ?, '2026-10-01 00:00+00', 1)",
            [number, customer, who],
        )
    for action, customer, owner in [("A1", "acme", "Bo Chen"), ("A2", "globex", "Gus")]:
        con.execute(
            "insert into actions (source, action_id, customer, title, owner, status, load_id) "
            "values ('t', ?, ?, 'x', ?, 'open', 1)",
            [action, customer, owner],
        )
    assert person_names(con, "acme") == ["Ann Lee", "Bo Chen"]


def test_the_query_reads_every_person_column() -> None:
    text = sql("person_names")
    for table, columns in PERSON_COLUMNS.items():
        for column in columns:
            assert f"select {column}" in text and f"from {table} " in text, (table, column)


def test_parallel_renders_share_one_key_and_leave_no_temporary_file(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: workspace_secret(tmp_path, {}), range(32)))
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]


def test_a_folder_that_cannot_hold_the_key_says_what_to_do(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder"
    with pytest.raises(InputError) as info:
        workspace_secret(missing, {})
    assert str(info.value) == (
        f"cannot write the redaction key {missing / KEY_FILE} (No such file or directory); set "
        "SLM_REDACT_KEY to a secret text instead"
    )


def test_a_name_the_pattern_matches_but_case_folds_differently() -> None:
    r = Redactor.build(["Işık Yılmaz"], KEY)  # "IŞIK" folds to "işik", the name to "işık"
    assert r.text("ask IŞIK YILMAZ") == f"ask {pseudonym('Işık Yılmaz', KEY)}"
