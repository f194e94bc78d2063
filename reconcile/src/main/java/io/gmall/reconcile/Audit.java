package io.gmall.reconcile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;

import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.store.DocumentIndex;
import io.gmall.streaming.time.BusinessTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The reconcile's record: one row per run, day, metric and hour with the realtime value, the recomputed value,
 * their difference and whether the run corrected it, appended to the Delta table {@code <lake>/audit/reconcile}
 * (partitioned by {@code dt}; values exact, as decimal text) and indexed in Elasticsearch
 * ({@code gmall_reconcile_audit}, id {@code run_id|table|metric|hh}) for the API, the dashboard and Kibana.
 */
public final class Audit {

    public static final StructType SCHEMA = new StructType()
            .add("run_id", "string").add("run_at_ms", "long").add("table", "string").add("metric", "string")
            .add(BusinessTime.HOUR, "string").add("realtime", "string").add("recomputed", "string").add("difference", "string")
            .add("mismatched", "long").add("corrected", "boolean").add(BusinessTime.DT, "string");

    private final SparkSession spark;
    private final StreamingConfig config;
    private final DocumentIndex index;

    public Audit(SparkSession spark, StreamingConfig config, DocumentIndex index) {
        this.spark = spark;
        this.config = config;
        this.index = index;
    }

    /** Where the Delta audit table of {@code config}'s lake is. */
    public static String path(StreamingConfig config) {
        return config.table("audit", "reconcile").toString();
    }

    public static List<Row> rows(String runId, long runAtMs, String dt, String table, List<HourlyComparison.Line> lines, boolean corrected) {
        List<Row> rows = new ArrayList<>();
        for (HourlyComparison.Line l : lines) {
            rows.add(RowFactory.create(runId, runAtMs, table, l.metric(), l.hour(), l.realtime() == null ? null : l.realtime().toPlainString(),
                    l.recomputed().toPlainString(), l.difference().toPlainString(), l.mismatched(), corrected && l.differs(), dt));
        }
        return rows;
    }

    /** Appends to the Delta table, then indexes the same rows in Elasticsearch, where the API and Kibana read them. */
    public void append(List<Row> rows) {
        Dataset<Row> audit = spark.createDataFrame(rows, SCHEMA);
        // The metric tasks of a nightly run append at once. On a new lake their first appends race to create the table
        // and Delta refuses all but one (ProtocolChangedException); appends to an existing table do not conflict, so
        // the refused one is tried again. Without it the task failed after correcting the store, and its retry, finding
        // nothing left to correct, audited no correction.
        for (int attempt = 1; ; attempt++) {
            try {
                // mergeSchema: an audit written by an earlier version gains the columns added since, instead of refusing the run.
                audit.write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true").partitionBy(BusinessTime.DT).save(path(config));
                break;
            } catch (io.delta.exceptions.DeltaConcurrentModificationException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
        index.index(config.auditIndex, audit
                .withColumn("audit_id", concat_ws("|", col("run_id"), col("table"), col("metric"), col(BusinessTime.HOUR)))
                .withColumn("realtime", col("realtime").cast("double"))
                .withColumn("recomputed", col("recomputed").cast("double"))
                .withColumn("difference", col("difference").cast("double")), "audit_id");
    }
}
