package io.gmall.reconcile;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

import io.gmall.streaming.CdcRows;
import io.gmall.streaming.LogRows;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.time.BusinessTime;
import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Bronze made trustworthy. Logs: a business day's records, one per {@code event_id} (at-least-once delivery
 * leaves copies; a late record is in its own day's bronze partition, so it is included). CDC: each key's state
 * after its last change in binlog order, deleted keys left out; a key's changes land on the days they were
 * committed, not the day the row was created, so every bronze partition is read.
 */
public final class Silver {

    /** Bronze's columns (BronzeQuery), for a topic the stream has not landed yet. */
    private static final StructType BRONZE_SHAPE = new StructType()
            .add("topic", "string").add("partition", "int").add("offset", "long").add("timestamp", "timestamp")
            .add("key", "string").add("value", "string").add("event_ms", "long").add(BusinessTime.DT, "string");

    private final SparkSession spark;
    private final StreamingConfig config;
    private final BusinessTime time;

    public Silver(SparkSession spark, StreamingConfig config) {
        this.spark = spark;
        this.config = config;
        this.time = new BusinessTime(config.businessZone);
    }

    /** A bronze table, or an empty one of bronze's shape when the stream has never landed the topic. */
    public Dataset<Row> bronze(String topic) {
        String path = config.bronzeTable(topic).toString();
        if (!DeltaTable.isDeltaTable(spark, path)) {
            return spark.createDataFrame(List.of(), BRONZE_SHAPE);
        }
        return spark.read().format("delta").load(path);
    }

    /**
     * The log records of business day {@code dt} in a bronze topic, one per {@code event_id}. Copies of a record
     * differ at most in the receiving server's fields; the smallest copy is kept so that every run keeps the same.
     */
    public Dataset<Row> logs(String topic, String dt) {
        return onePerEventId(bronze(topic).filter(col(BusinessTime.DT).equalTo(dt)));
    }

    /**
     * {@link #logs(String, String)} of {@code dt}, and of the day before only the records from {@code sinceMillis} on:
     * what windows reaching back over midnight need, without deduplicating the whole day before.
     */
    public Dataset<Row> logs(String topic, String dt, long sinceMillis) {
        String before = LocalDate.parse(dt).minusDays(1).toString();
        return onePerEventId(bronze(topic).filter(col(BusinessTime.DT).equalTo(dt)
                .or(col(BusinessTime.DT).equalTo(before).and(col("event_ms").geq(sinceMillis)))));
    }

    private Dataset<Row> onePerEventId(Dataset<Row> bronzeRows) {
        Dataset<Row> records = LogRows.parse(bronzeRows);
        Column[] rest = Arrays.stream(records.columns()).filter(c -> !c.equals("event_id")).map(c -> col(c)).toArray(Column[]::new);
        return records.groupBy("event_id").agg(min(struct(rest)).as("r"))
                .select(col("event_id"), col("r.*"))
                .withColumn(BusinessTime.DT, time.dayOf(col("ts")));
    }

    /**
     * Every change of a CDC topic with its key and binlog position ({@code key, binlog_file, binlog_position,
     * partition, offset, op, before, after}); ordered by those positions, a key's changes are in binlog order.
     */
    public Dataset<Row> changes(String topic, StructType row) {
        return CdcRows.parse(bronze(topic), row)
                .withColumn("key", coalesce(col("after.id"), col("before.id")))
                .filter(col("key").isNotNull())
                .select(col("key"), col("binlog.file").as("binlog_file"), col("binlog.position").as("binlog_position"),
                        col("partition"), col("offset"), col("op"), col("before"), col("after"));
    }

    /** Each key's row after its last change (ordered by binlog file and position, then Kafka position), deletes removed. */
    public Dataset<Row> state(String topic, StructType row) {
        return changes(topic, row).groupBy("key")
                .agg(max(struct(col("binlog_file"), col("binlog_position"), col("partition"), col("offset"), col("op"), col("after"))).as("last"))
                .filter(col("last.op").notEqual("d"))
                .select("last.after.*");
    }
}
