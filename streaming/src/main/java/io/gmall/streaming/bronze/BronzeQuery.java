package io.gmall.streaming.bronze;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.unix_millis;

import io.gmall.streaming.GmallQuery;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.store.StoreRetry;
import io.gmall.streaming.time.BusinessTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Every business topic into its Delta table {@code <lake>/bronze/<topic>}, partitioned by business day
 * ({@code dt}), with the raw value and the Kafka coordinates. Exactly once: each table's append carries
 * {@code txnAppId=gmall.streaming.bronze} and {@code txnVersion=<batch id>}, so Delta skips a replayed batch
 * that already committed to that table.
 *
 * <p>{@code dt} is the business day of the record's own time: the {@code ts} field of its JSON value (the
 * client time of a log, the commit time of a CDC change), else the Kafka timestamp (DLQ records, unreadable
 * values). A late record thus lands in its own day's partition, which the nightly recompute of that day reads.
 */
public final class BronzeQuery implements GmallQuery {

    public static final String TXN_APP_ID = "gmall.streaming.bronze";
    private static final int WRITERS = 4;

    private final StreamingConfig config;
    private final StoreRetry retry;
    private final BusinessTime time;
    /**
     * The tables of a batch are appended side by side: a Delta commit is mostly the driver waiting on the file
     * system, so one topic's commit overlaps another's Parquet writing. The threads are started here, not inside
     * a batch, so they do not inherit a batch's Spark local properties (its SQL execution id).
     */
    private final ThreadPoolExecutor writers = new ThreadPoolExecutor(WRITERS, WRITERS, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "bronze-append");
        t.setDaemon(true);
        return t;
    });

    public BronzeQuery(StreamingConfig config, StoreRetry retry) {
        this.config = config;
        this.retry = retry;
        this.time = new BusinessTime(config.businessZone);
        writers.prestartAllCoreThreads();
    }

    @Override
    public String name() {
        return "bronze";
    }

    @Override
    public List<String> topics() {
        return null;
    }

    @Override
    public String topicPattern() {
        return config.bronzeTopicPattern;
    }

    public Dataset<Row> rows(Dataset<Row> kafkaRows) {
        Dataset<Row> typed = kafkaRows.select(
                col("topic"), col("partition"), col("offset"), col("timestamp"),
                col("key").cast("string").as("key"), col("value").cast("string").as("value"));
        return typed
                .withColumn("event_ms", coalesce(get_json_object(col("value"), "$.ts").cast("long"), unix_millis(col("timestamp"))))
                .withColumn(BusinessTime.DT, time.dayOf(col("event_ms")));
    }

    @Override
    public StreamingQuery start(Dataset<Row> source) throws TimeoutException {
        return GmallQuery.startForEachBatch(config, name(), rows(source), "append", (batch, batchId) -> {
            Dataset<Row> rows = batch.persist();
            try {
                List<String> topics = rows.select("topic").distinct().as(Encoders.STRING()).collectAsList();
                List<CompletableFuture<Void>> appends = new ArrayList<>();
                for (String topic : topics) {
                    appends.add(CompletableFuture.runAsync(() -> append(rows, topic, batchId), writers));
                }
                CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            } finally {
                rows.unpersist();
            }
        });
    }

    private void append(Dataset<Row> rows, String topic, long batchId) {
        String table = config.bronzeTable(topic).toString();
        retry.run("Delta", "appending batch " + batchId + " to " + table, () -> rows.filter(col("topic").equalTo(topic))
                .write().format("delta")
                .mode(SaveMode.Append)
                .partitionBy(BusinessTime.DT)
                .option("txnAppId", TXN_APP_ID)
                .option("txnVersion", batchId)
                .save(table));
    }
}
