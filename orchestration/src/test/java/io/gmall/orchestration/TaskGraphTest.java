package io.gmall.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskGraphTest {

    static final Path NIGHTLY = Path.of("nightly.json");

    @TempDir
    Path dir;

    @Test
    void theNightlyGraphRunsEveryTaskAfterItsUpstream() throws IOException {
        TaskGraph graph = TaskGraph.load(NIGHTLY);
        assertThat(graph.order()).extracting(TaskGraph.Task::id)
                .containsExactly("wait_bronze", "compact", "reconcile_dau", "reconcile_gmv", "reconcile_alerts", "backfill_sale", "publish_report", "vacuum");
        assertThat(graph.tasks()).extracting(TaskGraph.Task::step).containsOnly("wait-bronze", "compact", "dau", "gmv", "alerts", "sale", "report", "vacuum");
    }

    private static Properties streaming() throws IOException {
        Properties streaming = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("../streaming/src/main/resources/gmall-streaming.properties"))) {
            streaming.load(r);
        }
        return streaming;
    }

    @Test
    void theScheduleRunsInTheBusinessZoneOfTheStreamingConfiguration() throws IOException {
        assertThat(TaskGraph.load(NIGHTLY).timezone()).isEqualTo(streaming().getProperty("gmall.streaming.business.zone"));
    }

    /** A run that fired earlier would find its day refused by the reconcile until then (wait_bronze waits it out, briefly). */
    @Test
    void theScheduleFiresOnceTheDayHasEndedPlusTheReconcilesGracePeriod() throws IOException {
        long grace = Long.parseLong(streaming().getProperty("gmall.streaming.reconcile.grace.minutes"));
        String[] cron = TaskGraph.load(NIGHTLY).schedule().split(" ");
        assertThat(cron).as("daily, at a minute and hour").hasSize(5).endsWith("*", "*", "*");
        assertThat(Long.parseLong(cron[1]) * 60 + Long.parseLong(cron[0])).as("minutes after midnight").isGreaterThanOrEqualTo(grace);
    }

    @Test
    void aCycleAnUnknownUpstreamOrATwiceDefinedTaskIsRefused() throws IOException {
        assertThatThrownBy(() -> TaskGraph.load(graph("""
                {"id": "a", "step": "dau", "upstream": ["b"], "retries": 0, "retry_delay_seconds": 1, "timeout_seconds": 1},
                {"id": "b", "step": "gmv", "upstream": ["a"], "retries": 0, "retry_delay_seconds": 1, "timeout_seconds": 1}""")))
                .hasMessageContaining("cycle");
        assertThatThrownBy(() -> TaskGraph.load(graph("""
                {"id": "a", "step": "dau", "upstream": ["z"], "retries": 0, "retry_delay_seconds": 1, "timeout_seconds": 1}""")))
                .hasMessageContaining("unknown task z");
        assertThatThrownBy(() -> TaskGraph.load(graph("""
                {"id": "a", "step": "dau", "upstream": [], "retries": 0, "retry_delay_seconds": 1, "timeout_seconds": 1},
                {"id": "a", "step": "gmv", "upstream": [], "retries": -1, "retry_delay_seconds": 1, "timeout_seconds": 1}""")))
                .hasMessageContaining("defined twice").hasMessageContaining("retries");
    }

    private Path graph(String tasks) throws IOException {
        Path f = dir.resolve("graph.json");
        Files.writeString(f, "{\"dag_id\": \"g\", \"description\": \"\", \"schedule\": \"@daily\", \"timezone\": \"UTC\", "
                + "\"start_date\": \"2026-01-01\", \"catchup\": false, \"tasks\": [" + tasks + "]}");
        return f;
    }
}
