package io.gmall.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get_json_object;

import io.gmall.reconcile.HbaseSparkRows;
import io.gmall.reconcile.Reconcile;
import io.gmall.streaming.GmallQuery;
import io.gmall.streaming.StreamingApp;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.store.EsDocumentIndex;
import io.gmall.streaming.store.HbaseRowStore;
import io.gmall.streaming.store.RedisStateStore;
import io.gmall.streaming.store.StoreRetry;
import io.gmall.streaming.time.BusinessTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gmall bench reconcile}: a business day of mock-shaped records landed in bronze by the stream's own
 * bronze query, then, in one run on the same data, the ceiling (a bare Spark scan of every bronze table that
 * parses each record's key and aggregates by it) beside the nightly reconcile of the day: first against empty
 * realtime stores (every row and document written, the backfill's worst case), then again (the usual night:
 * nothing to correct). Runs in the benchmark's own corner of the stack ({@link BenchStack}), removed afterwards.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true, description = "Benchmark the nightly reconcile against a bare scan of the same bronze data.")
public final class ReconcileBench implements Callable<Integer> {

    private static final long DAY_MILLIS = 24L * 3600 * 1000;

    @Spec
    CommandSpec spec;
    @Option(names = "--records", defaultValue = "3000000", description = "records of the day (default ${DEFAULT-VALUE})")
    long records;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReconcileBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        BenchStack.requirePositive(spec, Map.of("--records", records));
        Path root = Path.of(System.getProperty("gmall.root", "."));
        StreamingConfig base = StreamingConfig.load(null, System.getenv(), System.getProperties());
        String run = UUID.randomUUID().toString().substring(0, 8);
        // A day long enough ago that the reconcile takes it without --force.
        String day = LocalDate.now(base.businessZone).minusDays(2).toString();
        SparkSession spark = StreamingApp.session("gmall bench reconcile");
        spark.sparkContext().setLogLevel("WARN");
        Map<String, String> report = new LinkedHashMap<>();
        try (BenchStack stack = new BenchStack(run, base, root)) {
            stack.create();
            StreamingConfig config = stack.config("reconcile", 0);
            long produceStart = System.nanoTime();
            long total;
            try (MockShapedLoad load = new MockShapedLoad(stack)) {
                load.users();
                load.backlog(records, new BusinessTime(base.businessZone).hourBounds(day)[0], DAY_MILLIS);
                total = load.total();
            }
            System.out.printf("day %s: %,d records to Kafka in %.1f s%n", day, total, seconds(produceStart));
            double landing = landBronze(spark, config);
            report.put("bronze landed by the stream's query", String.format("%,d records in %.1f s", total, landing));

            double ceiling = bareScan(spark, config);
            report.put("ceiling: bare scan and aggregate", String.format("%.1f s", ceiling));
            try (HbaseRowStore hbase = new HbaseRowStore(config.hbaseQuorum, config.hbasePort, config.hbaseNamespace);
                 RedisStateStore redis = new RedisStateStore(config.redisUrl, stack.redisPrefix)) {
                Reconcile reconcile = new Reconcile(spark, config, hbase, new HbaseSparkRows(spark, config), new EsDocumentIndex(config.esUrl), redis, Clock.systemUTC());
                for (String pass : List.of("first (empty stores: all written)", "second (nothing to correct)")) {
                    // One metric at a time, as the nightly graph's tasks run them, so each one's share shows.
                    Map<Reconcile.Metric, Double> seconds = new LinkedHashMap<>();
                    long differing = 0;
                    for (Reconcile.Metric metric : Reconcile.Metric.ALL) {
                        long started = System.nanoTime();
                        differing += reconcile.run(day, List.of(metric), "bench-" + run, false).differing();
                        seconds.put(metric, seconds(started));
                    }
                    double took = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
                    report.put("reconcile, " + pass, String.format("%.1f s (%.1f× the ceiling; %d metric-hours differed)", took, took / ceiling,
                            differing));
                    seconds.forEach((metric, s) -> report.put("  " + metric.name().toLowerCase() + ", " + pass.substring(0, pass.indexOf(' ')),
                            String.format("%.1f s", s)));
                }
            }
        } finally {
            spark.stop();
        }
        System.out.println();
        System.out.println("gmall bench reconcile (" + Runtime.getRuntime().availableProcessors() + " cores, aim: the reconcile within 2× the ceiling)");
        report.forEach((k, v) -> System.out.printf("  %-44s %s%n", k, v));
        return 0;
    }

    /** The stream's bronze query over the whole backlog, as it lands the lake; returns its seconds. */
    private static double landBronze(SparkSession spark, StreamingConfig config) throws Exception {
        long started = System.nanoTime();
        GmallQuery bronze = StreamingApp.query("bronze", config, null, null, null, new StoreRetry(config.storeAttempts, config.storeBackoff));
        StreamingQuery q = bronze.start(StreamingApp.kafka(spark, config, bronze));
        try {
            q.processAllAvailable();
        } finally {
            q.stop();
        }
        return seconds(started);
    }

    /** Every bronze table of the lake read whole, each record's key parsed from its value and counted by key; returns its seconds. */
    private static double bareScan(SparkSession spark, StreamingConfig config) throws Exception {
        long started = System.nanoTime();
        long keys = 0;
        try (var tables = Files.list(config.lakeRoot.resolve("bronze"))) {
            for (Path table : tables.filter(Files::isDirectory).toList()) {
                keys += spark.read().format("delta").load(table.toString())
                        .groupBy(get_json_object(col("value"), "$.mid"), get_json_object(col("value"), "$.after.id")).count().count();
            }
        }
        double took = seconds(started);
        System.out.printf("ceiling: %,d keys aggregated in %.1f s%n", keys, took);
        return took;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
