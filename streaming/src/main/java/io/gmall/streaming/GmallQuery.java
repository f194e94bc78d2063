package io.gmall.streaming;

import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * One query of the application: a source of Kafka-shaped rows ({@code topic, partition, offset, timestamp,
 * key, value}) turned into effects on one output, micro-batch by micro-batch, with its own checkpoint.
 */
public interface GmallQuery {

    /** The query's name: its checkpoint directory, consumer group prefix and metrics label. */
    String name();

    /** Topics read, or null when {@link #topicPattern()} is used. */
    java.util.List<String> topics();

    default String topicPattern() {
        return null;
    }

    /** Whether the query drops events behind an event-time watermark (exported on /metrics for the judges). */
    default boolean hasWatermark() {
        return false;
    }

    /** Starts the query over {@code source}; the source is a Kafka stream in production, a MemoryStream in suites. */
    StreamingQuery start(Dataset<Row> source) throws TimeoutException;

    /** The Spark local property that puts the jobs of the thread setting it into a fair-scheduler pool. */
    String SCHEDULER_POOL = "spark.scheduler.pool";

    /**
     * The common shape of a query that applies each micro-batch with foreachBatch. Its jobs run in a fair-scheduler
     * pool named after it (the query's thread inherits the pool from the thread that starts it): in one FIFO queue,
     * a small batch of one query waits until every task of a large batch of another (bronze's Parquet) has a slot.
     */
    static StreamingQuery startForEachBatch(StreamingConfig config, String name, Dataset<Row> rows, String outputMode,
                                            VoidFunction2<Dataset<Row>, Long> writer) throws TimeoutException {
        SparkContext context = rows.sparkSession().sparkContext();
        String callersPool = context.getLocalProperty(SCHEDULER_POOL);
        context.setLocalProperty(SCHEDULER_POOL, name);
        try {
            return rows.writeStream()
                    .queryName(name)
                    .outputMode(outputMode)
                    .option("checkpointLocation", config.checkpoint(name).toString())
                    .trigger(Trigger.ProcessingTime(config.triggerOf(name).toMillis()))
                    .foreachBatch(writer)
                    .start();
        } finally {
            context.setLocalProperty(SCHEDULER_POOL, callersPool);
        }
    }
}
