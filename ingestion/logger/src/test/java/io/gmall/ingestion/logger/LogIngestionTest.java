package io.gmall.ingestion.logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gmall.ingestion.contract.LogJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogIngestionTest {

    static final long NOW = 1_795_000_000_000L;
    static final LoggerProperties PROPS = new LoggerProperties("127.0.0.1:1", "gmall.log.startup", "gmall.log.event", "gmall.log.dlq",
            1 << 20, 8 << 20, 3, Duration.ofSeconds(1), Duration.ofSeconds(5), Map.of());

    private final InMemoryEventSink sink = new InMemoryEventSink();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final LogIngestion ingestion = new LogIngestion(PROPS, sink, metrics);

    static String startup(String mid, long ts) {
        return "{\"type\":\"startup\",\"mid\":\"" + mid + "\",\"uid\":\"1\",\"os\":\"ios\",\"appid\":\"gmall\",\"area\":\"beijing\",\"ch\":\"appstore\",\"vs\":\"1.1.2\",\"ts\":" + ts + "}";
    }

    static String click(String mid, long ts) {
        return "{\"type\":\"event\",\"evid\":\"clickItem\",\"itemid\":3,\"pgid\":1,\"npgid\":2,\"mid\":\"" + mid + "\",\"uid\":\"1\",\"os\":\"android\",\"appid\":\"gmall\",\"area\":\"hebei\",\"ch\":\"xiaomi\",\"vs\":\"1.2.0\",\"ts\":" + ts + "}";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] value) throws Exception {
        return LogJson.MAPPER.readTree(value);
    }

    @Test
    void aMixedBatchIsRoutedByTypeWithRefusalsInTheDlq() throws Exception {
        String body = "[" + startup("mid_1", NOW) + "," + click("mid_2", NOW) + ",{\"type\":\"startup\"}]";

        LogIngestion.Processed result = (LogIngestion.Processed) ingestion.ingest(bytes(body), "/api/v1/logs", NOW, false);

        assertThat(result.accepted()).isEqualTo(2);
        assertThat(result.rejected()).isEqualTo(1);
        assertThat(result.results()).extracting(LogIngestion.RecordResult::status).containsExactly("accepted", "accepted", "rejected");
        assertThat(sink.on("gmall.log.startup")).singleElement().satisfies(o -> {
            assertThat(o.key()).isEqualTo("mid_1");
            assertThat(json(o.value()).get("server_ts").asLong()).isEqualTo(NOW);
            assertThat(json(o.value()).get("event_id").asText()).isEqualTo(result.results().get(0).eventId());
        });
        assertThat(sink.on("gmall.log.event")).singleElement().satisfies(o -> assertThat(o.key()).isEqualTo("mid_2"));
        assertThat(sink.on("gmall.log.dlq")).singleElement().satisfies(o -> {
            JsonNode dlq = json(o.value());
            assertThat(dlq.at("/processor/name").asText()).isEqualTo("gmall-logger");
            assertThat(dlq.get("payload").asText()).isEqualTo("{\"type\":\"startup\"}");
            assertThat(dlq.get("violations")).extracting(v -> v.get("field").asText()).contains("mid", "ts");
        });
        assertThat(metrics.counter("gmall.logger.records", "endpoint", "/api/v1/logs", "outcome", "accepted").count()).isEqualTo(2);
    }

    @Test
    void anUnreadableBodyGoesToTheDlqAndIsRefused() throws Exception {
        LogIngestion.Outcome outcome = ingestion.ingest(bytes("{\"type\":"), "/api/v1/logs", NOW, false);

        assertThat(outcome).isInstanceOfSatisfying(LogIngestion.Refused.class, r -> {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.violation().code()).isEqualTo("malformed_json");
        });
        assertThat(sink.on("gmall.log.dlq")).singleElement().satisfies(o -> assertThat(json(o.value()).get("payload").asText()).isEqualTo("{\"type\":"));
    }

    @Test
    void tooManyRecordsIsRefusedWholeAndNothingIsSent() throws Exception {
        String body = "[" + String.join(",", startup("a", NOW), startup("b", NOW), startup("c", NOW), startup("d", NOW)) + "]";

        LogIngestion.Outcome outcome = ingestion.ingest(bytes(body), "/api/v1/logs", NOW, false);

        assertThat(outcome).isInstanceOfSatisfying(LogIngestion.Refused.class, r -> assertThat(r.status()).isEqualTo(413));
        assertThat(sink.acknowledged).isEmpty();
    }

    @Test
    void whenTheSinkIsDownTheCallFailsInsteadOfReportingSuccess() {
        sink.down = true;
        assertThatThrownBy(() -> ingestion.ingest(bytes(startup("mid_1", NOW)), "/api/v1/logs", NOW, false))
                .isInstanceOf(EventSink.SinkUnavailableException.class);
    }

    @Test
    void theLegacyEndpointStampsAMissingTsWithTheReceiveTime() throws Exception {
        String seed = "{\"type\":\"startup\",\"mid\":\"mid_9\",\"uid\":\"9\",\"os\":\"android\",\"appid\":\"gmall\",\"area\":\"tianjin\",\"ch\":\"360\",\"vs\":\"1.1.1\"}";

        ingestion.ingest(bytes(seed), "/log", NOW, true);

        JsonNode stored = json(sink.on("gmall.log.startup").get(0).value());
        assertThat(stored.get("ts").asLong()).isEqualTo(NOW);
        assertThat(stored.get("ts_source").asText()).isEqualTo("server");
    }

    @Test
    void theSeedClientsResendOfARecordWithoutEventIdKeepsItsIdSoTheCopyIsRemovedDownstream() throws Exception {
        String seed = "{\"type\":\"event\",\"evid\":\"addCart\",\"itemid\":4,\"mid\":\"mid_9\",\"uid\":\"9\",\"os\":\"android\","
                + "\"appid\":\"gmall\",\"area\":\"tianjin\",\"ch\":\"360\",\"vs\":\"1.1.1\"}";
        long minute = Math.floorDiv(NOW, 60_000) * 60_000;

        ingestion.ingest(bytes(seed), "/log", minute + 2_000, true);
        ingestion.ingest(bytes(seed), "/log", minute + 9_000, true);
        ingestion.ingest(bytes(seed.replace("\"itemid\":4", "\"itemid\":5")), "/log", minute + 9_000, true);

        var ids = sink.on("gmall.log.event").stream().map(o -> {
            try {
                return json(o.value()).get("event_id").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(ids).hasSize(3);
        assertThat(ids.get(1)).as("the resend").isEqualTo(ids.get(0));
        assertThat(ids.get(2)).as("another item is another event").isNotEqualTo(ids.get(0));
    }

    @Test
    void settingsARequestNeedsAreRequiredAtStart() {
        assertThatThrownBy(() -> new LoggerProperties("127.0.0.1:1", "s", "e", "d", 1 << 20, 8 << 20, 3, Duration.ofSeconds(1), null, Map.of()))
                .hasMessageContaining("gmall.logger.retry-after");
        assertThatThrownBy(() -> new LoggerProperties("127.0.0.1:1", "s", "e", "d", 1 << 20, 8 << 20, 3, Duration.ofSeconds(1),
                Duration.ofMillis(1500), Map.of())).hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> new LoggerProperties("127.0.0.1:1", "s", "e", "d", 1 << 20, 8 << 20, 3, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Map.of("linger.ms", "soon"))).hasMessageContaining("gmall.logger.producer.linger.ms");
    }

    @Test
    void aLingerOverrideKeepsTheDeliveryTimeOutKafkaRequires() {
        LoggerProperties lingering = new LoggerProperties("127.0.0.1:1", "s", "e", "d", 1 << 20, 8 << 20, 3, Duration.ofSeconds(10),
                Duration.ofSeconds(5), Map.of("linger.ms", "200"));
        java.util.Map<String, Object> p = new java.util.HashMap<>(KafkaEventSink.producerConfig(lingering));
        p.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class);
        p.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class);
        // Checked as KafkaProducer checks it, without connecting.
        org.apache.kafka.clients.producer.ProducerConfig config = new org.apache.kafka.clients.producer.ProducerConfig(p);
        assertThat(config.getInt("delivery.timeout.ms")).isGreaterThanOrEqualTo(200 + config.getInt("request.timeout.ms"));
        assertThat(config.getLong("linger.ms")).isEqualTo(200);
    }

    @Test
    void theNewEndpointRequiresTs() throws Exception {
        String noTs = "{\"type\":\"startup\",\"mid\":\"mid_9\",\"os\":\"android\",\"appid\":\"gmall\",\"area\":\"tianjin\",\"ch\":\"360\",\"vs\":\"1.1.1\"}";

        LogIngestion.Processed result = (LogIngestion.Processed) ingestion.ingest(bytes(noTs), "/api/v1/logs", NOW, false);

        assertThat(result.rejected()).isEqualTo(1);
        assertThat(result.results().get(0).violations()).anySatisfy(v -> assertThat(v.field()).isEqualTo("ts"));
    }
}
