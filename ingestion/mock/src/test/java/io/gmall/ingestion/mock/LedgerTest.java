package io.gmall.ingestion.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.EventLog;
import io.gmall.ingestion.contract.LogJson;
import io.gmall.ingestion.contract.StartupLog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {

    @TempDir
    Path dir;

    private static Action.SendLog startup(String mid, String instant) {
        long ts = Instant.parse(instant).toEpochMilli();
        ObjectNode r = LogJson.MAPPER.valueToTree(StartupLog.of(UUID.randomUUID().toString(), mid, "1", "ios", "gmall", "beijing", "appstore", "1.2.0", ts));
        return new Action.SendLog(ts, r, Action.Kind.NORMAL);
    }

    private static Action.SendLog event(String mid, String uid, String evid, String instant) {
        long ts = Instant.parse(instant).toEpochMilli();
        ObjectNode r = LogJson.MAPPER.valueToTree(EventLog.of(UUID.randomUUID().toString(), mid, uid, "ios", "gmall", "beijing", "appstore", "1.2.0",
                ts, evid, 1, 2, 3));
        return new Action.SendLog(ts, r, Action.Kind.NORMAL);
    }

    private JsonNode write(Ledger ledger, String runId) throws Exception {
        return write(ledger, runId, List.of());
    }

    private JsonNode write(Ledger ledger, String runId, List<Simulation.AbuseWindow> abuse) throws Exception {
        ObjectNode run = LogJson.MAPPER.createObjectNode().put("id", runId);
        return LogJson.MAPPER.readTree(new LedgerWriter(ledger, dir, run, abuse, LedgerWriter.EVERY).write(LedgerWriter.State.FINISHED).toFile());
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
        assertThat(l.at("/kafka/gmall.log.startup/distinct").asLong()).isEqualTo(4);
        assertThat(l.at("/kafka/gmall.log.dlq/distinct").asLong()).isEqualTo(1);
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

    @Test
    void aRecordAcceptedTwiceIsOneEventIdOfTwoRecords() throws Exception {
        Ledger ledger = new Ledger(ZoneId.of("Asia/Shanghai"));
        Action.SendLog once = startup("mid_1", "2026-11-24T05:00:00Z");
        Action.SendLog twice = startup("mid_2", "2026-11-24T05:00:00Z");
        ledger.accepted(once);
        ledger.accepted(twice);
        ledger.accepted(new Action.SendLog(twice.at() + 5000, twice.record().deepCopy(), Action.Kind.DUPLICATE));

        JsonNode topic = write(ledger, "r1").at("/kafka/gmall.log.startup");

        assertThat(topic.get("records").asLong()).isEqualTo(3);
        assertThat(topic.get("distinct").asLong()).isEqualTo(2);
        assertThat(topic.get("event_ids")).extracting(JsonNode::asText)
                .containsExactlyElementsOf(new TreeSet<>(List.of(once.record().get("event_id").asText(), twice.record().get("event_id").asText())));
    }

    @Test
    void alertsComeFromAcceptedClaimsAndBelongToTheDayTheirWindowCloses() throws Exception {
        Ledger ledger = new Ledger(ZoneId.of("Asia/Shanghai"));
        // 23:58 in Shanghai: the five windows holding the claims close at 23:59, 00:00, 00:01, 00:02 and 00:03.
        ledger.accepted(event("mid_9", "1", "coupon", "2026-11-24T15:58:10Z"));
        ledger.accepted(event("mid_9", "2", "coupon", "2026-11-24T15:58:20Z"));
        ledger.accepted(event("mid_9", "3", "coupon", "2026-11-24T15:58:30Z"));
        ledger.accepted(event("mid_8", "1", "coupon", "2026-11-24T15:58:10Z"));
        ledger.accepted(event("mid_8", "2", "coupon", "2026-11-24T15:58:20Z"));
        ledger.rejected(event("mid_8", "3", "coupon", "2026-11-24T15:58:30Z"));

        JsonNode alerts = write(ledger, "r1").get("alerts");

        assertThat(alerts).hasSize(5).allSatisfy(a -> {
            assertThat(a.get("mid").asText()).as("a refused claim counts for nothing").isEqualTo("mid_9");
            assertThat(a.get("uids")).extracting(JsonNode::asText).containsExactly("1", "2", "3");
            assertThat(a.get("window_end_ms").asLong() - a.get("window_start_ms").asLong()).isEqualTo(300_000);
        });
        assertThat(alerts.get(0).get("window_start_ms").asLong()).isEqualTo(Instant.parse("2026-11-24T15:54:00Z").toEpochMilli());
        assertThat(alerts).extracting(a -> a.get("dt").asText())
                .containsExactly("2026-11-24", "2026-11-24", "2026-11-25", "2026-11-25", "2026-11-25");
    }

    @Test
    void theIndependentRuleFindsEveryInjectedAbuse() throws Exception {
        Simulation simulation = new Simulation(SimulationTest.config(11, 20_000, 0, 0, 0, 3), "r");
        Ledger ledger = new Ledger(ZoneId.of("Asia/Shanghai"));
        simulation.forEachRemaining(a -> {
            if (a instanceof Action.SendLog log) {
                ledger.accepted(log);
            }
        });

        JsonNode l = write(ledger, "r1", simulation.abuseWindows());

        assertThat(simulation.abuseWindows()).hasSize(3).allSatisfy(w -> {
            List<String> uids = w.uids().stream().sorted().toList();
            assertThat(l.get("alerts")).as("alerts on %s", w.mid())
                    .anySatisfy(a -> {
                        assertThat(a.get("mid").asText()).isEqualTo(w.mid());
                        assertThat(a.get("uids")).extracting(JsonNode::asText).containsExactlyElementsOf(uids);
                    });
        });
        assertThat(l.get("abuse")).hasSize(3).allSatisfy(a -> assertThat(a.get("all_claims_accepted").asBoolean()).isTrue());
    }

    @Test
    void firstVisitsLateActivitiesAndTheLatestEventTimeAreKeptForJudgingRunsTogether() throws Exception {
        Ledger ledger = new Ledger(ZoneId.of("Asia/Shanghai"));
        ledger.clock(java.time.Clock.fixed(Instant.parse("2026-11-24T18:00:10Z"), ZoneId.of("UTC")));
        ledger.accepted(startup("mid_1", "2026-11-24T17:30:00Z"));
        ledger.accepted(startup("mid_1", "2026-11-24T16:10:00Z"));
        Action.SendLog late = event("mid_2", "5", "coupon", "2026-11-24T15:00:00Z");
        ledger.accepted(new Action.SendLog(late.at() + 600_000, late.record(), Action.Kind.LATE));
        ledger.accepted(event("mid_2", "6", "addCart", "2026-11-24T18:00:00Z"));

        JsonNode l = write(ledger, "r3");

        assertThat(l.at("/first_visits/2026-11-25/mid_1").asLong()).isEqualTo(Instant.parse("2026-11-24T16:10:00Z").toEpochMilli());
        assertThat(l.at("/late_activities/0/mid").asText()).isEqualTo("mid_2");
        assertThat(l.at("/late_activities/0/ts").asLong()).isEqualTo(Instant.parse("2026-11-24T15:00:00Z").toEpochMilli());
        assertThat(l.at("/late_activities/0/lag_ms").asLong()).isEqualTo(Duration.ofHours(3).plusSeconds(10).toMillis());
        assertThat(l.at("/late_activities/0/event_lag_ms").asLong()).as("behind the newest event acknowledged before it")
                .isEqualTo(Duration.ofMinutes(150).toMillis());
        assertThat(l.at("/late_activities").size()).as("only claims and clicks acknowledged over 30 s after their time").isEqualTo(1);
        assertThat(l.at("/max_event_ts").asLong()).isEqualTo(Instant.parse("2026-11-24T18:00:00Z").toEpochMilli());
    }

    @Test
    void aPastDayReplayedInOrderIsLateByTheWallClockOnlyNotInEventTime() throws Exception {
        Ledger ledger = new Ledger(ZoneId.of("Asia/Shanghai"));
        ledger.clock(java.time.Clock.fixed(Instant.parse("2026-11-30T00:00:00Z"), ZoneId.of("UTC")));
        ledger.accepted(event("mid_3", "7", "coupon", "2026-11-24T15:00:00Z"));
        ledger.accepted(event("mid_3", "8", "coupon", "2026-11-24T15:00:20Z"));

        JsonNode l = write(ledger, "r4");

        assertThat(l.at("/late_activities").size()).isEqualTo(2);
        assertThat(l.at("/late_activities/1/lag_ms").asLong()).isGreaterThan(Duration.ofDays(5).toMillis());
        assertThat(l.at("/late_activities/1/event_lag_ms").asLong()).isZero();
    }
}
