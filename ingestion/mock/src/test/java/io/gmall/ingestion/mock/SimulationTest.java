package io.gmall.ingestion.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.LogValidator;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulationTest {

    private static final Instant START = Instant.parse("2026-11-24T15:50:00Z");

    static MockConfig config(long seed, long count, double late, double duplicates, double invalid, int abuse) {
        return new MockConfig(seed, 500, null, count, 500, 500, START, 60, 100, 10, abuse, late, Duration.ofMinutes(120),
                duplicates, invalid, 30, ZoneId.of("Asia/Shanghai"), "mid_", Duration.ZERO, 1);
    }

    private static List<Action> all(Simulation simulation) {
        List<Action> actions = new ArrayList<>();
        simulation.forEachRemaining(actions::add);
        return actions;
    }

    private static List<String> withoutRunId(List<Action> actions) {
        List<String> out = new ArrayList<>();
        for (Action a : actions) {
            if (a instanceof Action.SendLog log) {
                ObjectNode r = log.record().deepCopy();
                r.remove(Simulation.RUN_FIELD);
                out.add(log.at() + " " + log.kind() + " " + r);
            } else {
                out.add(a.toString());
            }
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        List<Action> first = all(new Simulation(config(42, 3000, 0.05, 0.05, 0.05, 2), "run-a"));
        List<Action> second = all(new Simulation(config(42, 3000, 0.05, 0.05, 0.05, 2), "run-b"));
        List<Action> other = all(new Simulation(config(43, 3000, 0.05, 0.05, 0.05, 2), "run-c"));

        assertThat(withoutRunId(second)).isEqualTo(withoutRunId(first));
        assertThat(withoutRunId(other)).isNotEqualTo(withoutRunId(first));
    }

    @Test
    void aRunThatClosesItsWindowsEndsWithOneFavouriteThatLongAfterItsEnd() {
        MockConfig timed = new MockConfig(3, 500, Duration.ofSeconds(30), 0, 500, 500, START, 1, 100, 10, 1, 0, Duration.ofMinutes(120),
                0, 0, 30, ZoneId.of("Asia/Shanghai"), "mid_", Duration.ofMinutes(8), 1);
        List<Action> actions = all(new Simulation(timed, "r"));

        Action.SendLog last = (Action.SendLog) actions.get(actions.size() - 1);
        Instant simulatedEnd = START.plusSeconds(30);
        assertThat(last.record().get("mid").asText()).isEqualTo("mid_closer");
        assertThat(last.record().get("evid").asText()).isEqualTo("addFavor");
        assertThat(last.record().get("ts").asLong()).isEqualTo(simulatedEnd.plus(Duration.ofMinutes(8)).toEpochMilli());
        assertThat(actions.stream().filter(a -> a instanceof Action.SendLog s && s.record().get("mid").asText().equals("mid_closer")))
                .hasSize(1);
        assertThatThrownBy(() -> new MockConfig(3, 500, null, 100, 500, 500, START, 1, 100, 10, 1, 0, Duration.ofMinutes(120),
                0, 0, 30, ZoneId.of("Asia/Shanghai"), "mid_", Duration.ofMinutes(8), 1)).hasMessageContaining("--close-windows-minutes needs a duration");
    }

    @Test
    void actionsComeInTimeOrderAndCountIsExact() {
        List<Action> actions = all(new Simulation(config(1, 2000, 0.02, 0.02, 0.02, 1), "r"));
        assertThat(actions).isSortedAccordingTo((a, b) -> Long.compare(a.at(), b.at()));
        assertThat(actions.stream().filter(a -> a instanceof Action.SendLog)).hasSize(2000);
    }

    /**
     * Judged by a collector whose clock is the simulated one, or as far from it as the mock allows its clock to be:
     * a month ahead (a past day replayed) or 12 h behind.
     */
    @Test
    void normalRecordsPassTheContractAndInvalidOnesDoNotWhateverTheCollectorsClock() {
        LogValidator validator = new LogValidator();
        List<Action> actions = all(new Simulation(config(5, 5000, 0.05, 0.05, 0.05, 2), "r"));
        for (Duration collectorAhead : List.of(Duration.ZERO, Duration.ofDays(29), Duration.ofHours(-12))) {
            for (Action a : actions) {
                if (a instanceof Action.SendLog log) {
                    boolean accepted = validator.validate(log.record().deepCopy(), log.at() + collectorAhead.toMillis()).accepted();
                    assertThat(accepted).as("collector %s ahead: %s %s", collectorAhead, log.kind(), log.record())
                            .isEqualTo(log.kind() != Action.Kind.INVALID);
                }
            }
        }
    }

    @Test
    void injectedCasesAppearAtTheirShares() {
        Map<Action.Kind, Integer> kinds = new HashMap<>();
        int logs = 0;
        for (Action a : all(new Simulation(config(9, 20_000, 0.05, 0.03, 0.02, 0), "r"))) {
            if (a instanceof Action.SendLog log) {
                kinds.merge(log.kind(), 1, Integer::sum);
                logs++;
                if (log.kind() == Action.Kind.LATE) {
                    assertThat(log.at() - log.record().get("ts").asLong()).isBetween(60_000L, Duration.ofMinutes(120).toMillis());
                }
            }
        }
        assertThat(kinds.get(Action.Kind.LATE) / (double) logs).isBetween(0.035, 0.065);
        assertThat(kinds.get(Action.Kind.DUPLICATE) / (double) logs).isBetween(0.02, 0.04);
        assertThat(kinds.get(Action.Kind.INVALID) / (double) logs).isBetween(0.01, 0.03);
    }

    @Test
    void aDuplicateRepeatsItsRecordsEventId() {
        Set<String> seen = new HashSet<>();
        boolean sawDuplicate = false;
        for (Action a : all(new Simulation(config(3, 5000, 0, 0.05, 0, 0), "r"))) {
            if (a instanceof Action.SendLog log) {
                String id = log.record().get("event_id").asText();
                if (log.kind() == Action.Kind.DUPLICATE) {
                    assertThat(seen).contains(id);
                    sawDuplicate = true;
                } else {
                    assertThat(seen.add(id)).as("event ids of distinct records are unique").isTrue();
                }
            }
        }
        assertThat(sawDuplicate).isTrue();
    }

    @Test
    void injectedAbuseTripsTheAlertRule() {
        Simulation simulation = new Simulation(config(11, 20_000, 0, 0, 0, 3), "r");
        List<Action> actions = all(simulation);
        assertThat(simulation.abuseWindows()).hasSize(3);
        for (Simulation.AbuseWindow w : simulation.abuseWindows()) {
            assertThat(new HashSet<>(w.uids())).hasSizeGreaterThanOrEqualTo(Simulation.ABUSE_USERS);
            assertThat(w.lastClaim() - w.firstClaim()).isLessThan(Simulation.ABUSE_WINDOW_MS);
            List<String> onDevice = actions.stream().filter(a -> a instanceof Action.SendLog log && log.record().get("mid").asText().equals(w.mid()))
                    .map(a -> ((Action.SendLog) a).record().path("evid").asText("startup")).toList();
            assertThat(onDevice).contains("coupon").doesNotContain("clickItem");
        }
    }

    @Test
    void ordersHaveOneToFiveDistinctSkusAndSettleLater() {
        Map<Integer, Long> placed = new HashMap<>();
        int settled = 0;
        for (Action a : all(new Simulation(config(13, 20_000, 0, 0, 0, 0), "r"))) {
            if (a instanceof Action.PlaceOrder o) {
                assertThat(o.lines()).hasSizeBetween(1, 5);
                assertThat(o.lines().stream().map(Action.Line::skuId).distinct()).hasSize(o.lines().size());
                placed.put(o.orderSeq(), o.at());
            } else if (a instanceof Action.SettleOrder s) {
                assertThat(placed).containsKey(s.orderSeq());
                assertThat(s.at()).isGreaterThan(placed.get(s.orderSeq()));
                assertThat(s.status()).isIn("1002", "1003");
                settled++;
            }
        }
        assertThat(placed).isNotEmpty();
        assertThat(settled).as("orders settled").isPositive();
    }
}
