package io.gmall.bench;

import io.gmall.streaming.GmallQuery;
import io.gmall.streaming.StreamingApp;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.store.EsDocumentIndex;
import io.gmall.streaming.store.HbaseRowStore;
import io.gmall.streaming.store.RedisStateStore;
import io.gmall.streaming.store.StoreRetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./gmall bench stream}: catch-up rates of each query and of the whole application over a backlog,
 * beside the ceiling measured on the same data in the same run (a bare Spark query that reads the topics
 * and counts), then the highest input rate the whole application sustains with p95 freshness within 5 s,
 * and the driver's memory. Runs in its own topics, HBase namespace, indices and Redis keys.
 */
@Command(name = "stream", mixinStandardHelpOptions = true, description = "Benchmark the streaming application.")
public final class StreamBench implements Callable<Integer> {

    private static final long FRESHNESS_LIMIT_MS = 5000;

    @Spec
    CommandSpec spec;
    @Option(names = "--records", defaultValue = "2000000", description = "backlog size (default ${DEFAULT-VALUE})")
    long records;
    @Option(names = "--rates", defaultValue = "1000,2000,5000,10000,20000", split = ",", description = "input rates tried, records/s (default ${DEFAULT-VALUE})")
    List<Integer> rates;
    @Option(names = "--rate-seconds", defaultValue = "30", description = "seconds each rate is held (default ${DEFAULT-VALUE})")
    int rateSeconds;
    @Option(names = "--queries", split = ",", description = "only these queries' catch-up, without the whole application's or the sustained rate (default: all of them)")
    List<String> queries = List.copyOf(StreamingConfig.QUERIES);
    @Option(names = "--trigger-seconds", defaultValue = "1", description = "trigger interval while measuring freshness (default ${DEFAULT-VALUE})")
    int triggerSeconds;

    /** The run's stores, which every phase's queries write to. */
    private RedisStateStore redis;
    private HbaseRowStore hbase;
    private EsDocumentIndex es;

    /** Completed micro-batches, per query: [trigger start ms, end ms, input rows]. */
    private final Map<String, List<long[]>> batches = new ConcurrentHashMap<>();
    private final AtomicLong peakRss = new AtomicLong();

    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        BenchStack.requirePositive(spec, Map.of("--records", records, "--rate-seconds", rateSeconds, "--trigger-seconds", triggerSeconds,
                "--rates", rates.stream().mapToInt(Integer::intValue).min().orElse(0)));
        for (String q : queries) {
            if (!StreamingConfig.QUERIES.contains(q)) {
                throw new ParameterException(spec.commandLine(), "unknown query '" + q + "'; the queries are " + new TreeSet<>(StreamingConfig.QUERIES));
            }
        }
        Path root = Path.of(System.getProperty("gmall.root", "."));
        StreamingConfig base = StreamingConfig.load(null, System.getenv(), System.getProperties());
        String run = UUID.randomUUID().toString().substring(0, 8);
        SparkSession spark = StreamingApp.session();
        spark.sparkContext().setLogLevel("WARN");
        spark.streams().addListener(new Recorder());
        Thread sampler = new Thread(this::sampleRss, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        Map<String, String> report = new LinkedHashMap<>();
        try (BenchStack stack = new BenchStack(run, base, root)) {
            stack.create();
            // One client of each store for every phase: each phase's configuration names the same run's stores.
            StreamingConfig storesOfRun = stack.config("stores", 0);
            try (RedisStateStore redis = new RedisStateStore(storesOfRun.redisUrl, stack.redisPrefix);
                 HbaseRowStore hbase = new HbaseRowStore(storesOfRun.hbaseQuorum, storesOfRun.hbasePort, storesOfRun.hbaseNamespace);
                 MockShapedLoad load = new MockShapedLoad(stack)) {
                this.redis = redis;
                this.hbase = hbase;
                this.es = new EsDocumentIndex(storesOfRun.esUrl);
                long t0 = System.nanoTime();
                load.users();
                load.backlog(records);
                double produceSeconds = (System.nanoTime() - t0) / 1e9;
                long total = load.total();
                Map<String, Long> byKind = new LinkedHashMap<>();
                load.sent().forEach((k, v) -> byKind.put(k, v.get()));
                System.out.printf("backlog: %,d records in %.1f s (%,.0f records/s): %s%n", total, produceSeconds, total / produceSeconds, byKind);

                Phase bare = bareRead(spark, stack, total);
                double ceiling = bare.rate();
                report.put("ceiling: bare read and count", bare.describe());
                for (String name : queries.stream().sorted().toList()) {
                    StreamingConfig config = stack.config(name, 0);
                    long input = inputOf(name, byKind);
                    report.put("catch-up " + name, catchUp(spark, config, List.of(name), input).describe(ceiling));
                }
                if (Set.copyOf(queries).equals(StreamingConfig.QUERIES)) {
                    whole(spark, stack, load, total, ceiling, report);
                }
            }
        } finally {
            spark.stop();
        }
        report.put("driver RSS, peak", String.format("%,d MB", peakRss.get() / 1024));
        report.put("stack RSS now (every running component, the stream included)", String.format("%,d MB (budget 6,144 MB)", stackRss(root) / 1024));
        System.out.println();
        System.out.println("gmall bench stream (" + Runtime.getRuntime().availableProcessors() + " cores)");
        report.forEach((k, v) -> System.out.printf("  %-48s %s%n", k, v));
        return 0;
    }

    /** The whole application: its catch-up over the backlog, then the highest input rate it sustains. */
    private void whole(SparkSession spark, BenchStack stack, MockShapedLoad load, long total, double ceiling, Map<String, String> report)
            throws Exception {
        Phase sources = bareSources(spark, stack, total);
        report.put("ceiling of the whole application's reads", sources.describe() + String.format("; %.0f %% of the ceiling", 100 * sources.rate() / ceiling));
        Phase whole = catchUp(spark, stack.config("all", 0), List.copyOf(StreamingConfig.QUERIES), total);
        report.put("catch-up whole application", whole.describe(ceiling)
                + String.format("; %.0f %% of its reads' ceiling", 100 * whole.rate() / sources.rate()));
        int cores = Runtime.getRuntime().availableProcessors();
        report.put("most the driver's CPU allows on " + cores + " cores", String.format(
                "%,.0f records/s (the whole application's CPU a record; the servers' own CPU not counted)", cores * 1e6 / whole.cpuMicrosPerRecord()));
        int sustained = sustained(spark, stack, load, report);
        report.put("sustained rate at p95 freshness <= 5 s", sustained == 0 ? "none of the rates tried" : String.format("%,d records/s", sustained));
    }

    private static long inputOf(String query, Map<String, Long> byKind) {
        return switch (query) {
            case "bronze" -> byKind.values().stream().mapToLong(Long::longValue).sum();
            case "dau" -> byKind.get("startup");
            case "gmv" -> byKind.get("order");
            case "alerts" -> byKind.get("event");
            case "sale" -> byKind.get("order") + byKind.get("detail") + byKind.get("user");
            default -> throw new IllegalArgumentException(query);
        };
    }

    /**
     * A phase's rate and the CPU this JVM (Spark's driver and, locally, its executors) spent on each record. The stack's
     * servers (Kafka serving the reads, the stores taking the writes) are not counted.
     */
    private record Phase(double rate, double cpuMicrosPerRecord, double cores) {
        static Phase of(long records, long startedNanos, Duration cpuBefore) {
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            double cpuSeconds = driverCpu().minus(cpuBefore).toNanos() / 1e9;
            return new Phase(records / seconds, 1e6 * cpuSeconds / records, cpuSeconds / seconds);
        }

        String describe() {
            return String.format("%,.0f records/s, %.0f µs of driver CPU a record, %.2f cores", rate, cpuMicrosPerRecord, cores);
        }

        String describe(double ceiling) {
            return describe() + String.format("; %.0f %% of the ceiling", 100 * rate / ceiling);
        }
    }

    private static Duration driverCpu() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /**
     * The ceiling: a bare query over every topic, as bronze reads them (its cap a batch), that only counts each
     * micro-batch. Read twice, the first time unmeasured: the JVM's first Spark work (class loading, compiling)
     * would otherwise cost the ceiling what no query phase after it pays.
     */
    private Phase bareRead(SparkSession spark, BenchStack stack, long total) throws Exception {
        Phase warmUp = bareReadPass(spark, stack, "bare-warm-up");
        System.out.printf("warm-up: read and counted every record at %s%n", warmUp.describe());
        Phase ceiling = bareReadPass(spark, stack, "bare");
        System.out.printf("ceiling: read and counted %,d records at %s%n", total, ceiling.describe());
        return ceiling;
    }

    private Phase bareReadPass(SparkSession spark, BenchStack stack, String phase) throws Exception {
        StreamingConfig config = stack.config(phase, 0);
        AtomicLong counted = new AtomicLong();
        Duration cpu0 = driverCpu();
        long t0 = System.nanoTime();
        GmallQuery bronze = queries(config, List.of("bronze")).get(0);
        count(StreamingApp.kafka(spark, config, bronze), config.checkpoint(phase), counted).awaitTermination();
        return Phase.of(counted.get(), t0, cpu0);
    }

    /**
     * What the whole application reads, and nothing more: each query's own Kafka source (its topics, its cap a batch)
     * read and counted, all at once. The queries read each record of the backlog about twice (bronze every topic, the
     * others theirs); this says whether those reads, rather than what the queries compute, bound the application.
     */
    private Phase bareSources(SparkSession spark, BenchStack stack, long total) throws Exception {
        StreamingConfig config = stack.config("bare-sources", 0);
        AtomicLong counted = new AtomicLong();
        List<StreamingQuery> running = new ArrayList<>();
        Duration cpu0 = driverCpu();
        long t0 = System.nanoTime();
        for (GmallQuery query : queries(config, StreamingConfig.QUERIES)) {
            running.add(count(StreamingApp.kafka(spark, config, query), config.checkpoint("bare-" + query.name()), counted));
        }
        for (StreamingQuery q : running) {
            q.awaitTermination();
        }
        Phase phase = Phase.of(total, t0, cpu0);
        System.out.printf("the queries' own sources: read and counted %,d records (%.2f a record of the backlog) in %.1f s%n", counted.get(),
                (double) counted.get() / total, total / phase.rate());
        return phase;
    }

    /** Reads {@code source} until it holds no more, counting its records into {@code counted}. */
    private static StreamingQuery count(Dataset<Row> source, Path checkpoint, AtomicLong counted) throws TimeoutException {
        return source.writeStream()
                .option("checkpointLocation", checkpoint.toString())
                .trigger(Trigger.AvailableNow())
                .foreachBatch((batch, id) -> {
                    counted.addAndGet(batch.count());
                })
                .start();
    }

    /** Starts the queries over the backlog and waits until they have processed all of it. */
    private Phase catchUp(SparkSession spark, StreamingConfig config, List<String> names, long input) throws Exception {
        List<StreamingQuery> running = start(spark, config, names);
        Duration cpu0 = driverCpu();
        long t0 = System.nanoTime();
        for (StreamingQuery q : running) {
            q.processAllAvailable();
        }
        Phase phase = Phase.of(input, t0, cpu0);
        for (StreamingQuery q : running) {
            q.stop();
        }
        System.out.printf("catch-up %s: %,d records in %.1f s%n", names, input, input / phase.rate());
        return phase;
    }

    private List<StreamingQuery> start(SparkSession spark, StreamingConfig config, List<String> names) throws Exception {
        List<StreamingQuery> running = new ArrayList<>();
        for (GmallQuery query : queries(config, names)) {
            running.add(query.start(StreamingApp.kafka(spark, config, query)));
        }
        return running;
    }

    /** The application's queries of {@code names}, over the run's stores. */
    private List<GmallQuery> queries(StreamingConfig config, Collection<String> names) {
        StoreRetry retry = new StoreRetry(config.storeAttempts, config.storeBackoff);
        return names.stream().map(name -> StreamingApp.query(name, config, redis, hbase, es, retry)).toList();
    }

    /**
     * The whole application at rising input rates. A record's freshness is at most the end of the batch that
     * wrote it minus the start of the batch before (it was appended after that batch read its offsets): the p95
     * of that bound, over the batches of every query that writes HBase or Elasticsearch weighted by their rows,
     * must stay within 5 s while the application keeps up. Bronze lands the lake on its own longer trigger and
     * is judged by keeping up, not by freshness.
     */
    private int sustained(SparkSession spark, BenchStack stack, MockShapedLoad load, Map<String, String> report) throws Exception {
        StreamingConfig config = stack.config("all", triggerSeconds);
        List<String> realtime = StreamingConfig.QUERIES.stream().filter(q -> !q.equals("bronze")).toList();
        List<StreamingQuery> running = start(spark, config, realtime);
        List<StreamingQuery> lake = start(spark, config, List.of("bronze"));
        int best = 0;
        try {
            for (StreamingQuery q : running) {
                q.processAllAvailable();
            }
            lake.get(0).processAllAvailable();
            for (int rate : rates) {
                batches.clear();
                long t0 = System.currentTimeMillis();
                long written = load.paced(rate, rateSeconds);
                long producedFor = System.currentTimeMillis() - t0;
                long drainStart = System.nanoTime();
                for (StreamingQuery q : running) {
                    q.processAllAvailable();
                }
                double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
                lake.get(0).processAllAvailable();
                double lakeDrainSeconds = (System.nanoTime() - drainStart) / 1e9;
                long p95 = p95Freshness(t0);
                // Falling behind grows a backlog through the whole load, drained long after it stops; keeping up
                // leaves the batches in flight, a trigger and about two batches of a loaded machine.
                boolean keptUp = drainSeconds < triggerSeconds + 2.0 * FRESHNESS_LIMIT_MS / 1000.0
                        && lakeDrainSeconds < 2.0 * config.bronzeTrigger.toSeconds() + 2.0 * FRESHNESS_LIMIT_MS / 1000.0;
                report.put("freshness p95 at " + String.format("%,d", rate) + " records/s",
                        String.format("%.1f s (%,d records in %.0f s; drained %.1f s after the load stopped, bronze %.1f s; batch p95 %s)",
                                p95 / 1000.0, written, producedFor / 1000.0, drainSeconds, lakeDrainSeconds, batchDurations(t0)));
                if (p95 > FRESHNESS_LIMIT_MS || !keptUp) {
                    break;
                }
                best = rate;
            }
        } finally {
            for (StreamingQuery q : running) {
                q.stop();
            }
            lake.get(0).stop();
        }
        return best;
    }

    /** Each query's p95 batch duration since {@code since}, over its batches that read rows: where freshness goes. */
    private String batchDurations(long since) {
        List<String> each = new ArrayList<>();
        new TreeMap<>(batches).forEach((query, list) -> {
            long[] took = list.stream().filter(b -> b[0] >= since && b[2] > 0).mapToLong(b -> b[1] - b[0]).sorted().toArray();
            if (took.length > 0) {
                each.add(String.format("%s %.1f s", query, took[(int) Math.ceil(0.95 * took.length) - 1] / 1000.0));
            }
        });
        return String.join(", ", each);
    }

    private long p95Freshness(long since) {
        List<long[]> weighted = new ArrayList<>();
        long rows = 0;
        for (Map.Entry<String, List<long[]>> query : batches.entrySet()) {
            if (query.getKey().equals("bronze")) {
                continue;
            }
            List<long[]> list = query.getValue();
            for (int i = 1; i < list.size(); i++) {
                long[] b = list.get(i);
                if (b[0] >= since && b[2] > 0) {
                    weighted.add(new long[] {b[1] - list.get(i - 1)[0], b[2]});
                    rows += b[2];
                }
            }
        }
        weighted.sort((a, b) -> Long.compare(a[0], b[0]));
        long seen = 0;
        for (long[] w : weighted) {
            seen += w[1];
            if (seen >= 0.95 * rows) {
                return w[0];
            }
        }
        return 0;
    }

    /** Records every query's batches for the freshness bound. */
    private final class Recorder extends StreamingQueryListener {
        @Override
        public void onQueryStarted(QueryStartedEvent event) {
        }

        @Override
        public void onQueryProgress(QueryProgressEvent event) {
            StreamingQueryProgress p = event.progress();
            long start = java.time.Instant.parse(p.timestamp()).toEpochMilli();
            Long took = p.durationMs().get("triggerExecution");
            batches.computeIfAbsent(p.name() == null ? p.id().toString() : p.name(), k -> new CopyOnWriteArrayList<>())
                    .add(new long[] {start, start + (took == null ? 0 : took), p.numInputRows()});
        }

        @Override
        public void onQueryTerminated(QueryTerminatedEvent event) {
        }
    }

    private void sampleRss() {
        while (true) {
            peakRss.accumulateAndGet(rssKb(ProcessHandle.current().pid()), Math::max);
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** The resident memory of every running component of the local stack (var/run/*.pid); this benchmark's driver is not one. */
    private static long stackRss(Path root) throws IOException {
        long kb = 0;
        Path run = root.resolve("var/run");
        if (Files.isDirectory(run)) {
            try (var pids = Files.list(run)) {
                for (Path p : pids.filter(f -> f.toString().endsWith(".pid")).toList()) {
                    try {
                        kb += rssKb(Long.parseLong(Files.readString(p).trim()));
                    } catch (NumberFormatException e) {
                        // a pid file being rewritten: that component is counted as zero
                    }
                }
            }
        }
        return kb;
    }
}
