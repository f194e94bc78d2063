package io.gmall.ingestion.logger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gmall.ingestion.contract.LogJson;
import io.gmall.testsupport.TopicTail;
import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Launcher;
import io.gmall.local.Layout;
import io.gmall.local.LocalConfig;
import io.gmall.local.Stack;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Through nginx, one log server is stopped while clients keep sending: every record a client was told
 * is accepted is in Kafka, and no request fails for good (a client resends on 502/503/504, as the mock does).
 * What nginx refuses itself (a body too large or unreadable, no log server answering) is a problem+json too.
 */
class NginxFailoverIT {

    private static final Layout LAYOUT = new Layout(Path.of(System.getProperty("gmall.root")));
    private static final LocalConfig CONFIG = LocalConfig.load(LAYOUT.configFile(), System.getenv());
    private static final String COLLECTOR = "http://" + CONFIG.bind() + ":" + CONFIG.port("nginx") + "/api/v1/logs";
    private static final String BOOTSTRAP = System.getenv().getOrDefault("GMALL_KAFKA_BOOTSTRAP", "127.0.0.1:19092");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Stack stack = new Stack(Launcher.components(), new Context(LAYOUT, CONFIG, new PrintStream(System.out, true), Context.runningAsRoot()));

    @Test
    void stoppingOneLoggerMidRunLosesNothing() throws Exception {
        int batches = 120;
        int perBatch = 10;
        Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger resends = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong secondBefore = new java.util.concurrent.atomic.AtomicLong();
        Component logger1 = Launcher.components().stream().filter(c -> c.name().equals("logger-1")).findFirst().orElseThrow();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try (TopicTail startups = new TopicTail(BOOTSTRAP, "gmall.log.startup")) {
            List<Future<?>> work = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                work.add(clients.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    StringBuilder body = new StringBuilder("[");
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < perBatch; i++) {
                        String id = UUID.randomUUID().toString();
                        ids.add(id);
                        body.append(i == 0 ? "" : ",").append(LogIngestionTest.startup("failover_" + (i % 7), now)
                                .replace("{\"type\"", "{\"event_id\":\"" + id + "\",\"type\""));
                    }
                    body.append(']');
                    sendUntilAccepted(body.toString(), ids, resends);
                    acknowledged.addAll(ids);
                    return null;
                }));
                if (b == batches / 3) {
                    // Stop one instance while requests are in flight; it finishes them gracefully.
                    Thread.sleep(200);
                    assertThat(stack.down(List.of("logger-1"))).isTrue();
                    secondBefore.set(acceptedBy(CONFIG.port("logger-2")));
                }
            }
            for (Future<?> f : work) {
                f.get();
            }
            assertThat(stack.running(logger1)).as("logger-1 stayed down while the rest was sent").isEmpty();
            long servedBySecond = acceptedBy(CONFIG.port("logger-2")) - secondBefore.get();
            assertThat(servedBySecond).as("records logger-2 accepted once logger-1 was down: nginx failed over")
                    .isGreaterThanOrEqualTo((long) (batches - batches / 3 - 4) * perBatch);
            List<ConsumerRecord<String, byte[]>> arrived = startups.readUntil(seen -> ids(seen).containsAll(acknowledged), Duration.ofSeconds(60));
            assertThat(ids(arrived)).as("every record a client was told is accepted is in Kafka").containsAll(acknowledged);
            System.out.printf("failover: %d batches acknowledged, %d client resends, %d records in Kafka for %d acknowledged%n", batches,
                    resends.get(), arrived.size(), acknowledged.size());
        } finally {
            clients.shutdownNow();
            assertThat(stack.up(List.of("logger-1")).ok()).isTrue();
        }
    }

    @Test
    void whatNginxItselfRefusesIsAProblemNotAnHtmlPage() throws Exception {
        HttpResponse<String> tooLarge = http.send(HttpRequest.newBuilder(URI.create(COLLECTOR)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[" + " ".repeat(2 << 20) + "]")).build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(tooLarge.statusCode(), tooLarge.headers().firstValue("Content-Type").orElse(""), tooLarge.body(), 413, "body_too_large");
        for (String head : List.of("Content-Length: -5\r\n\r\n", "Transfer-Encoding: chunked\r\n\r\nzz\r\n")) {
            String answer = rawPost(head);
            int status = Integer.parseInt(answer.substring(9, 12));
            String type = answer.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("");
            assertProblem(status, type, answer.substring(answer.indexOf("\r\n\r\n") + 4), 400, "unreadable_request");
        }
        assertThat(stack.down(List.of("logger-1", "logger-2"))).isTrue();
        try {
            HttpResponse<String> nobody = http.send(HttpRequest.newBuilder(URI.create(COLLECTOR)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());
            assertProblem(nobody.statusCode(), nobody.headers().firstValue("Content-Type").orElse(""), nobody.body(), 503, "no_log_server");
            assertThat(nobody.headers().firstValue("Retry-After")).isPresent();
        } finally {
            assertThat(stack.up(List.of("logger-1", "logger-2")).ok()).isTrue();
        }
    }

    private static void assertProblem(int status, String contentType, String body, int expectedStatus, String problem) throws Exception {
        assertThat(status).as(body).isEqualTo(expectedStatus);
        assertThat(contentType).as(body).startsWith("application/problem+json");
        JsonNode json = LogJson.MAPPER.readTree(body);
        assertThat(json.get("status").asInt()).isEqualTo(expectedStatus);
        assertThat(json.get("type").asText()).endsWith("/" + problem);
    }

    /** A POST whose head ends with {@code head}, written as is (HttpClient will not send a malformed length), and nginx's whole answer. */
    private static String rawPost(String head) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(CONFIG.bind(), CONFIG.port("nginx"))) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST /api/v1/logs HTTP/1.1\r\nHost: " + CONFIG.bind() + "\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\n" + head).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Sends until a 200 that accepted every record of the batch under the event_id it was sent with. */
    private void sendUntilAccepted(String body, List<String> ids, AtomicInteger resends) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(COLLECTOR))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                JsonNode answer = LogJson.MAPPER.readTree(response.body());
                assertThat(answer.get("accepted").asInt()).as(response.body()).isEqualTo(ids.size());
                List<String> answered = new ArrayList<>();
                answer.get("results").forEach(r -> answered.add(r.path("event_id").asText()));
                assertThat(answered).as("the answer names each record by the id it was sent with").isEqualTo(ids);
                return;
            }
            assertThat(response.statusCode()).as(response.body()).isIn(502, 503, 504);
            resends.incrementAndGet();
            Thread.sleep(200L * (attempt + 1));
        }
        throw new AssertionError("a batch was never accepted");
    }

    /** gmall_logger_records_total{outcome="accepted"} of the log server on {@code port}, all endpoints. */
    private long acceptedBy(int port) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://" + CONFIG.bind() + ":" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("gmall_logger_records_total{") && l.contains("outcome=\"accepted\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static Set<String> ids(List<ConsumerRecord<String, byte[]>> records) {
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                ids.add(LogJson.MAPPER.readTree(r.value()).path("event_id").asText());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return ids;
    }
}
