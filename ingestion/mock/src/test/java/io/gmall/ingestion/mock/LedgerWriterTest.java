package io.gmall.ingestion.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.LogJson;
import io.gmall.ingestion.contract.StartupLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerWriterTest {

    @TempDir
    Path dir;

    private final Ledger ledger = new Ledger(ZoneId.of("Asia/Shanghai"));

    private LedgerWriter writer(Duration every) {
        return new LedgerWriter(ledger, dir, LogJson.MAPPER.createObjectNode().put("id", "r1"), List.of(), every);
    }

    private void acceptStartup(String mid) {
        long ts = Instant.parse("2026-11-24T05:00:00Z").toEpochMilli();
        ObjectNode r = LogJson.MAPPER.valueToTree(StartupLog.of(UUID.randomUUID().toString(), mid, "1", "ios", "gmall", "beijing", "appstore", "1.2.0", ts));
        ledger.accepted(new Action.SendLog(ts, r, Action.Kind.NORMAL));
    }

    private JsonNode read(String file) throws Exception {
        return LogJson.MAPPER.readTree(dir.resolve(file).toFile());
    }

    @Test
    void aLedgerWrittenMidRunIsWholeAndSaysTheRunIsGoing() throws Exception {
        LedgerWriter writer = writer(LedgerWriter.EVERY);
        acceptStartup("mid_1");
        writer.write(LedgerWriter.State.RUNNING);
        acceptStartup("mid_2");
        writer.write(LedgerWriter.State.RUNNING);

        JsonNode l = read("ledger-r1.json");
        assertThat(l.at("/run/state").asText()).isEqualTo("running");
        assertThat(l.at("/run/written_at").isTextual()).isTrue();
        assertThat(l.at("/run/finished_at").isMissingNode()).isTrue();
        assertThat(l.at("/kafka/gmall.log.startup/distinct").asLong()).isEqualTo(2);
        assertThat(read("ledger-latest.json")).isEqualTo(l);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("ledger-r1.json", "ledger-latest.json", "first-seen.json");
        }
    }

    @Test
    void aRunStoppedBySignalLeavesTheLedgerOfWhatWasAcknowledged() throws Exception {
        LedgerWriter writer = writer(LedgerWriter.EVERY);
        acceptStartup("mid_1");

        writer.interrupted();

        JsonNode l = read("ledger-r1.json");
        assertThat(l.at("/run/state").asText()).isEqualTo("interrupted");
        assertThat(l.at("/run/finished_at").isTextual()).isTrue();
        assertThat(l.at("/days/2026-11-24/dau").asLong()).isEqualTo(1);
    }

    @Test
    void nothingOverwritesTheLastWrite() throws Exception {
        LedgerWriter writer = writer(LedgerWriter.EVERY);
        acceptStartup("mid_1");
        writer.finish(LedgerWriter.State.FINISHED);
        acceptStartup("mid_2");

        writer.interrupted();
        writer.write(LedgerWriter.State.RUNNING);

        JsonNode l = read("ledger-r1.json");
        assertThat(l.at("/run/state").asText()).isEqualTo("finished");
        assertThat(l.at("/kafka/gmall.log.startup/distinct").asLong()).isEqualTo(1);
    }

    @Test
    void theLedgerIsRewrittenWhileTheRunGoes() throws Exception {
        LedgerWriter writer = writer(Duration.ofMillis(20));
        writer.start();
        try {
            acceptStartup("mid_1");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.exists(dir.resolve("ledger-r1.json")) || read("ledger-r1.json").at("/kafka/gmall.log.startup/distinct").asLong() < 1) {
                assertThat(System.nanoTime()).as("a periodic write within 10 s").isLessThan(deadline);
                Thread.sleep(10);
            }
            assertThat(read("ledger-r1.json").at("/run/state").asText()).isEqualTo("running");
        } finally {
            writer.finish(LedgerWriter.State.FINISHED);
        }
        assertThat(read("ledger-r1.json").at("/run/state").asText()).isEqualTo("finished");
    }

    @Test
    void writingAgainChangesNeitherTheRegistryNorTheNewDevices() throws Exception {
        LedgerWriter writer = writer(LedgerWriter.EVERY);
        acceptStartup("mid_1");
        writer.write(LedgerWriter.State.RUNNING);
        String registry = Files.readString(dir.resolve("first-seen.json"));

        writer.write(LedgerWriter.State.FINISHED);

        assertThat(Files.readString(dir.resolve("first-seen.json"))).isEqualTo(registry);
        assertThat(read("ledger-r1.json").at("/days/2026-11-24/new_mid").asLong()).isEqualTo(1);
    }
}
