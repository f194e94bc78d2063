package io.gmall.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gmall.local.Context;
import io.gmall.local.Launcher;
import io.gmall.local.Layout;
import io.gmall.local.LocalConfig;
import io.gmall.local.Stack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * One mock run on a past day of its own, for the tests that only read what the pipeline made of it (the dashboard):
 * made once per test JVM, on first use, and in the stores (the stream caught up) before any of them reads. Tests that
 * change the stores make days of their own instead, so what a read-only test sees never depends on which test ran
 * before it, or on what another module's tests left in the stores.
 */
record ReadOnlyDay(String day, JsonNode ledger, LocalConfig config) {

    private static final ZoneId ZONE = ZoneId.of(System.getenv().getOrDefault("GMALL_BUSINESS_ZONE", "Asia/Shanghai"));
    private static ReadOnlyDay made;

    static synchronized ReadOnlyDay get() throws Exception {
        if (made == null) {
            made = make();
        }
        return made;
    }

    private static ReadOnlyDay make() throws Exception {
        ByteArrayOutputStream launcherOut = new ByteArrayOutputStream();
        Layout layout = new Layout(Path.of(System.getProperty("gmall.root")));
        LocalConfig config = LocalConfig.load(layout.configFile(), System.getenv());
        Context ctx = new Context(layout, config, new PrintStream(launcherOut, true, StandardCharsets.UTF_8), Context.runningAsRoot());
        Pipeline pipeline = new Pipeline(ctx, new Stack(Launcher.components(), ctx));
        assertThat(pipeline.awaitHealthy(Duration.ofMinutes(4))).as(launcherOut.toString(StandardCharsets.UTF_8)).isTrue();
        Path ledgers = layout.var().resolve("mock/read-only");
        String day = PastDays.unused(layout.var().resolve("mock"), ledgers, ZONE);
        System.out.printf("ReadOnlyDay: day %s%n", day);
        Path log = Files.createTempFile("read-only-mock", ".log");
        // A business day's morning at 60 simulated seconds a second: a few hundred orders, alerts from the injected abuse.
        Process mock = pipeline.mock(ledgers, log, "--seconds", "30", "--rate", "100", "--clock", day + "T09:00:00", "--speed", "60",
                "--device-prefix", "read_mid_", "--devices", "300", "--first-user", "50001", "--users", "200");
        JsonNode ledger = pipeline.ledger(mock, log, Duration.ofMinutes(5));
        // The relay's few seconds from MariaDB to Kafka allowed for.
        pipeline.awaitStreamCaughtUp(Instant.now().plusSeconds(5), Duration.ofMinutes(3));
        return new ReadOnlyDay(day, ledger, config);
    }
}
