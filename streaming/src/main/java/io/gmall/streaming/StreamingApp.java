package io.gmall.streaming;

import io.gmall.streaming.alerts.AlertQuery;
import io.gmall.streaming.bronze.BronzeQuery;
import io.gmall.streaming.dau.DauQuery;
import io.gmall.streaming.dau.DauWriter;
import io.gmall.streaming.gmv.GmvQuery;
import io.gmall.streaming.gmv.GmvWriter;
import io.gmall.streaming.sale.SaleJoiner;
import io.gmall.streaming.sale.SaleQuery;
import io.gmall.streaming.sale.UserBootstrap;
import io.gmall.streaming.store.DocumentIndex;
import io.gmall.streaming.store.EsDocumentIndex;
import io.gmall.streaming.store.HbaseRowStore;
import io.gmall.streaming.store.RedisStateStore;
import io.gmall.streaming.store.RowStore;
import io.gmall.streaming.store.StateStore;
import io.gmall.streaming.store.StoreRetry;
import io.gmall.streaming.time.BusinessTime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scala.runtime.AbstractFunction0;
import scala.runtime.BoxedUnit;

/**
 * The gmall streaming application: one Spark Structured Streaming query per output (bronze, dau, gmv,
 * alerts, sale), each with its own checkpoint and consumer group. Spark's master and resources come from
 * spark-submit (or {@code -Dspark.master} when run by the local launcher); everything else from
 * {@link StreamingConfig}.
 *
 * <pre>spark-submit --class io.gmall.streaming.StreamingApp gmall-streaming.jar --config cluster.properties</pre>
 */
@Command(name = "gmall-streaming", mixinStandardHelpOptions = true, description = "Runs the gmall streaming queries until stopped (SIGTERM stops them between batches).")
public final class StreamingApp implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingApp.class);
    /** Within Hadoop's 30 s bound on Spark's whole chain of shutdown hooks, leaving time to stop the queries and the context. */
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(20);
    /**
     * Above Spark's default priority (100), at which the local executor stops its task threads: at the same priority the
     * order is arbitrary, and when the executor went first the running batch's tasks were refused and the stop waited out
     * its bound.
     */
    private static final int SHUTDOWN_PRIORITY = 110;

    @Option(names = "--config", description = "a properties file overriding the defaults (keys gmall.streaming.*)")
    Path configFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamingApp()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        StreamingConfig config;
        try {
            config = StreamingConfig.load(configFile, System.getenv(), System.getProperties());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        LOG.info("configuration: {}", config.describe());
        SparkSession spark = session();
        StoreRetry retry = new StoreRetry(config.storeAttempts, config.storeBackoff);
        try (RedisStateStore redis = new RedisStateStore(config.redisUrl, "");
             HbaseRowStore hbase = new HbaseRowStore(config.hbaseQuorum, config.hbasePort, config.hbaseNamespace);
             QueryMetrics metrics = new QueryMetrics(spark)) {
            EsDocumentIndex es = new EsDocumentIndex(config.esUrl);
            List<GmallQuery> queries = new ArrayList<>();
            for (String name : config.queries) {
                queries.add(query(name, config, redis, hbase, es, retry));
            }
            for (GmallQuery q : queries) {
                if (q instanceof SaleQuery sale) {
                    metrics.counter("gmall_stream_sale_unjoined_expired_total",
                            "orders and details that found no partner within the join TTL (left to the nightly backfill)", sale::expiredUnjoined);
                }
            }
            spark.streams().addListener(metrics);
            metrics.serve(config.metricsHost, config.metricsPort);
            List<StreamingQuery> running = new ArrayList<>();
            for (GmallQuery q : queries) {
                StreamingQuery started = q.start(kafka(spark, config, q));
                if (q.hasWatermark()) {
                    metrics.watermarkRestored(started);
                }
                running.add(started);
            }
            CountDownLatch stopped = new CountDownLatch(1);
            // Before Spark's own hooks stop the executor (100) and the SparkContext (50), so a running batch can finish.
            ShutdownHookManager.addShutdownHook(SHUTDOWN_PRIORITY, new AbstractFunction0<BoxedUnit>() {
                @Override
                public BoxedUnit apply() {
                    stopGracefully(running, stopped);
                    return BoxedUnit.UNIT;
                }
            });
            LOG.info("running queries {}; metrics on http://{}:{}/metrics", config.queries, config.metricsHost, config.metricsPort);
            try {
                spark.streams().awaitAnyTermination();
            } catch (org.apache.spark.sql.streaming.StreamingQueryException e) {
                LOG.error("a query failed; stopping the application so that its supervisor restarts it from the checkpoint", e);
                running.forEach(StreamingApp::stopQuietly);
                return 1;
            }
            stopped.await();
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** The query called {@code name}, writing to the given stores. */
    public static GmallQuery query(String name, StreamingConfig config, StateStore redis, RowStore hbase, DocumentIndex es, StoreRetry retry) {
        BusinessTime time = new BusinessTime(config.businessZone);
        return switch (name) {
            case "bronze" -> new BronzeQuery(config, retry);
            case "dau" -> new DauQuery(config, new DauWriter(redis, hbase, time, config.stateRetention, retry, Clock.systemUTC()));
            case "gmv" -> new GmvQuery(config, new GmvWriter(redis, hbase, time, config.sourceZone, config.stateRetention, retry, Clock.systemUTC()));
            case "alerts" -> new AlertQuery(config, es, retry);
            case "sale" -> new SaleQuery(config, new SaleJoiner(redis, config.businessZone, config.sourceZone, config.joinTtl, retry,
                    Clock.systemUTC()), redis, es, retry,
                    () -> UserBootstrap.read(config.mariadbUrl, config.mariadbUser, config.mariadbPassword));
            default -> throw new IllegalArgumentException("unknown query " + name);
        };
    }

    public static SparkSession session() {
        return session("gmall-streaming");
    }

    /** A session with Delta; spark-submit's --name wins over {@code defaultName}, which is for runs without it. */
    public static SparkSession session(String defaultName) {
        SparkSession.Builder builder = SparkSession.builder().appName(new org.apache.spark.SparkConf().get("spark.app.name", defaultName))
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.sql.streaming.stopTimeout", GRACEFUL_STOP.toMillis())
                // The queries share the executors by fair shares of their pools (GmallQuery), not first come first served.
                .config("spark.scheduler.mode", "FAIR");
        return builder.getOrCreate();
    }

    public static Dataset<Row> kafka(SparkSession spark, StreamingConfig config, GmallQuery query) {
        DataStreamReader reader = spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", config.kafkaBootstrap)
                .option("startingOffsets", "earliest")
                // A record deleted by retention before it was read is a loss: stop and say so instead of skipping it.
                .option("failOnDataLoss", "true")
                .option("maxOffsetsPerTrigger", config.maxOffsetsOf(query.name()))
                .option("groupIdPrefix", "gmall.streaming." + query.name());
        if (query.topicPattern() != null) {
            reader = reader.option("subscribePattern", query.topicPattern());
        } else {
            reader = reader.option("subscribe", String.join(",", query.topics()));
        }
        return reader.load();
    }

    /** SIGTERM: wait for each query's running batch to end (bounded), then stop it before the next one starts. */
    private static void stopGracefully(List<StreamingQuery> running, CountDownLatch stopped) {
        LOG.info("stopping: waiting for running batches to finish");
        long deadline = System.nanoTime() + GRACEFUL_STOP.toNanos();
        for (StreamingQuery q : running) {
            while (q.isActive() && q.status().isTriggerActive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            stopQuietly(q);
        }
        stopped.countDown();
        LOG.info("stopped");
    }

    private static void stopQuietly(StreamingQuery q) {
        try {
            q.stop();
        } catch (Exception e) {
            LOG.warn("stopping query {}: {}", q.name(), e.toString());
        }
    }
}
