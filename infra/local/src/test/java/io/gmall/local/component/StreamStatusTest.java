package io.gmall.local.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the launcher judges the streaming application's /status answer. */
class StreamStatusTest {

    private static final Duration TRIGGER = Duration.ofSeconds(5);

    private static StreamStatus.Verdict judge(String body) {
        return StreamStatus.parse(body).judge(TRIGGER);
    }

    @Test
    void allQueriesActiveWithRecentProgressAreHealthy() {
        StreamStatus.Verdict verdict = judge("""
                bronze active 12 2 0
                dau active 11 1 3
                gmv active 11 4 0
                alerts active 10 0 2
                """);

        assertThat(verdict.healthy()).as(verdict.text()).isTrue();
        assertThat(verdict.text()).isEqualTo("4 queries active, last progress 4 s ago, lag 5");
    }

    @Test
    void oneStoppedQueryIsUnhealthy() {
        StreamStatus.Verdict verdict = judge("bronze active 12 2 0\ndau stopped 11 1 0\n");

        assertThat(verdict.healthy()).isFalse();
        assertThat(verdict.text()).isEqualTo("query dau is stopped");
    }

    @Test
    void aFailedLineIsUnhealthyAndNamesTheError() {
        StreamStatus.Verdict verdict = judge("""
                bronze active 12 2 0
                failed 6f1c2a9e-0000-4000-8000-000000000001 org.apache.spark.SparkException: Redis unreachable
                """);

        assertThat(verdict.healthy()).isFalse();
        assertThat(verdict.text()).startsWith("failed 6f1c2a9e-").contains("Redis unreachable");
    }

    @Test
    void progressOlderThanTheLimitIsUnhealthy() {
        StreamStatus.Verdict verdict = judge("bronze active 12 2 0\ngmv active 11 61 0\n");

        assertThat(verdict.healthy()).isFalse();
        assertThat(verdict.text()).isEqualTo("query gmv made no progress for 61 s (limit 60 s)");
    }

    @Test
    void caughtUpOnlyWhenEveryQueryProgressedRecentlyWithNothingLeftInKafka() {
        String body = "bronze active 12 2 0\ndau active 11 4 0\n";

        assertThat(StreamStatus.parse(body).caughtUpWithin(4)).isTrue();
        assertThat(StreamStatus.parse(body).caughtUpWithin(3)).as("dau's progress is older than 3 s").isFalse();
        assertThat(StreamStatus.parse("bronze active 12 2 0\ndau active 11 1 7\n").caughtUpWithin(10)).as("lag left").isFalse();
        assertThat(StreamStatus.parse("bronze active 12 2 0\ndau active -1 -1 0\n").caughtUpWithin(10)).as("no progress yet").isFalse();
        assertThat(StreamStatus.parse("bronze active 12 2 0\ndau stopped 11 1 0\n").caughtUpWithin(10)).as("a stopped query").isFalse();
        assertThat(StreamStatus.parse("").caughtUpWithin(10)).as("no query").isFalse();
    }

    @Test
    void theLimitIsThreeTriggersWhenThatIsLongerThanAMinute() {
        assertThat(StreamStatus.progressLimit(Duration.ZERO)).isEqualTo(Duration.ofSeconds(60));
        assertThat(StreamStatus.progressLimit(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(90));
        assertThat(StreamStatus.parse("gmv active 11 80 0").judge(Duration.ofSeconds(30)).healthy()).isTrue();
        assertThat(StreamStatus.parse("gmv active 11 91 0").judge(Duration.ofSeconds(30)).healthy()).isFalse();
    }

    @Test
    void anEmptyAnswerIsUnhealthy() {
        for (String body : new String[] {"", "\n\n", "   ", null}) {
            StreamStatus.Verdict verdict = judge(body);
            assertThat(verdict.healthy()).as("[" + body + "]").isFalse();
            assertThat(verdict.text()).isEqualTo("/status lists no query (the answer is empty)");
        }
    }

    @Test
    void garbageIsUnhealthyAndQuoted() {
        StreamStatus.Verdict html = judge("<html><body>502 Bad Gateway</body></html>");
        assertThat(html.healthy()).isFalse();
        assertThat(html.text()).contains("unreadable /status line '<html><body>502 Bad Gateway</body></html>'")
                .contains("no running query");

        for (String line : new String[] {"bronze active twelve 2 0", "bronze running 12 2 0", "bronze active 12 2",
                "bronze active 12 2 0 extra", "bronze active 12 -5 0", "bronze active 12 2 -1"}) {
            StreamStatus.Verdict verdict = judge("dau active 11 1 0\n" + line + "\n");
            assertThat(verdict.healthy()).as(line).isFalse();
            assertThat(verdict.text()).as(line).isEqualTo("unreadable /status line '" + line + "'");
        }
    }

    @Test
    void aQueryWithoutProgressSinceStartCountsAsActiveAndIsNamed() {
        StreamStatus.Verdict some = judge("bronze active 12 3 4\ndau active -1 -1 0\n");
        assertThat(some.healthy()).as(some.text()).isTrue();
        assertThat(some.text()).isEqualTo("2 queries active (dau: no batch since start), last progress 3 s ago, lag 4 (dau not known yet)");

        StreamStatus.Verdict none = judge("dau active -1 -1 0\n");
        assertThat(none.healthy()).as(none.text()).isTrue();
        assertThat(none.text()).isEqualTo("1 query active, no batch since start, lag not known yet");
    }

    @Test
    void sparksJvmFlagsComeFromTheRootPom() throws Exception {
        Path pom = Path.of(System.getProperty("gmall.root", "../..")).resolve("pom.xml");

        assertThat(io.gmall.local.SparkJvm.opens(pom))
                .contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED")
                .allSatisfy(flag -> assertThat(flag).startsWith("-").doesNotContainAnyWhitespaces());
    }
}
