"""Executes every notebook of notebooks/ top to bottom, headless, as ./gmall test does.

Each notebook runs in a fresh kernel with notebooks/ as its working directory; the executed copy is written to
<out>/<name>.ipynb. A cell that raises stops that notebook and the command exits 1. For each notebook the
command prints its seconds, its rendered charts (a notebook that rendered none fails) and its key figures
(lines `gmall-figure <name> <value>` that gmall_lake.figure prints), which the suite checks against the ledger.
"""
from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).resolve().parent


def figures_and_charts(notebook) -> tuple[dict[str, str], int]:
    figures, charts = {}, 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                for line in output.get("text", "").splitlines():
                    if line.startswith("gmall-figure "):
                        _, name, value = line.split(" ", 2)
                        figures[name] = value
            if "image/png" in output.get("data", {}):
                charts += 1
    return figures, charts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where the executed notebooks go")
    parser.add_argument("--timeout", type=int, default=600, help="seconds a cell may take (default 600)")
    parser.add_argument("notebooks", nargs="*", type=Path, help="the notebooks (default: every notebooks/*.ipynb)")
    args = parser.parse_args()
    day = os.environ.get("GMALL_NOTEBOOK_DAY")
    if day is not None:
        try:
            datetime.date.fromisoformat(day)
        except ValueError:
            parser.error(f"--day takes a calendar day yyyy-MM-dd, not {day!r}")
    paths = args.notebooks or sorted(HERE.glob("*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    failed = False
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        started = time.monotonic()
        client = NotebookClient(notebook, timeout=args.timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}})
        error = None
        try:
            client.execute()
        except CellExecutionError as e:
            error = str(e)
        seconds = time.monotonic() - started
        executed = args.out / path.name
        nbformat.write(notebook, executed)
        figures, charts = figures_and_charts(notebook)
        if error is None and charts == 0:
            error = "rendered no chart"
        status = "ok" if error is None else "FAILED"
        print(f"{path.name:28} {status:6} {seconds:6.1f} s  {charts} charts  " + " ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
        if error is not None:
            print(f"  {path.name}: {error}\n  executed copy: {executed}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
