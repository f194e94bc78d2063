package io.gmall.ingestion.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The relay's start checklist, on what MariaDB answers. */
class PreflightTest {

    private static Preflight.Binlogs binlogs(Object... fileAndSize) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (int i = 0; i < fileAndSize.length; i += 2) {
            sizes.put((String) fileAndSize[i], ((Number) fileAndSize[i + 1]).longValue());
        }
        return new Preflight.Binlogs(sizes);
    }

    @Test
    void theGrantsOfInfraPassAndMissingOnesAreNamed() {
        assertThat(Preflight.grants(List.of("GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR, SLAVE MONITOR ON *.* TO `canal`@`127.0.0.1`"))
                .ok()).isTrue();
        assertThat(Preflight.grants(List.of("GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost`")).ok()).isTrue();
        Preflight.Check selectOnly = Preflight.grants(List.of("GRANT SELECT ON *.* TO `canal`@`127.0.0.1`"));
        assertThat(selectOnly.ok()).isFalse();
        assertThat(selectOnly.found()).isEqualTo("missing REPLICATION SLAVE, BINLOG MONITOR");
        assertThat(Preflight.grants(List.of("GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `canal`@`%`")).found()).isEqualTo("missing SELECT");
    }

    @Test
    void aFirstStartBeginsAtTheOldestBinlog() {
        Preflight.Check c = Preflight.position(binlogs("binlog.000002", 900, "binlog.000003", 400), Optional.empty());
        assertThat(c.ok()).isTrue();
        assertThat(c.found()).contains("binlog.000002:4");
    }

    @Test
    void aSavedPositionOnTheServerPasses() {
        assertThat(Preflight.position(binlogs("binlog.000002", 900), Optional.of(new PositionStore.Position("binlog.000002", 900))).ok()).isTrue();
    }

    @Test
    void aSavedPositionWhoseBinlogWasPurgedRefusesRatherThanRestartingOverTheGap() {
        Preflight.Check c = Preflight.position(binlogs("binlog.000005", 900), Optional.of(new PositionStore.Position("binlog.000002", 700)));
        assertThat(c.ok()).isFalse();
        assertThat(c.problem()).contains("purged").contains("re-snapshot");
    }

    @Test
    void aSavedPositionPastItsFilesEndBelongsToAnotherServer() {
        Preflight.Check c = Preflight.position(binlogs("binlog.000002", 900), Optional.of(new PositionStore.Position("binlog.000002", 5000)));
        assertThat(c.ok()).isFalse();
        assertThat(c.found()).contains("past the file's end 900");
    }

    @Test
    void theChecklistMarksEachLine() {
        String text = Preflight.format(List.of(new Preflight.Check("binlog format ROW", "binlog_format=MIXED", "set binlog_format=ROW"),
                new Preflight.Check("grants", "ok", null)));
        assertThat(text).contains("[FAIL] binlog format ROW: binlog_format=MIXED -> set binlog_format=ROW").contains("[ok]   grants: ok");
    }
}
