package io.gmall.ingestion.logger;

import static io.gmall.ingestion.logger.LogIngestionTest.click;
import static io.gmall.ingestion.logger.LogIngestionTest.startup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.gmall.ingestion.contract.LogJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(LogController.class)
@Import({LogIngestion.class, LogControllerTest.Beans.class})
class LogControllerTest {

    @TestConfiguration
    static class Beans {
        @Bean
        InMemoryEventSink sink() {
            return new InMemoryEventSink();
        }

        @Bean
        LoggerProperties props() {
            return new LoggerProperties("127.0.0.1:1", "gmall.log.startup", "gmall.log.event", "gmall.log.dlq",
                    4096, 64 * 1024, 100, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(7), java.util.Map.of());
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    InMemoryEventSink sink;

    @BeforeEach
    void reset() {
        sink.acknowledged.clear();
        sink.down = false;
        sink.refusing = null;
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void aGzippedArrayIsAnsweredRecordByRecord() throws Exception {
        String body = "[" + startup("mid_1", now()) + "," + click("mid_1", now()) + ",{\"type\":\"event\"}]";
        mvc.perform(post("/api/v1/logs").contentType(MediaType.APPLICATION_JSON).header("Content-Encoding", "gzip").content(gzip(body)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.accepted").value(2))
                .andExpect(jsonPath("$.rejected").value(1))
                .andExpect(jsonPath("$.results[2].status").value("rejected"))
                .andExpect(jsonPath("$.results[2].violations[0].code").exists());
        assertThat(sink.acknowledged).hasSize(3);
    }

    @Test
    void oneRefusedObjectIsABadRequestAndStillReachesTheDlq() throws Exception {
        mvc.perform(post("/api/v1/logs").contentType(MediaType.APPLICATION_JSON).content("{\"type\":\"startup\",\"mid\":\"m\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.rejected").value(1));
        assertThat(sink.on("gmall.log.dlq")).hasSize(1);
    }

    @Test
    void brokenJsonIsAProblemWithItsReason() throws Exception {
        mvc.perform(post("/api/v1/logs").contentType(MediaType.APPLICATION_JSON).content("[{\"type\":"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("malformed_json"))
                .andExpect(jsonPath("$.violations[0].field").value("$"));
    }

    @Test
    void aBodyOverTheLimitIs413AndNothingIsSent() throws Exception {
        mvc.perform(post("/api/v1/logs").contentType(MediaType.APPLICATION_JSON).content("[" + "1,".repeat(3000) + "1]"))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(jsonPath("$.code").value("too_large"));
        assertThat(sink.acknowledged).isEmpty();
    }

    @Test
    void aGzipBombIsStoppedAtTheInflatedLimit() throws Exception {
        mvc.perform(post("/api/v1/logs").contentType(MediaType.APPLICATION_JSON).header("Content-Encoding", "gzip").content(gzip(" ".repeat(1 << 20))))
                .andExpect(status().isPayloadTooLarge());
    }

    @Test
    void brokenGzipIsABadRequest() throws Exception {
        mvc.perform(post("/api/v1/logs").contentType(MediaType.APPLICATION_JSON).header("Content-Encoding", "gzip").content("not gzip at all"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("malformed_gzip"));
    }

    @Test
    void unsupportedEncodingsAndMediaTypesAre415() throws Exception {
        mvc.perform(post("/api/v1/logs").contentType(MediaType.APPLICATION_JSON).header("Content-Encoding", "br").content("{}"))
                .andExpect(status().isUnsupportedMediaType());
        mvc.perform(post("/api/v1/logs").contentType(MediaType.APPLICATION_XML).content("<log/>"))
                .andExpect(status().isUnsupportedMediaType());
    }

    @Test
    void whenKafkaIsDownTheAnswerIs503WithRetryAfter() throws Exception {
        sink.down = true;
        mvc.perform(post("/api/v1/logs").contentType(MediaType.APPLICATION_JSON).content(startup("mid_1", now())))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "7"))
                .andExpect(jsonPath("$.code").value("sink_unavailable"));
    }

    @Test
    void the503SaysSomeRecordsMayBeInKafkaAndTheWholeRequestIsToBeResent() throws Exception {
        sink.down = true;
        mvc.perform(post("/api/v1/logs").contentType(MediaType.APPLICATION_JSON).content(startup("mid_1", now())))
                .andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("some may already be in it")))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("resend the whole request unchanged")));
    }

    @Test
    void aRecordKafkaRefusesAsTooLargeIs413NotARetriable503() throws Exception {
        sink.refusing = new EventSink.SinkRefusedException("a record is too large for Kafka: 1048700 bytes", true, null);
        mvc.perform(post("/api/v1/logs").contentType(MediaType.APPLICATION_JSON).content(startup("mid_1", now())))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(header().doesNotExist("Retry-After"))
                .andExpect(jsonPath("$.code").value("record_too_large_for_kafka"));
    }

    @Test
    void kafkaRefusingThisServersWritesIsNoRetriable503() throws Exception {
        sink.refusing = new EventSink.SinkRefusedException("Kafka refuses this server's writes (not authorized)", false, null);
        mvc.perform(post("/api/v1/logs").contentType(MediaType.APPLICATION_JSON).content(startup("mid_1", now())))
                .andExpect(status().isInternalServerError())
                .andExpect(header().doesNotExist("Retry-After"))
                .andExpect(jsonPath("$.code").value("sink_refused"));
    }

    @Test
    void theSeedClientsRawFormBodyKeepsPlusAndPercentSigns() throws Exception {
        String record = "{\"type\":\"startup\",\"mid\":\"mid_5\",\"uid\":\"5\",\"os\":\"ios\",\"appid\":\"gmall\",\"area\":\"a+b%20c\",\"ch\":\"appstore\",\"vs\":\"1.1.3\"}";
        mvc.perform(post("/log").contentType(MediaType.APPLICATION_FORM_URLENCODED).content("log=" + record))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.accepted").value(1));
        var stored = LogJson.MAPPER.readTree(sink.on("gmall.log.startup").get(0).value());
        assertThat(stored.get("area").asText()).isEqualTo("a+b%20c");
        assertThat(stored.get("ts_source").asText()).isEqualTo("server");
    }

    @Test
    void aUrlEncodedLegacyBodyIsDecoded() throws Exception {
        String record = startup("mid_6", now());
        mvc.perform(post("/log").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                        .content("log=" + java.net.URLEncoder.encode(record, StandardCharsets.UTF_8)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.accepted").value(1));
    }

    @Test
    void aPartlyUrlEncodedLegacyBodyKeepsItsRawUtf8() throws Exception {
        String rest = "\"type\":\"startup\",\"mid\":\"mid_7\",\"uid\":\"7\",\"os\":\"ios\",\"appid\":\"gmall\",\"area\":\"北京\",\"ch\":\"appstore\",\"vs\":\"1.1.3\"}";
        byte[] body = ("log=%7B" + rest).getBytes(StandardCharsets.UTF_8);
        mvc.perform(post("/log").contentType(MediaType.APPLICATION_FORM_URLENCODED).content(body))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.accepted").value(1));
        var stored = LogJson.MAPPER.readTree(sink.on("gmall.log.startup").get(0).value());
        assertThat(stored.get("area").asText()).isEqualTo("北京");
    }

    @Test
    void aBrokenEscapeInAUrlEncodedLegacyBodyIsABadRequest() throws Exception {
        for (String body : List.of("log=%zz", "log=%", "log=%7B%2")) {
            mvc.perform(post("/log").contentType(MediaType.APPLICATION_FORM_URLENCODED).content(body))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.code").value("bad_form_encoding"));
        }
        assertThat(sink.acknowledged).isEmpty();
    }

    @Test
    void aLegacyBodyWithoutTheLogFieldIsABadRequest() throws Exception {
        mvc.perform(post("/log").contentType(MediaType.APPLICATION_FORM_URLENCODED).content("data={}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("missing_log_field"));
    }

    @Test
    void aWrongMethodIsNotAServerError() throws Exception {
        mvc.perform(get("/api/v1/logs")).andExpect(status().isMethodNotAllowed());
    }
}
