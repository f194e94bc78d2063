package io.gmall.ingestion.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.LogJson;
import io.gmall.ingestion.contract.StartupLog;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {

    @TempDir
    Path dir;

    private static Action.SendLog startup(String mid, String instant) {
        long ts = Instant.parse(instant).toEpochMilli();
        ObjectNode r = LogJson.MAPPER.valueToTree(StartupLog.of(java.util.UUID.randomUUID().toString(), mid, "1", "ios", "gmall", "beijing", "appstore", "1.2.0", ts));
        return new Action.SendLog(ts, r, Action.Kind.NORMAL);
    }

    private JsonNode write(Ledger ledger, String runId) throws Exception {
        ObjectNode run = LogJson.MAPPER.createObjectNode().put("id", runId);
        return LogJson.MAPPER.readTree(ledger.write(dir, run, List.of()).toFile());
    }

    @Test
    void devicesAreCountedOncePerBusinessDayAtTheirFirstVisitHour() throws Exception {
        Ledger ledger = new Ledger(ZoneId.of("Asia/Shanghai"));
        ledger.accepted(startup("mid_1", "2026-11-24T15:59:59Z"));
        ledger.accepted(startup("mid_1", "2026-11-24T16:00:00Z"));
        ledger.accepted(startup("mid_1", "2026-11-24T17:30:00Z"));
        ledger.accepted(startup("mid_2", "2026-11-24T18:10:00Z"));
        ledger.rejected(startup("mid_3", "2026-11-24T18:10:00Z"));

        JsonNode l = write(ledger, "r1");

        assertThat(l.at("/days/2026-11-24/dau").asLong()).isEqualTo(1);
        assertThat(l.at("/days/2026-11-24/hours/23/dau").asLong()).isEqualTo(1);
        assertThat(l.at("/days/2026-11-25/dau").asLong()).isEqualTo(2);
        assertThat(l.at("/days/2026-11-25/hours/00/dau").asLong()).isEqualTo(1);
        assertThat(l.at("/days/2026-11-25/hours/02/dau").asLong()).isEqualTo(1);
        assertThat(l.at("/days/2026-11-25/new_mid").asLong()).as("mid_1 was first seen the day before").isEqualTo(1);
        assertThat(l.at("/kafka/gmall.log.startup").asLong()).isEqualTo(4);
        assertThat(l.at("/kafka/gmall.log.dlq").asLong()).isEqualTo(1);
    }

    @Test
    void aDeviceSeenInAnEarlierRunIsNotNewAgain() throws Exception {
        Ledger first = new Ledger(ZoneId.of("Asia/Shanghai"));
        first.accepted(startup("mid_1", "2026-11-23T02:00:00Z"));
        write(first, "r1");
        Ledger second = new Ledger(ZoneId.of("Asia/Shanghai"));
        second.accepted(startup("mid_1", "2026-11-24T05:00:00Z"));
        second.accepted(startup("mid_2", "2026-11-24T05:00:00Z"));

        JsonNode l = write(second, "r2");

        assertThat(l.at("/days/2026-11-24/dau").asLong()).isEqualTo(2);
        assertThat(l.at("/days/2026-11-24/new_mid").asLong()).isEqualTo(1);
    }
}
