"""gmall's nightly reconcile as an Airflow DAG, built from orchestration/nightly.json.

The task graph (tasks, dependencies, retries, time-outs) is defined once, in nightly.json, and read here and by
the embedded runner (./gmall orchestrate), so the graph the suite tests is the graph Airflow runs. Each task runs one
step of the reconcile Spark job for business day D:

    <reconcile> --date D --step <step> --run-id <Airflow's run id>

D is the `date` of the run's conf when given (a manual or REST-triggered run for a chosen day), otherwise the
business day before the run's logical date: the schedule fires after midnight in the business zone for the day
that just ended, and catch-up runs the days missed since start_date: the graph's, or GMALL_NIGHTLY_START when
set (the local stack sets it to when its Airflow was first started, so a new Airflow does not run every night
since the graph's start_date). The reconcile command is a DAG param:
locally the checkout's `gmall reconcile` (Spark in local mode against the local stack); on a cluster a
spark-submit of gmall-reconcile.jar, e.g.
    spark-submit --master yarn --jars gmall-streaming.jar --class io.gmall.reconcile.ReconcileMain gmall-reconcile.jar
"""
from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Param
from airflow.timetables.trigger import CronTriggerTimetable

GRAPH_FILE = Path(__file__).resolve().parent.parent / "nightly.json"
GRAPH = json.loads(GRAPH_FILE.read_text(encoding="utf-8"))
ZONE = pendulum.timezone(GRAPH["timezone"])
CHECKOUT = Path(os.environ.get("GMALL_ROOT", Path(__file__).resolve().parents[2]))

# The business day a run reconciles, rendered by Jinja in each task.
BUSINESS_DAY = (
    "{{ dag_run.conf.get('date') or "
    "(logical_date.in_timezone('" + GRAPH["timezone"] + "') - macros.timedelta(days=1)).strftime('%Y-%m-%d') }}"
)

with DAG(
    dag_id=GRAPH["dag_id"],
    description=GRAPH["description"],
    schedule=CronTriggerTimetable(GRAPH["schedule"], timezone=ZONE),
    start_date=pendulum.parse(os.environ.get("GMALL_NIGHTLY_START") or GRAPH["start_date"], tz=ZONE),
    catchup=GRAPH["catchup"],
    max_active_runs=1,
    params={
        "reconcile": Param(f"{CHECKOUT / 'gmall'} reconcile", type="string",
                           description="the command that runs one reconcile step (a spark-submit on a cluster)"),
    },
    tags=["gmall", "reconcile"],
) as dag:
    tasks = {}
    for task in GRAPH["tasks"]:
        tasks[task["id"]] = BashOperator(
            task_id=task["id"],
            doc=task.get("doc"),
            bash_command=(
                "{{ params.reconcile }} --date " + BUSINESS_DAY
                + " --step " + task["step"] + " --run-id '{{ run_id }}'"
            ),
            retries=task["retries"],
            retry_delay=timedelta(seconds=task["retry_delay_seconds"]),
            execution_timeout=timedelta(seconds=task["timeout_seconds"]),
        )
    for task in GRAPH["tasks"]:
        for upstream in task["upstream"]:
            tasks[upstream] >> tasks[task["id"]]
