package io.gmall.local.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline under faults: a mock run through nginx, the log servers, MariaDB and the CDC relay,
 * while the stream application is killed with SIGKILL at random moments and restarted by the launcher;
 * afterwards {@code ./gmall check} must find every store equal to the ledger and bronze holding every
 * accepted record exactly once.
 *
 * <p>The run replays a past business day of its own with devices of its own ({@code e2e_mid_*}), and its
 * ledgers live in {@code var/mock/e2e}: other writers of the shared stack (the demo, the ingestion tests)
 * touch neither, and all such runs since the last clean are judged together. It runs at a minute of event
 * time per second: append-order skew of a second or two makes any of its events late in event
 * time, so its alerts are excused (the alert rule is proven by the suites and judged in the demo).
 */
class StreamFaultIT {

    private static final int KILLS = 5;
    private static final ZoneId ZONE = ZoneId.of(System.getenv().getOrDefault("GMALL_BUSINESS_ZONE", "Asia/Shanghai"));

    private final ByteArrayOutputStream launcherOut = new ByteArrayOutputStream();
    private final Layout layout = new Layout(Path.of(System.getProperty("gmall.root")));
    private final LocalConfig config = LocalConfig.load(layout.configFile(), System.getenv());
    private final Context ctx = new Context(layout, config, new PrintStream(launcherOut, true, StandardCharsets.UTF_8), Context.runningAsRoot());
    private final Stack stack = new Stack(Launcher.components(), ctx);
    private final Path ledgers = layout.var().resolve("mock/e2e");
    private final Pipeline pipeline = new Pipeline(ctx, stack);

    @Test
    void killedFiveTimesDuringAMockRunTheStreamStillAgreesWithTheLedger() throws Exception {
        assertThat(stack.up(List.of("stream")).ok()).as(launcherOut.toString(StandardCharsets.UTF_8)).isTrue();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String day = PastDays.unused(layout.var().resolve("mock"), ledgers, ZONE);
        System.out.printf("StreamFaultIT: day %s, kill seed %d%n", day, seed);

        Path mockLog = Files.createTempFile("stream-fault-mock", ".log");
        Process run = pipeline.mock(ledgers, mockLog, "--seconds", "150", "--rate", "200", "--clock", day + "T09:00", "--speed", "60",
                "--device-prefix", "e2e_mid_", "--first-user", "20001");

        List<Long> killed = new ArrayList<>();
        for (int i = 0; i < KILLS; i++) {
            Thread.sleep(4000 + random.nextInt(12_000));
            killed.add(pipeline.kill("stream"));
            Stack.UpResult restarted = stack.up(List.of("stream"));
            assertThat(restarted.ok()).as("restart %d: %s", i + 1, launcherOut.toString(StandardCharsets.UTF_8)).isTrue();
        }
        assertThat(run.waitFor(5, TimeUnit.MINUTES)).as("the mock run ends").isTrue();
        assertThat(run.exitValue()).as(Files.readString(mockLog)).isZero();
        System.out.printf("StreamFaultIT: killed pids %s while the mock ran; mock: %s%n", killed, Pipeline.lastLine(mockLog));

        pipeline.storeCheck(ledgers, 240);
    }
}
