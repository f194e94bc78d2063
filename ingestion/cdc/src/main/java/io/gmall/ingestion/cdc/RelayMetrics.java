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
 * 0 when the relay has caught up). A line with both goes to the log every 30 s.
 */
final class RelayMetrics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter changes = Counter.builder("gmall.cdc.changes").description("row changes relayed to Kafka").register(registry);
    private final AtomicLong lagMillis = new AtomicLong();
    private final HttpServer server;
    private long lastLogged = System.nanoTime();
    private double changesAtLastLog;

    RelayMetrics(String host, int port) throws IOException {
        registry.gauge("gmall.cdc.lag.seconds", lagMillis, v -> v.get() / 1000.0);
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
            lagMillis.set(Math.max(0, System.currentTimeMillis() - newestCommitMillis));
        }
        logEvery30s();
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
            LOG.info("{} changes/s over the last {} s, lag {} s, {} changes in all",
                    String.format("%.1f", (total - changesAtLastLog) / ((now - lastLogged) / 1e9)), (now - lastLogged) / 1_000_000_000L,
                    lagMillis.get() / 1000.0, (long) total);
            lastLogged = now;
            changesAtLastLog = total;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
