package io.gmall.ingestion.cdc;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's metrics, served as Prometheus text on {@code /metrics}: changes relayed
 * ({@code gmall_cdc_changes_total}, whose rate is changes/s) and the lag behind the binlog
 * ({@code gmall_cdc_lag_seconds}: from a change's commit in MariaDB to Kafka's acknowledgement of it;
 * 0 when the relay has caught up). A lag of 0 also reads so while MariaDB cannot be read, so beside it
 * {@code gmall_cdc_seconds_since_last_change} says how long ago a change was last relayed and
 * {@code gmall_cdc_seconds_since_last_poll} whether the relay still asks Canal at all. A line with these goes
 * to the log every 30 s.
 */
final class RelayMetrics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter changes = Counter.builder("gmall.cdc.changes").description("row changes relayed to Kafka").register(registry);
    private final Counter retries = Counter.builder("gmall.cdc.retries").description("batches and connections retried after a failure")
            .register(registry);
    private final Counter dlq = Counter.builder("gmall.cdc.dlq").description("changes too large for Kafka whose keys went to the DLQ topic")
            .register(registry);
    private final AtomicLong lagMillis = new AtomicLong();
    private final long startedAt = System.currentTimeMillis();
    private final AtomicLong lastChangeAt = new AtomicLong();
    private final AtomicLong lastPollAt = new AtomicLong(startedAt);
    private final HttpServer server;
    private long lastLogged = System.nanoTime();
    private double changesAtLastLog;

    RelayMetrics(String host, int port) throws IOException {
        registry.gauge("gmall.cdc.lag.seconds", lagMillis, v -> v.get() / 1000.0);
        // Before the first change: since the relay started.
        registry.gauge("gmall.cdc.seconds.since.last.change", lastChangeAt, v -> secondsSince(v.get() == 0 ? startedAt : v.get()));
        registry.gauge("gmall.cdc.seconds.since.last.poll", lastPollAt, v -> secondsSince(v.get()));
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** A batch reached Kafka: {@code n} changes, the newest committed at {@code newestCommitMillis}. */
    void delivered(int n, long newestCommitMillis) {
        changes.increment(n);
        if (n > 0) {
            lastChangeAt.set(System.currentTimeMillis());
            lagMillis.set(Math.max(0, System.currentTimeMillis() - newestCommitMillis));
        }
        logEvery30s();
    }

    /** The relay asked Canal for a batch. */
    void polled() {
        lastPollAt.set(System.currentTimeMillis());
    }

    void retried() {
        retries.increment();
    }

    void skippedToDlq() {
        dlq.increment();
    }

    private static double secondsSince(long millis) {
        return (System.currentTimeMillis() - millis) / 1000.0;
    }

    /** Canal had nothing new: the relay is at the end of the binlog. */
    void caughtUp() {
        lagMillis.set(0);
        logEvery30s();
    }

    private void logEvery30s() {
        long now = System.nanoTime();
        if (now - lastLogged >= 30_000_000_000L) {
            double total = changes.count();
            LOG.info("{} changes/s over the last {} s, lag {} s, last change relayed {} s ago, {} changes in all",
                    String.format("%.1f", (total - changesAtLastLog) / ((now - lastLogged) / 1e9)), (now - lastLogged) / 1_000_000_000L,
                    lagMillis.get() / 1000.0, Math.round(secondsSince(lastChangeAt.get() == 0 ? startedAt : lastChangeAt.get())), (long) total);
            lastLogged = now;
            changesAtLastLog = total;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
