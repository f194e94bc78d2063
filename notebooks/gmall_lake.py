"""The gmall lake for notebooks: a Spark session with Delta, the tables where the project's configuration puts them.

The lake root and the business zone come from the streaming application's configuration
(streaming/src/main/resources/gmall-streaming.properties), overridden by the same environment variables the
application reads (GMALL_STREAMING_LAKE_ROOT, GMALL_STREAMING_BUSINESS_ZONE), so a notebook reads the lake the
stream and the reconcile wrote and never names a path. The day a notebook looks at is GMALL_NOTEBOOK_DAY when set
(the suite sets it), otherwise the latest day the nightly reconcile wrote.
"""
from __future__ import annotations

import os
from pathlib import Path

from delta import configure_spark_with_delta_pip
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

ROOT = Path(os.environ.get("GMALL_ROOT") or Path(__file__).resolve().parent.parent)
PROPERTIES = ROOT / "streaming/src/main/resources/gmall-streaming.properties"
PREFIX = "gmall.streaming."


def _properties(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "!")) and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def setting(key: str) -> str:
    """A key of the streaming configuration (without its prefix), as the application resolves it."""
    env = "GMALL_STREAMING_" + key.upper().replace(".", "_")
    if env in os.environ:
        return os.environ[env]
    return _properties(PROPERTIES)[PREFIX + key]


LAKE = (ROOT / setting("lake.root")).resolve()
ZONE = setting("business.zone")
LAYERS = ("bronze", "silver", "gold", "audit")

_session: SparkSession | None = None


def spark() -> SparkSession:
    """One local Spark session with Delta (its jars fetched from Maven Central once), times shown in the business zone."""
    global _session
    if _session is None:
        builder = (
            SparkSession.builder.master(os.environ.get("GMALL_NOTEBOOK_MASTER", "local[2]"))
            .appName("gmall notebook")
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.driver.memory", os.environ.get("GMALL_NOTEBOOK_DRIVER_MEMORY", "1g"))
            # C1 only, as the launcher's one-off jobs: on a local lake a cell computes for a second or two, and C2 compiled
            # more than that (a notebook here 26 -> 19 s). GMALL_NOTEBOOK_JAVA_OPTIONS="" on a lake of real size.
            .config("spark.driver.extraJavaOptions", os.environ.get("GMALL_NOTEBOOK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1"))
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            # The lake of a local stack is small: a few partitions, not Spark's 200 (or Delta's 50 for its log).
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.databricks.delta.snapshotPartitions", "2")
            .config("spark.sql.session.timeZone", ZONE)
        )
        _session = configure_spark_with_delta_pip(builder).getOrCreate()
        _session.sparkContext.setLogLevel("ERROR")
    return _session


def path(layer: str, name: str) -> str:
    return str(LAKE / layer / name)


def tables() -> list[tuple[str, str]]:
    """Every Delta table of the lake, as (layer, name)."""
    found = []
    for layer in LAYERS:
        directory = LAKE / layer
        if directory.is_dir():
            found += [(layer, t.name) for t in sorted(directory.iterdir()) if (t / "_delta_log").is_dir()]
    return found


def table(layer: str, name: str) -> DataFrame:
    return spark().read.format("delta").load(path(layer, name))


def day() -> str:
    """The business day to look at: GMALL_NOTEBOOK_DAY, or the latest day of the reconcile's gold DAU."""
    chosen = os.environ.get("GMALL_NOTEBOOK_DAY")
    if chosen:
        return chosen
    latest = table("gold", "dau_hourly").agg(F.max("dt")).first()[0]
    if latest is None:
        raise LookupError(f"no reconciled day in {LAKE}: run ./gmall demo, or ./gmall reconcile --date D")
    return latest


def event_time(column: str = "ts"):
    """An epoch-millisecond column as a timestamp (shown in the business zone)."""
    return F.timestamp_millis(F.col(column))


def figure(name: str, value) -> None:
    """Prints a key figure in a fixed form, which the suite reads from the executed notebook to check it."""
    print(f"gmall-figure {name} {value}")
