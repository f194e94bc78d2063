package io.gmall.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Endpoints;
import io.gmall.local.Launcher;
import io.gmall.local.Layout;
import io.gmall.local.LocalConfig;
import io.gmall.local.SparkJvm;
import io.gmall.local.Stack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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

    @Test
    void killedFiveTimesDuringAMockRunTheStreamStillAgreesWithTheLedger() throws Exception {
        Component stream = Launcher.components().stream().filter(c -> c.name().equals("stream")).findFirst().orElseThrow();
        assertThat(stack.up(List.of("stream")).ok()).as(launcherOut.toString(StandardCharsets.UTF_8)).isTrue();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String day = unusedDay();
        System.out.printf("StreamFaultIT: day %s, kill seed %d%n", day, seed);

        Path mockLog = Files.createTempFile("stream-fault-mock", ".log");
        ProcessBuilder mock = new ProcessBuilder(ctx.java(), "-Xmx512m", "-Dgmall.root=" + layout.root(), "-jar",
                layout.root().resolve("ingestion/mock/target/gmall-mock.jar").toString(),
                "--seconds", "150", "--rate", "200", "--clock", day + "T09:00", "--speed", "60", "--device-prefix", "e2e_mid_",
                "--ledger-dir", ledgers.toString(), "--no-progress")
                .redirectErrorStream(true).redirectOutput(mockLog.toFile());
        mock.environment().putAll(Endpoints.of(config).asEnv());
        Process run = mock.start();

        List<Long> killed = new ArrayList<>();
        for (int i = 0; i < KILLS; i++) {
            Thread.sleep(4000 + random.nextInt(12_000));
            ProcessHandle victim = stack.running(stream).orElseThrow(() -> new AssertionError("the stream is not running"));
            victim.destroyForcibly();
            assertThat(victim.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            killed.add(victim.pid());
            Stack.UpResult restarted = stack.up(List.of("stream"));
            assertThat(restarted.ok()).as("restart %d: %s", i + 1, launcherOut.toString(StandardCharsets.UTF_8)).isTrue();
        }
        assertThat(run.waitFor(5, TimeUnit.MINUTES)).as("the mock run ends").isTrue();
        assertThat(run.exitValue()).as(Files.readString(mockLog)).isZero();
        System.out.printf("StreamFaultIT: killed pids %s while the mock ran; mock: %s%n", killed, lastLine(mockLog));

        ProcessBuilder check = new ProcessBuilder(SparkJvm.jobCommand(ctx, "1g", List.of(), "io.gmall.streaming.check.StoreCheck",
                List.of("--ledgers", ledgers.toString(), "--wait", "240"))).redirectErrorStream(true).directory(layout.root().toFile());
        check.environment().putAll(SparkJvm.env(ctx));
        Process judged = check.start();
        String report = new String(judged.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(judged.waitFor(6, TimeUnit.MINUTES)).isTrue();
        System.out.println(report);
        assertThat(judged.exitValue()).as(report).isZero();
        assertThat(report).contains("every store figure agrees with the ledgers").contains("bronze_duplicates");
    }

    /** A business day 3 to 27 days back (the collector refuses client times a month old) (inside the stream's state retention) that no earlier run of this test used. */
    private String unusedDay() throws IOException {
        Set<String> used = new TreeSet<>();
        if (Files.isDirectory(ledgers)) {
            Pattern days = Pattern.compile("\"(\\d{4}-\\d{2}-\\d{2})\"\\s*:\\s*\\{");
            try (Stream<Path> files = Files.list(ledgers)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                    Matcher m = days.matcher(Files.readString(f));
                    while (m.find()) {
                        used.add(m.group(1));
                    }
                }
            }
        }
        LocalDate today = LocalDate.now(ZONE);
        for (int back = 3; back <= 27; back++) {
            String d = today.minusDays(back).toString();
            if (!used.contains(d) && !used.contains(today.minusDays(back - 1).toString())) {
                return d;
            }
        }
        throw new IllegalStateException("every day of the last month holds a run of this test: ./gmall clean the stack");
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
