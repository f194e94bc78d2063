package io.gmall.ingestion.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.gmall.ingestion.contract.LogJson;
import io.gmall.ingestion.contract.LogValidator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gmall bench ingest}: sustained records/s and request latency through nginx, the log servers and Kafka,
 * beside two ceilings measured in the same run on the same records: a raw Kafka producer with the log servers'
 * settings (acks=all, idempotent, lz4) writing to a scratch topic, and a scratch nginx answering the same requests
 * with a static 200. Request bodies are built and gzipped before any clock starts, and each phase reports the
 * cores every process of the path used, so what is measured is the system, not the client.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Ingest benchmark: collector vs raw Kafka producer and a static nginx.")
final class IngestBench implements java.util.concurrent.Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--seconds", defaultValue = "20", description = "length of each measurement (default ${DEFAULT-VALUE})")
    int seconds;
    @Option(names = "--clients", defaultValue = "8", description = "concurrent HTTP clients (default ${DEFAULT-VALUE})")
    int clients;
    @Option(names = "--batch", defaultValue = "100", description = "records per request (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--requests", description = "requests prepared, each sent once to the collector (default: enough for 100,000 records/s)")
    Integer requests;
    @Option(names = "--collector", defaultValue = "${env:GMALL_COLLECTOR_URL:-http://127.0.0.1:8080/api/v1/logs}")
    URI collector;
    @Option(names = "--bootstrap", defaultValue = "${env:GMALL_KAFKA_BOOTSTRAP:-127.0.0.1:19092}")
    String bootstrap;
    @Option(names = "--nginx", defaultValue = "/usr/sbin/nginx", description = "the nginx binary of the static ceiling (default ${DEFAULT-VALUE})")
    String nginx;
    @Option(names = "--nginx-workers", defaultValue = "2", description = "its worker processes, as the stack's nginx (default ${DEFAULT-VALUE})")
    int nginxWorkers;

    private final String runId = "bench-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    public Integer call() throws Exception {
        IngestionBench.requirePositive(spec, Map.of("--seconds", seconds, "--clients", clients, "--batch", batch,
                "--nginx-workers", nginxWorkers, "--requests", requests == null ? 1 : requests));
        System.out.printf("ingest benchmark %s: %d s each, %d clients, %d records per request, %d cores%n", runId, seconds, clients, batch,
                Runtime.getRuntime().availableProcessors());
        long t0 = System.nanoTime();
        PreparedLoad load = new PreparedLoad(runId, requests != null ? requests : Math.max(1, 100_000 * seconds / batch), batch);
        System.out.printf("prepared %,d requests (%,d records with event_ids of their own, %.1f MB gzipped) in %.1f s, before any clock%n",
                load.bodies.size(), load.records(), load.gzipBytes() / 1e6, (System.nanoTime() - t0) / 1e9);
        ProcessCpu cpu = new ProcessCpu(Path.of(System.getProperty("gmall.root", ".")).resolve("var/run"),
                "nginx-master", "logger-1", "logger-2", "kafka", "stream");

        Phase raw = measure("the raw producer", cpu, () -> rawProducer(load));
        Phase statics;
        try (StaticNginx scratch = new StaticNginx(nginx, nginxWorkers)) {
            cpu.add("static nginx", scratch.handle());
            statics = measure("a static nginx at " + scratch.url, cpu, () -> overHttp(scratch.url, load, true));
        }
        Phase collected = measure("the collector at " + collector, cpu, () -> overHttp(collector, load, false));

        System.out.printf("%n%-36s %12s %9s %9s %8s %8s %8s%n", "", "records/s", "of raw", "of static", "p50 ms", "p99 ms", "max ms");
        print("raw Kafka producer (ceiling)", raw, raw, statics);
        print("nginx, static 200 (HTTP ceiling)", statics, raw, statics);
        print("nginx -> log servers -> Kafka", collected, raw, statics);
        System.out.printf("%ncores used by each process (of %d):%n", Runtime.getRuntime().availableProcessors());
        System.out.println("  raw producer:  " + ProcessCpu.format(raw.cores));
        System.out.println("  static nginx:  " + ProcessCpu.format(statics.cores));
        System.out.println("  collector:     " + ProcessCpu.format(collected.cores));
        double loggerCores = collected.cores.getOrDefault("logger-1", 0.0) + collected.cores.getOrDefault("logger-2", 0.0);
        System.out.printf("%nlog servers' CPU per accepted record:         %6.1f us%n", 1e6 * loggerCores / collected.result.recordsPerSecond);
        System.out.printf("  of which parsing, validating, serializing: %6.1f us (the contract's code run here, one thread, %d s)%n",
                contractMicros(load), Math.min(5, seconds));
        if (collected.result.exhausted) {
            System.out.printf("the collector phase used up the %,d prepared requests before %d s: raise --requests%n", load.bodies.size(), seconds);
        }
        System.out.printf("requests: static nginx %,d (%d failed), collector %,d (%d failed)%n", statics.result.requests, statics.result.failed,
                collected.result.requests, collected.result.failed);
        return collected.result.failed == 0 ? 0 : 1;
    }

    private record Result(double recordsPerSecond, long requests, long failed, Histogram latency, boolean exhausted) {
    }

    private record Phase(Result result, Map<String, Double> cores) {
    }

    private interface Measured {
        Result run() throws Exception;
    }

    private Phase measure(String what, ProcessCpu cpu, Measured work) throws Exception {
        System.out.printf("measuring %s for %d s%n", what, seconds);
        Map<String, Duration> before = cpu.snapshot();
        long start = System.nanoTime();
        Result result = work.run();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Phase(result, ProcessCpu.cores(before, cpu.snapshot(), elapsed));
    }

    private static void print(String name, Phase phase, Phase raw, Phase statics) {
        Result r = phase.result;
        String latency = r.latency == null ? String.format("%8s %8s %8s", "-", "-", "-")
                : String.format("%8.1f %8.1f %8.1f", r.latency.getValueAtPercentile(50) / 1000.0, r.latency.getValueAtPercentile(99) / 1000.0,
                        r.latency.getMaxValue() / 1000.0);
        System.out.printf("%-36s %,12.0f %8.0f%% %8.0f%% %s%n", name, r.recordsPerSecond, 100 * r.recordsPerSecond / raw.result.recordsPerSecond,
                100 * r.recordsPerSecond / statics.result.recordsPerSecond, latency);
    }

    /**
     * Microseconds a record takes through what the log servers do with it besides HTTP and Kafka: parse its body,
     * validate it and serialize it for Kafka, as {@link io.gmall.ingestion.contract.LogJson} and
     * {@link LogValidator} do in the log server.
     */
    private double contractMicros(PreparedLoad load) throws Exception {
        LogValidator validator = new LogValidator();
        long records = 0;
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(Math.min(5, seconds));
        for (int i = 0; System.nanoTime() < end; i++) {
            LogJson.Records body = (LogJson.Records) LogJson.parse(load.plainBodies.get(i % load.plainBodies.size()));
            for (JsonNode element : body.elements()) {
                LogValidator.Result result = validator.validate(element, System.currentTimeMillis());
                if (!result.accepted()) {
                    throw new IllegalStateException("the benchmark's own record was refused: " + result.violations());
                }
                LogJson.MAPPER.writeValueAsBytes(result.record());
                records++;
            }
        }
        return (System.nanoTime() - t0) / 1e3 / records;
    }

    /** The same records, as the log servers write them, from one producer with the log servers' settings. */
    private Result rawProducer(PreparedLoad load) throws Exception {
        String topic = "gmall.bench." + runId;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
            long sent = 0;
            long t0 = System.nanoTime();
            long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                int n = load.records.size();
                while (System.nanoTime() < end) {
                    int i = (int) (sent % n);
                    producer.send(new ProducerRecord<>(topic, load.keys.get(i), load.records.get(i)));
                    sent++;
                }
                producer.flush();
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            return new Result(sent / elapsed, 0, 0, null, false);
        }
    }

    /**
     * {@code clients} loops posting the prepared bodies for {@code seconds}: cycling through them when
     * {@code cycle} (the static ceiling, which keeps nothing), else each once, the records counted as the
     * collector's answers count them.
     */
    private Result overHttp(URI url, PreparedLoad load, boolean cycle) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Recorder latencies = new Recorder(3);
        AtomicLong accepted = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        int i = next.getAndIncrement();
                        if (i >= load.bodies.size() && !cycle) {
                            return null;
                        }
                        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(load.bodies.get(i % load.bodies.size()))).build();
                        long start = System.nanoTime();
                        requests.incrementAndGet();
                        HttpResponse<String> response;
                        try {
                            response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        } catch (IOException e) {
                            // A connection the server closed as the client reused it (seen about once in 100,000
                            // requests even against a static nginx): a failed request, not the end of the run.
                            failed.incrementAndGet();
                            continue;
                        }
                        latencies.recordValue((System.nanoTime() - start) / 1000);
                        if (response.statusCode() != 200) {
                            failed.incrementAndGet();
                        } else {
                            accepted.addAndGet(cycle ? load.recordsPerBody : acceptedOf(response.body()));
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
        return new Result(accepted.get() / elapsed, requests.get(), failed.get(), latencies.getIntervalHistogram(),
                !cycle && next.get() >= load.bodies.size());
    }

    /** The collector's {@code "accepted":N}, read without parsing the whole answer (the client's CPU is not the point). */
    private static long acceptedOf(String answer) {
        int at = answer.indexOf("\"accepted\":");
        if (at < 0) {
            return 0;
        }
        int from = at + "\"accepted\":".length();
        int to = from;
        while (to < answer.length() && Character.isDigit(answer.charAt(to))) {
            to++;
        }
        return to > from ? Long.parseLong(answer.substring(from, to)) : 0;
    }
}
