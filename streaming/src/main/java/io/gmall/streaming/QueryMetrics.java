package io.gmall.streaming;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.OffsetSeq;
import org.apache.spark.sql.execution.streaming.StreamingQueryWrapper;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.Tuple2;

/**
 * Progress of every query: one compact log line per batch, and on a loopback port {@code /metrics}
 * (Prometheus text) and {@code /status} (one line per query, for {@code ./gmall status}).
 */
public final class QueryMetrics extends StreamingQueryListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryMetrics.class);

    /** What the last progress of a query said. */
    record Snapshot(long batchId, Instant at, double inputRowsPerSecond, long numInputRows, long batchMillis, long stateRows, long lag) {
    }

    private final SparkSession spark;
    private final Map<String, Snapshot> last = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Map<String, Long> watermarks = new ConcurrentHashMap<>();
    private final Map<String, Map.Entry<String, java.util.function.LongSupplier>> counters = new java.util.concurrent.ConcurrentSkipListMap<>();
    private HttpServer server;

    public QueryMetrics(SparkSession spark) {
        this.spark = spark;
    }

    public void serve(String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gmall-stream-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", exchange -> respond(exchange, prometheus()));
        server.createContext("/status", exchange -> respond(exchange, status()));
        server.start();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Exports a query's watermark from its start, before its first batch: the one its checkpoint restores
     * (0 when it has never run a batch), so a judge asking right after a restart is not told a stale nothing.
     */
    public void watermarkRestored(StreamingQuery query) {
        long restored = 0;
        if (query instanceof StreamingQueryWrapper wrapper) {
            Option<Tuple2<Object, OffsetSeq>> latest = wrapper.streamingQuery().offsetLog().getLatest();
            if (latest.isDefined() && latest.get()._2().metadata().isDefined()) {
                restored = latest.get()._2().metadata().get().batchWatermarkMs();
            }
        }
        watermarks.putIfAbsent(query.name(), restored);
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
        LOG.info("query {} started (run {})", event.name(), event.runId());
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        StreamingQueryProgress p = event.progress();
        long stateRows = 0;
        for (StateOperatorProgress s : p.stateOperators()) {
            stateRows += s.numRowsTotal();
        }
        long lag = 0;
        for (SourceProgress s : p.sources()) {
            String behind = s.metrics().get("maxOffsetsBehindLatest");
            if (behind != null) {
                lag += (long) Double.parseDouble(behind);
            }
        }
        Long total = p.durationMs().get("triggerExecution");
        Snapshot snap = new Snapshot(p.batchId(), Instant.parse(p.timestamp()), p.inputRowsPerSecond(), p.numInputRows(),
                total == null ? 0 : total, stateRows, lag);
        last.put(p.name(), snap);
        String watermark = p.eventTime().get("watermark");
        if (watermark != null) {
            watermarks.put(p.name(), Instant.parse(watermark).toEpochMilli());
        }
        if (p.numInputRows() > 0) {
            LOG.info("query {} batch {}: {} rows, {} rows/s, {} ms ({}), state {} rows, lag {}", p.name(), p.batchId(), p.numInputRows(),
                    Math.round(p.inputRowsPerSecond()), snap.batchMillis(), phases(p.durationMs()), stateRows, lag);
        }
    }

    /** Where a batch's time went, longest phase first, e.g. {@code addBatch 900, walCommit 40}: so a slow batch says why. */
    static String phases(java.util.Map<String, Long> durations) {
        return durations.entrySet().stream()
                .filter(e -> !e.getKey().equals("triggerExecution") && e.getValue() > 0)
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {
        // An idle query is alive and caught up: its progress is as recent as the idle event, also before its first batch.
        Instant at = Instant.parse(event.timestamp());
        last.compute(activeName(event.id()), (name, s) -> s == null
                ? new Snapshot(-1, at, 0, 0, 0, 0, 0)
                : new Snapshot(s.batchId(), at, 0, 0, s.batchMillis(), s.stateRows(), 0));
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
        if (event.exception().isDefined()) {
            failures.put(event.id().toString(), event.exception().get());
            LOG.error("query {} failed: {}", event.id(), event.exception().get());
        }
    }

    private String activeName(java.util.UUID id) {
        for (StreamingQuery q : spark.streams().active()) {
            if (q.id().equals(id)) {
                return q.name();
            }
        }
        return "";
    }

    /** A counter a query keeps itself, exported under {@code name}. */
    public void counter(String name, String help, java.util.function.LongSupplier value) {
        counters.put(name, Map.entry(help, value));
    }

    String prometheus() {
        StringBuilder b = new StringBuilder();
        counters.forEach((name, c) -> b.append("# HELP ").append(name).append(' ').append(c.getKey()).append("\n# TYPE ").append(name)
                .append(" counter\n").append(name).append(' ').append(c.getValue().getAsLong()).append('\n'));
        b.append("# HELP gmall_stream_query_active 1 while the query runs\n# TYPE gmall_stream_query_active gauge\n");
        for (StreamingQuery q : spark.streams().active()) {
            b.append("gmall_stream_query_active{query=\"").append(q.name()).append("\"} 1\n");
        }
        metric(b, "gmall_stream_last_batch_id", "id of the last completed micro-batch", s -> s.batchId());
        metric(b, "gmall_stream_input_rows_per_second", "input rows per second of the last micro-batch", Snapshot::inputRowsPerSecond);
        metric(b, "gmall_stream_batch_duration_seconds", "duration of the last micro-batch", s -> s.batchMillis() / 1000.0);
        metric(b, "gmall_stream_state_rows", "rows held in the query's state store", s -> s.stateRows());
        metric(b, "gmall_stream_kafka_lag_records", "records behind the latest Kafka offsets after the last micro-batch", s -> s.lag());
        metric(b, "gmall_stream_last_progress_timestamp_seconds", "when the query last reported progress", s -> s.at().toEpochMilli() / 1000.0);
        // Judges use it: an event older than the watermark when it arrives is dropped by the query.
        b.append("# HELP gmall_stream_event_time_watermark_ms event-time watermark of a query that has one, epoch ms\n")
                .append("# TYPE gmall_stream_event_time_watermark_ms gauge\n");
        watermarks.forEach((query, ms) -> b.append("gmall_stream_event_time_watermark_ms{query=\"").append(query).append("\"} ").append(ms).append('\n'));
        return b.toString();
    }

    private void metric(StringBuilder b, String name, String help, java.util.function.ToDoubleFunction<Snapshot> value) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n");
        last.forEach((query, s) -> b.append(name).append("{query=\"").append(query).append("\"} ").append(value.applyAsDouble(s)).append('\n'));
    }

    /** One line per configured query: {@code <name> active|stopped <last batch id> <seconds since progress> <lag>}. */
    String status() {
        StringBuilder b = new StringBuilder();
        for (StreamingQuery q : spark.streams().active()) {
            Snapshot s = last.get(q.name());
            long age = s == null ? -1 : Math.max(0, Instant.now().getEpochSecond() - s.at().getEpochSecond());
            b.append(q.name()).append(' ').append(q.isActive() ? "active" : "stopped").append(' ')
                    .append(s == null ? -1 : s.batchId()).append(' ').append(age).append(' ').append(s == null ? 0 : s.lag()).append('\n');
        }
        failures.forEach((id, e) -> b.append("failed ").append(id).append(' ').append(e.replace('\n', ' ')).append('\n'));
        return b.toString();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
