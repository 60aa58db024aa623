"""Airflow DAG: every customer's service review pack after month end, one task per shard.

Copy this file into Airflow's dags folder on workers where slm-workbench is installed (its
`slm` command on PATH or at SLM_BIN) and the warehouse, catalogue and reports folder are
reachable (SLM_DB, SLM_CATALOGUE, SLM_REPORTS in the workers' environment). Each task runs
`slm render --all --shard I/N` for the month before the one the run's data interval ends in,
so a rerun or a backfill renders the month it belongs to. The shards partition the customers
exactly (docs/scheduling.md); each one rebuilds reports/index-<period>.html when it is done.
A task fails (and is retried) when a pack of its shard failed: `slm render` exits 1, and the
packs that were published stay published.

Tested in tests/unit/test_deploy.py: with Airflow when it is installed (the `airflow` extra),
and always with the file run against a stand-in for Airflow's classes.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow import DAG

try:  # Airflow 3 (the standard provider)
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:  # Airflow 2
    from airflow.operators.bash import BashOperator

SHARDS = 4  # tasks; each renders every SHARDS-th customer (by sorted id)
JOBS = 2  # packs rendered in parallel inside a task (about the worker's cores)
SLM = os.environ.get("SLM_BIN", "slm")
# the month before the run's data interval ends: the run at 06:00 on 2 December renders
# November (the same under Airflow 2's and Airflow 3's cron timetables, and for a manual run)
PERIOD = '{{ data_interval_end.subtract(months=1).strftime("%Y-%m") }}'
ENV = {  # passed to the tasks on top of the worker's environment
    key: os.environ[key] for key in ("SLM_DB", "SLM_CATALOGUE", "SLM_REPORTS") if key in os.environ
}

with DAG(
    dag_id="slm_review_packs",
    description="Monthly service review packs of every customer (slm-workbench)",
    schedule="0 6 2 * *",  # 06:00 on the 2nd: the exports of the month are complete
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=15)},
    tags=["slm-workbench"],
) as dag:
    for shard in range(SHARDS):
        BashOperator(
            task_id=f"render_shard_{shard}",
            bash_command=(
                f"{SLM} render --all --period {PERIOD} --shard {shard}/{SHARDS} --jobs {JOBS}"
            ),
            env=ENV or None,
            append_env=True,
            execution_timeout=timedelta(hours=2),
        )
