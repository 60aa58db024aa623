"""Benchmark: what `--redact-people` adds to reading a review.

The demo warehouse (``slm demo --end 2026-10``: 13 months, two customers), the acme review of
2026-10. Baseline in the same run: ``open_review`` without redaction (everything the pack
reads: clocks of every ticket × target over the series, attainment, availability, trends,
forecasts). Added: ``Redactor.fields`` over that review — every text cell of every frame
searched for every known name — with the customer's own names (19 in the demo) and with
``--names`` synthetic ones added (a large organisation's assignees), so the cost of the
pattern's size shows.

    .venv/bin/python benchmarks/redact.py [--db data/warehouse.duckdb]
        [--catalogue catalogue.yaml] [--names 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import duckdb

from slm_analysis.redact import Redactor, person_names
from slm_analysis.review import open_review


def cells(review: object) -> int:
    """Text cells the redactor reads (object and string columns of the review's frames)."""
    import dataclasses

    import pandas as pd

    total = 0
    for f in dataclasses.fields(review):  # type: ignore[arg-type]
        v = getattr(review, f.name)
        frames = [v] if isinstance(v, pd.DataFrame) else []
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            frames = [getattr(v, g.name) for g in dataclasses.fields(v)]
        for df in frames:
            if isinstance(df, pd.DataFrame):
                text = [
                    c
                    for c in df.columns
                    if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])
                ]
                total += len(df) * len(text)
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="data/warehouse.duckdb")
    ap.add_argument("--catalogue", default="catalogue.yaml")
    ap.add_argument("--names", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    load_before = os.getloadavg()
    base = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        review = open_review("acme", "2026-10", warehouse=args.db, catalogue=args.catalogue)
        base.append(time.perf_counter() - t)
    with duckdb.connect(args.db, read_only=True) as con:
        own = person_names(con, "acme")
    many = own + [f"Agent {i:05d} Synthetic" for i in range(args.names)]
    key = b"benchmark key, not a secret"
    results = {}
    for label, names in (("own names", own), (f"+{args.names} names", many)):
        runs = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            Redactor.build(names, key).fields(review)
            runs.append(time.perf_counter() - t)
        results[label] = (len(names), statistics.median(runs))
    b = statistics.median(base)
    print(f"text cells read       {cells(review):,}")
    print(f"open_review (base)    {b:.2f} s (median of {args.repeat})")
    for label, (n, s) in results.items():
        print(f"redact, {label:<13} {n:>5} names: {s:.3f} s = {100 * s / b:.1f} % of the base")
    print(f"machine               {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        "load average          before "
        + " ".join(f"{x:.2f}" for x in load_before)
        + ", after "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )


if __name__ == "__main__":
    main()
