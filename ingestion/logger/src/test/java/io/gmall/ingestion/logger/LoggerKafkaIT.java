package io.gmall.ingestion.logger;

import static io.gmall.ingestion.logger.LogIngestionTest.click;
import static io.gmall.ingestion.logger.LogIngestionTest.startup;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gmall.ingestion.contract.LogJson;
import io.gmall.testsupport.TopicTail;
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
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The log server against the real Kafka of the local stack. */
// Spring Boot turns metrics export off in tests unless asked; the Prometheus endpoint is part of what is tested.
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "gmall.logger.send-timeout=3s")
class LoggerKafkaIT {

    private static final String BOOTSTRAP = System.getenv().getOrDefault("GMALL_KAFKA_BOOTSTRAP", "127.0.0.1:19092");

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", contentType).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> eventIds(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> {
            try {
                return LogJson.MAPPER.readTree(r.value()).path("event_id").asText();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toSet());
    }

    @Test
    void aBatchLandsInTheRightTopicsWithTheCountsTheAnswerGave() throws Exception {
        long now = System.currentTimeMillis();
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(i % 2 == 0 ? startup("it_mid_" + i, now) : click("it_mid_" + i, now));
        }
        records.add("{\"type\":\"startup\",\"mid\":\"bad mid\"}");
        records.add("42");
        try (TopicTail startups = new TopicTail(BOOTSTRAP, "gmall.log.startup");
             TopicTail events = new TopicTail(BOOTSTRAP, "gmall.log.event");
             TopicTail dlq = new TopicTail(BOOTSTRAP, "gmall.log.dlq")) {

            HttpResponse<String> response = post("/api/v1/logs", "application/json", "[" + String.join(",", records) + "]");

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode answer = LogJson.MAPPER.readTree(response.body());
            assertThat(answer.get("accepted").asInt()).isEqualTo(20);
            assertThat(answer.get("rejected").asInt()).isEqualTo(2);
            Set<String> acceptedIds = new java.util.HashSet<>();
            answer.get("results").forEach(r -> {
                if (r.get("status").asText().equals("accepted")) {
                    acceptedIds.add(r.get("event_id").asText());
                }
            });
            var inStartups = startups.readUntil(seen -> seen.size() >= 10, Duration.ofSeconds(30));
            var inEvents = events.readUntil(seen -> seen.size() >= 10, Duration.ofSeconds(30));
            var inDlq = dlq.readUntil(seen -> seen.size() >= 2, Duration.ofSeconds(30));
            assertThat(inStartups).hasSize(10).allSatisfy(r -> assertThat(r.key()).startsWith("it_mid_"));
            assertThat(inEvents).hasSize(10);
            assertThat(inDlq).hasSize(2);
            Set<String> stored = eventIds(inStartups);
            stored.addAll(eventIds(inEvents));
            assertThat(stored).isEqualTo(acceptedIds);

            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).containsPattern("gmall_logger_records_total\\{[^}]*outcome=\"accepted\"[^}]*} [1-9]")
                    .containsPattern("gmall_logger_records_total\\{[^}]*outcome=\"rejected\"[^}]*} [1-9]")
                    .contains("http_server_requests_seconds");
        }
    }

    @Test
    void whenKafkaStopsTheAnswerIs503AndNothingAcknowledgedIsLost() throws Exception {
        Layout layout = new Layout(Path.of(System.getProperty("gmall.root")));
        Stack stack = new Stack(Launcher.components(), new Context(layout, LocalConfig.load(layout.configFile(), System.getenv()),
                new PrintStream(System.out, true), Context.runningAsRoot()));
        long now = System.currentTimeMillis();
        String before = startup("it_outage_before", now);
        String during = startup("it_outage_during", now);
        try (TopicTail startups = new TopicTail(BOOTSTRAP, "gmall.log.startup")) {
            HttpResponse<String> ok = post("/api/v1/logs", "application/json", before);
            assertThat(ok.statusCode()).isEqualTo(200);
            String beforeId = LogJson.MAPPER.readTree(ok.body()).at("/results/0/event_id").asText();

            assertThat(stack.down(List.of("kafka"))).isTrue();
            HttpResponse<String> refused;
            long waitedMs;
            try {
                long t0 = System.nanoTime();
                refused = post("/api/v1/logs", "application/json", during);
                waitedMs = (System.nanoTime() - t0) / 1_000_000;
            } finally {
                assertThat(stack.up(List.of("kafka")).ok()).isTrue();
            }

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(waitedMs).as("the 503 comes after a bounded wait").isLessThan(30_000);

            HttpResponse<String> retried = post("/api/v1/logs", "application/json", during);
            for (int attempt = 0; retried.statusCode() == 503 && attempt < 10; attempt++) {
                Thread.sleep(1000);
                retried = post("/api/v1/logs", "application/json", during);
            }
            assertThat(retried.statusCode()).isEqualTo(200);
            var arrived = startups.readUntil(seen -> seen.stream().anyMatch(r -> "it_outage_during".equals(r.key())), Duration.ofSeconds(30));
            assertThat(eventIds(arrived)).contains(beforeId);
            assertThat(arrived).extracting(ConsumerRecord::key).contains("it_outage_before", "it_outage_during");
        }
    }

    @Test
    void theSeedClientsLegacyPostIsAccepted() throws Exception {
        String seed = "{\"type\":\"event\",\"mid\":\"it_legacy\",\"uid\":\"3\",\"os\":\"android\",\"appid\":\"gmall\",\"area\":\"shandong\",\"ch\":\"baidu\",\"vs\":\"1.2.0\",\"evid\":\"addCart\",\"pgid\":4,\"npgid\":5,\"itemid\":7}";
        try (TopicTail events = new TopicTail(BOOTSTRAP, "gmall.log.event")) {
            HttpResponse<String> response = post("/log", "application/x-www-form-urlencoded", "log=" + seed);

            assertThat(response.statusCode()).isEqualTo(200);
            var arrived = events.readUntil(seen -> !seen.isEmpty(), Duration.ofSeconds(30));
            JsonNode stored = LogJson.MAPPER.readTree(arrived.get(0).value());
            assertThat(stored.get("mid").asText()).isEqualTo("it_legacy");
            assertThat(stored.get("ts_source").asText()).isEqualTo("server");
            assertThat(stored.get("itemid").asInt()).isEqualTo(7);
        }
    }
}
