package io.gmall.reconcile;

import io.gmall.streaming.time.BusinessTime;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/** Writes of the silver and gold tables: a day's partition is replaced, never appended to, so a re-run replaces. */
final class Lake {

    private Lake() {
    }

    /**
     * Replaces partition {@code dt} of a table partitioned by {@code dt} ({@code dt} is a validated yyyy-MM-dd). Columns a
     * newer version adds merge into the table; the days written before read them as null.
     */
    static void replaceDay(Dataset<Row> rows, String path, String dt) {
        rows.write().format("delta").mode(SaveMode.Overwrite)
                .option("replaceWhere", BusinessTime.DT + " = '" + dt + "'")
                .option("mergeSchema", "true")
                .partitionBy(BusinessTime.DT)
                .save(path);
    }

    /** Replaces a whole (unpartitioned) table: a snapshot such as each order's latest state. */
    static void replaceAll(Dataset<Row> rows, String path) {
        rows.write().format("delta").mode(SaveMode.Overwrite).option("overwriteSchema", "true").save(path);
    }
}
