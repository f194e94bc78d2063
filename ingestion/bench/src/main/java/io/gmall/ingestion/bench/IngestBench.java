package io.gmall.ingestion.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.LogJson;
import io.gmall.ingestion.contract.StartupLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gmall bench ingest}: sustained records/s and request latency through nginx, the log servers
 * and Kafka, beside the ceiling on the same machine: a raw Kafka producer with the log servers'
 * settings (acks=all, idempotent, lz4) writing the same records to a scratch topic.
 * The benchmark's records are valid startup logs of devices {@code bench_*}, marked {@code bench_run}.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Ingest benchmark: collector vs raw Kafka producer.")
final class IngestBench implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--seconds", defaultValue = "20", description = "length of each measurement (default ${DEFAULT-VALUE})")
    int seconds;
    @Option(names = "--clients", defaultValue = "8", description = "concurrent HTTP clients (default ${DEFAULT-VALUE})")
    int clients;
    @Option(names = "--batch", defaultValue = "100", description = "records per request (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--collector", defaultValue = "${env:GMALL_COLLECTOR_URL:-http://127.0.0.1:8080/api/v1/logs}")
    URI collector;
    @Option(names = "--bootstrap", defaultValue = "${env:GMALL_KAFKA_BOOTSTRAP:-127.0.0.1:19092}")
    String bootstrap;

    private final String runId = "bench-" + UUID.randomUUID().toString().substring(0, 8);

    private ObjectNode record(long n) {
        ObjectNode r = LogJson.MAPPER.valueToTree(StartupLog.of(UUID.randomUUID().toString(), "bench_" + (n % 1000), Long.toString(n % 500),
                "android", "gmall", "guangdong", "huawei", "1.2.0", System.currentTimeMillis()));
        r.put("bench_run", runId);
        return r;
    }

    @Override
    public Integer call() throws Exception {
        System.out.printf("ingest benchmark %s: %d s each, %d clients, %d records per request%n", runId, seconds, clients, batch);
        double ceiling = rawProducer();
        System.out.printf("raw Kafka producer (ceiling):      %,10.0f records/s%n", ceiling);
        Result r = throughCollector();
        System.out.printf("nginx -> log servers -> Kafka:     %,10.0f records/s (%.0f%% of the ceiling), %,d requests, %d failed%n",
                r.recordsPerSecond, 100 * r.recordsPerSecond / ceiling, r.requests, r.failed);
        System.out.printf("request latency (%d records):     p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", batch,
                r.latency.getValueAtPercentile(50) / 1000.0, r.latency.getValueAtPercentile(99) / 1000.0, r.latency.getMaxValue() / 1000.0);
        return r.failed == 0 ? 0 : 1;
    }

    /** The same records, serialised the same way, from one producer with the log servers' settings. */
    private double rawProducer() throws Exception {
        String topic = "gmall.bench." + runId;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            long sent = 0;
            long t0 = System.nanoTime();
            long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                while (System.nanoTime() < end) {
                    ObjectNode r = record(sent);
                    producer.send(new ProducerRecord<>(topic, r.get("mid").asText(), LogJson.MAPPER.writeValueAsBytes(r)));
                    sent++;
                }
                producer.flush();
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            return sent / elapsed;
        }
    }

    private record Result(double recordsPerSecond, long requests, long failed, Histogram latency) {
    }

    private Result throughCollector() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Recorder latencies = new Recorder(3);
        AtomicLong accepted = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong counter = new AtomicLong();
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> workers = new java.util.ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        ArrayNode body = LogJson.MAPPER.createArrayNode();
                        for (int i = 0; i < batch; i++) {
                            body.add(record(counter.incrementAndGet()));
                        }
                        HttpRequest request = HttpRequest.newBuilder(collector).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(LogJson.gzip(LogJson.MAPPER.writeValueAsBytes(body)))).build();
                        long start = System.nanoTime();
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        latencies.recordValue((System.nanoTime() - start) / 1000);
                        requests.incrementAndGet();
                        if (response.statusCode() == 200) {
                            accepted.addAndGet(LogJson.MAPPER.readTree(response.body()).get("accepted").asLong());
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return new Result(accepted.get() / elapsed, requests.get(), failed.get(), latencies.getIntervalHistogram());
    }
}
