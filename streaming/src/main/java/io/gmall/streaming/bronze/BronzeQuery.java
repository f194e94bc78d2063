package io.gmall.streaming.bronze;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.unix_millis;

import io.gmall.streaming.GmallQuery;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.store.StoreRetry;
import io.gmall.streaming.time.BusinessTime;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.streaming.StreamExecution;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import scala.runtime.AbstractFunction1;

/**
 * Every business topic into its Delta table {@code <lake>/bronze/<topic>}, partitioned by business day
 * ({@code dt}), with the raw value and the Kafka coordinates. Exactly once: each table's append carries
 * {@code txnAppId=gmall.streaming.bronze.<query id>} and {@code txnVersion=<batch id>}, so Delta skips a replayed
 * batch that already committed to that table. The query id is kept in the checkpoint: a query started over on a new
 * checkpoint, the lake kept, numbers its batches from 0 again under a new id, and Delta does not take them for
 * replays of the old query's (with one app id it skipped every append until the batch ids passed the old maximum).
 *
 * <p>{@code dt} is the business day of the record's own time: the {@code ts} field of its JSON value (the
 * client time of a log, the commit time of a CDC change), else the Kafka timestamp (DLQ records, unreadable
 * values). A late record thus lands in its own day's partition, which the nightly recompute of that day reads.
 */
public final class BronzeQuery implements GmallQuery {

    public static final String TXN_APP_ID = "gmall.streaming.bronze";
    private static final int WRITERS = 4;
    private static final int DAYS_OPEN_A_TASK = 4;
    private static final UserDefinedFunction RECORD_TS = udf(new RecordTs(), DataTypes.LongType);

    private final StreamingConfig config;
    private final StoreRetry retry;
    private final BusinessTime time;
    /**
     * The tables of a batch are appended side by side: a Delta commit is mostly the driver waiting on the file
     * system, so one topic's commit overlaps another's Parquet writing. The threads are started here, not inside
     * a batch, so they do not inherit a batch's Spark local properties (its SQL execution id); each append puts
     * itself in the query's scheduler pool.
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
                col("key").cast("string").as("key"), col("value").cast("string").as("value"),
                coalesce(RECORD_TS.apply(col("value")), unix_millis(col("timestamp"))).as("event_ms"));
        return typed.withColumn(BusinessTime.DT, time.dayOf(col("event_ms")));
    }

    @Override
    public StreamingQuery start(Dataset<Row> source) throws TimeoutException {
        // A task writes one Kafka partition's records, nearly all of one business day: with a writer open for each day
        // it meets (up to a few, then sorted as before), it no longer sorts its rows by day first (a tenth of its CPU).
        // The session's only file writer is bronze.
        source.sparkSession().conf().set("spark.sql.maxConcurrentOutputFileWriters", String.valueOf(DAYS_OPEN_A_TASK));
        return GmallQuery.startForEachBatch(config, name(), rows(source), "append", (batch, batchId) -> {
            // Read on the query's own thread: the appends' threads do not have its local properties.
            String appId = TXN_APP_ID + "." + batch.sparkSession().sparkContext().getLocalProperty(StreamExecution.QUERY_ID_KEY());
            try {
                List<CompletableFuture<Void>> appends = new ArrayList<>();
                partitionsOfEachTopic(batch).forEach((topic, holding) -> appends.add(CompletableFuture.runAsync(() -> {
                    batch.sparkSession().sparkContext().setLocalProperty(SCHEDULER_POOL, name());
                    append(onlyPartitions(batch, holding).filter(col("topic").equalTo(topic)), topic, appId, batchId);
                }, writers)));
                CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        });
    }

    /**
     * The Spark partitions of the batch that hold each topic. A Kafka batch has one partition per topic-partition,
     * so a topic's rows sit in a few of them; appending a topic from all of them would run a write task (its Hadoop
     * configuration, its generated statistics code) for every partition of every other topic: 168 empty tasks of 196
     * in a batch of the seven topics, each with four partitions.
     *
     * <p>A batch read straight from Kafka says so without a job: its partitions are Kafka's offset ranges (see
     * {@link KafkaLineage}), and each topic's append then reads only its own ranges, once. Any other batch is
     * scanned for it.
     */
    static Map<String, Set<Integer>> partitionsOfEachTopic(Dataset<Row> rows) {
        return KafkaLineage.topicsOfPartitions(rows.queryExecution().toRdd()).orElseGet(() -> {
            Map<String, Set<Integer>> partitions = new TreeMap<>();
            for (Row r : rows.select(col("topic"), spark_partition_id()).distinct().collectAsList()) {
                partitions.computeIfAbsent(r.getString(0), t -> new TreeSet<>()).add(r.getInt(1));
            }
            return partitions;
        });
    }

    /**
     * The rows of {@code rows} in the given partitions, without a task for the others. They stay in Spark's internal
     * form: going through {@code Dataset.rdd()} would convert each of them to a {@code Row} and back.
     */
    static Dataset<Row> onlyPartitions(Dataset<Row> rows, Set<Integer> keep) {
        RDD<InternalRow> pruned = PartitionPruningRDD.create(rows.queryExecution().toRdd(), new PartitionIn(keep));
        return rows.sparkSession().internalCreateDataFrame(pruned, rows.schema(), false);
    }

    private static final class PartitionIn extends AbstractFunction1<Object, Object> implements Serializable {
        private final Set<Integer> keep;

        PartitionIn(Set<Integer> keep) {
            this.keep = Set.copyOf(keep);
        }

        @Override
        public Object apply(Object partition) {
            return keep.contains((Integer) partition);
        }
    }

    private void append(Dataset<Row> rows, String topic, String appId, long batchId) {
        String table = config.bronzeTable(topic).toString();
        retry.run("Delta", "appending batch " + batchId + " to " + table, () -> rows
                .write().format("delta")
                .mode(SaveMode.Append)
                .partitionBy(BusinessTime.DT)
                .option("txnAppId", appId)
                .option("txnVersion", batchId)
                .save(table));
    }
}
