"""Loads orchestration/dags with Airflow's own DagBag and writes what it found as JSON to the file named by the
first argument (Airflow logs to standard output): the import errors and, per DAG,
its tasks with their upstream task ids, retries, retry delay and time-out. The suite (AirflowDagIT) compares this
with orchestration/nightly.json."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from airflow.dag_processing.dagbag import DagBag

bag = DagBag(dag_folder=str(Path(__file__).resolve().parent / "dags"), safe_mode=False)
out = {"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()}, "dags": {}}
for dag_id, dag in bag.dags.items():
    out["dags"][dag_id] = {
        "timezone": str(dag.timezone.name),
        "catchup": dag.catchup,
        "tasks": {
            t.task_id: {
                "upstream": sorted(t.upstream_task_ids),
                "retries": t.retries,
                "retry_delay_seconds": int(t.retry_delay.total_seconds()),
                "timeout_seconds": int(t.execution_timeout.total_seconds()) if t.execution_timeout else None,
                "bash_command": getattr(t, "bash_command", None),
            }
            for t in dag.tasks
        },
    }
Path(sys.argv[1]).write_text(json.dumps(out, indent=1, sort_keys=True), encoding="utf-8")
