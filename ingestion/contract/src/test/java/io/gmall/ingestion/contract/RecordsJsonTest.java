package io.gmall.ingestion.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java records write the contract's JSON and read it back, unknown fields included. */
class RecordsJsonTest {

    private final LogValidator validator = new LogValidator();

    @Test
    void aStartupLogWrittenByTheRecordPassesTheValidator() {
        StartupLog log = StartupLog.of("3f1c2a6e-8d4b-4a57-9c3e-0b5f6a7d8e9f", "mid_1", "7", "ios", "gmall", "beijing", "appstore", "1.1.2", Records.NOW);
        JsonNode json = LogJson.MAPPER.valueToTree(log);

        assertThat(json.get("type").asText()).isEqualTo("startup");
        assertThat(json.has("server_ts")).isFalse();
        assertThat(validator.validate(json, Records.NOW).violations()).isEmpty();
    }

    @Test
    void anEventLogRoundTripsWithUnknownFields() throws Exception {
        ObjectNode sent = Records.anEventLog("addCart");
        sent.put("screen", "1080x2400");

        EventLog read = LogJson.MAPPER.treeToValue(sent, EventLog.class);
        JsonNode written = LogJson.MAPPER.valueToTree(read);

        assertThat(read.evid()).isEqualTo("addCart");
        assertThat(read.itemid()).isEqualTo(12);
        assertThat(read.extra()).containsOnlyKeys("screen");
        assertThat(written).isEqualTo(sent);
    }

    @Test
    void aDlqRecordCarriesEveryReasonAndTheRawPayload() {
        DlqRecord dlq = DlqRecord.of(new DlqRecord.Processor("gmall-logger", "0.1.0"), Records.NOW, "/api/v1/logs",
                List.of(new Violation(Violation.MISSING, "mid", "is required")), "x".repeat(DlqRecord.MAX_PAYLOAD_CHARS + 10));
        JsonNode json = LogJson.MAPPER.valueToTree(dlq);

        assertThat(json.at("/violations/0/code").asText()).isEqualTo("missing");
        assertThat(json.at("/violations/0/field").asText()).isEqualTo("mid");
        assertThat(json.get("payload").asText()).hasSize(DlqRecord.MAX_PAYLOAD_CHARS);
        assertThat(json.get("payload_truncated").asBoolean()).isTrue();
        assertThat(json.get("received_at").asLong()).isEqualTo(Records.NOW);
    }

    @Test
    void aCdcEnvelopeOmitsTheSideThatDoesNotExist() {
        CdcEnvelope insert = new CdcEnvelope(CdcEnvelope.CREATE, "gmall", "order_info", Map.of("id", 7L), null,
                Map.of("id", 7L, "total_amount", new java.math.BigDecimal("20.00")), new CdcEnvelope.Binlog("binlog.000001", 1234), Records.NOW);
        JsonNode json = LogJson.MAPPER.valueToTree(insert);

        assertThat(json.has("before")).isFalse();
        assertThat(json.at("/after/total_amount").decimalValue()).isEqualByComparingTo("20.00");
        assertThat(json.at("/after/total_amount").isNumber()).isTrue();
        assertThat(json.at("/binlog/position").asLong()).isEqualTo(1234);
    }
}
