package io.gmall.ingestion.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.LogJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LedgerCheckTest {

    @Test
    void resentRecordsAreDuplicatesNotMissing() {
        LedgerCheck.TopicCheck t = LedgerCheck.TopicCheck.byIds("gmall.log.event", Set.of("a", "b"), Map.of("a", 3, "b", 1));

        assertThat(t.missing()).isZero();
        assertThat(t.duplicates()).isEqualTo(2);
        assertThat(t.ledgerDistinct()).isEqualTo(2);
        assertThat(t.kafkaDistinct()).isEqualTo(2);
    }

    @Test
    void anIdNotFoundIsMissingEvenWhenDuplicatesMakeUpTheCount() {
        LedgerCheck.TopicCheck t = LedgerCheck.TopicCheck.byIds("gmall.log.event", Set.of("a", "b", "c"), Map.of("a", 2, "c", 1));

        assertThat(t.missing()).isEqualTo(1);
        assertThat(t.missingIds()).containsExactly("b");
        assertThat(t.duplicates()).isEqualTo(1);
        assertThat(new LedgerCheck.Comparison(List.of(t)).nothingMissing()).isFalse();
    }

    @Test
    void recordsTheLedgerDoesNotKnowAreNotMissing() {
        // e.g. a batch in flight when the run was stopped: delivered, never acknowledged
        LedgerCheck.TopicCheck t = LedgerCheck.TopicCheck.byIds("gmall.log.startup", Set.of("a"), Map.of("a", 1, "x", 1));

        assertThat(t.missing()).isZero();
        assertThat(t.kafkaDistinct()).isEqualTo(2);
        assertThat(new LedgerCheck.Comparison(List.of(t)).nothingMissing()).isTrue();
    }

    @Test
    void theDlqIsComparedByDistinctPayloads() {
        Map<String, Integer> found = Map.of("{\"mid\":1}", 2, "{\"mid\":2}", 1);

        assertThat(LedgerCheck.TopicCheck.byCount("gmall.log.dlq", 2, found)).extracting("missing", "duplicates").containsExactly(0L, 1L);
        assertThat(LedgerCheck.TopicCheck.byCount("gmall.log.dlq", 3, found).missing()).isEqualTo(1);
    }

    @Test
    void aLogRecordIsKeyedByItsEventIdAndADlqRecordByItsPayload() throws Exception {
        ObjectNode log = LogJson.MAPPER.createObjectNode().put("event_id", "e1").put(Simulation.RUN_FIELD, "r1");
        String refused = LogJson.MAPPER.createObjectNode().put("mid", "mid with spaces").put(Simulation.RUN_FIELD, "r1").toString();
        ObjectNode dlq = LogJson.MAPPER.createObjectNode().put("payload", refused);

        assertThat(LedgerCheck.keyOf(LogJson.MAPPER.writeValueAsBytes(log))).isEqualTo(new LedgerCheck.Keyed("r1", "e1"));
        assertThat(LedgerCheck.keyOf(LogJson.MAPPER.writeValueAsBytes(dlq))).isEqualTo(new LedgerCheck.Keyed("r1", refused));
        assertThat(LedgerCheck.keyOf("not json".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void theReportSaysWhetherAnythingIsMissing() {
        LedgerCheck.TopicCheck complete = LedgerCheck.TopicCheck.byIds("gmall.log.startup", Set.of("a"), Map.of("a", 2));
        LedgerCheck.TopicCheck incomplete = LedgerCheck.TopicCheck.byIds("gmall.log.event", Set.of("b"), Map.of());

        assertThat(report(new LedgerCheck.Comparison(List.of(complete)))).contains("nothing the collector acknowledged is missing");
        assertThat(report(new LedgerCheck.Comparison(List.of(complete, incomplete)))).contains("missing from gmall.log.event: b", "1 records the collector acknowledged are MISSING");
    }

    private static String report(LedgerCheck.Comparison c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LedgerCheck.print(c, "r1", "finished", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
