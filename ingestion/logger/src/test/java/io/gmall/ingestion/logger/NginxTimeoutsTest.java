package io.gmall.ingestion.logger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * nginx's time-outs (infra/nginx/gmall.conf) against the log server's own and a client's: what the
 * configuration's comment promises, checked on the files as committed.
 */
class NginxTimeoutsTest {

    /** The collector client's time-out: the mock's, and what the README asks of clients. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    private static final String CONF = read(Path.of("../../infra/nginx/gmall.conf"));

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new IllegalStateException("run from ingestion/logger: " + path.toAbsolutePath(), e);
        }
    }

    private static Duration directive(String name) {
        Matcher m = Pattern.compile("\\b" + name + "\\s+(\\d+)s;").matcher(CONF);
        assertThat(m.find()).as(name + " in gmall.conf").isTrue();
        return Duration.ofSeconds(Long.parseLong(m.group(1)));
    }

    private static Duration sendTimeout() throws IOException {
        Properties p = new Properties();
        try (InputStream in = NginxTimeoutsTest.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        return Duration.parse("PT" + p.getProperty("gmall.logger.send-timeout").toUpperCase());
    }

    @Test
    void aLogServerWaitingForKafkaIsNotCutOffByNginx() throws IOException {
        assertThat(directive("proxy_read_timeout")).isGreaterThan(sendTimeout());
    }

    @Test
    void aFirstAttemptThatTimedOutStillGetsItsSecondUpstream() {
        assertThat(directive("proxy_next_upstream_timeout"))
                .isGreaterThanOrEqualTo(directive("proxy_connect_timeout").plus(directive("proxy_read_timeout")));
        assertThat(CONF).containsPattern("proxy_next_upstream\\s+error timeout non_idempotent;");
    }

    @Test
    void bothAttemptsEndBeforeTheClientGivesUp() {
        Matcher tries = Pattern.compile("proxy_next_upstream_tries\\s+(\\d+);").matcher(CONF);
        assertThat(tries.find()).isTrue();
        Duration attempt = directive("proxy_connect_timeout").plus(directive("proxy_read_timeout"));
        assertThat(attempt.multipliedBy(Long.parseLong(tries.group(1)))).isLessThan(CLIENT_TIMEOUT);
    }
}
