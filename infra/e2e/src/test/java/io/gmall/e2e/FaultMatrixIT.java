package io.gmall.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmall.local.Context;
import io.gmall.local.Launcher;
import io.gmall.local.Layout;
import io.gmall.local.LocalConfig;
import io.gmall.local.Stack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix: during a mock run with the stream and the API up, one neighbour fails (SIGKILL, or a
 * stop for 30 s, or a restart), or two on independent paths at once (a log server and the CDC relay; HBase, where dau
 * and gmv write, and Elasticsearch, where alerts and sale write), then the launcher brings back whatever is down. One
 * mock run per fault or pair, on a past day of the test's own with devices and users of its own (no duplicates or
 * malformed records injected, so every copy is the faults'), so each run's figures are its own: records lost
 * (the mock gave up on them, or Kafka lacks what was acknowledged; must be 0), copies that reached Kafka
 * (resends; downstream removes them), and the time from the repair until the stack is healthy and the
 * API answers. The stream is SIGKILLed five times at random moments of its run, each time restarted by the
 * launcher, and in another run stopped and restarted; a stop (SIGTERM) under load must end within its grace
 * period, not by a SIGKILL. Each run lasts from a few seconds before its fault until a few seconds after the repair, so records
 * flow before, during and after it; the mock resends what was refused for as long as it takes. Afterwards
 * {@code ./gmall check} must find every store equal to the ledgers of all the runs, bronze holding each
 * accepted record exactly once: no copy reached the stores.
 */
class FaultMatrixIT {

    private static final ZoneId ZONE = ZoneId.of(System.getenv().getOrDefault("GMALL_BUSINESS_ZONE", "Asia/Shanghai"));
    private static final Duration FAULT_AFTER = Duration.ofSeconds(5);
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    /** Traffic after the repair, beside the resends of what the fault refused; the mock adds 10 s of its own grace. */
    private static final Duration AFTER_REPAIR = Duration.ofSeconds(5);
    /** The stream's kills come 2 to 10 s after its restart, so some land inside a micro-batch and some between two. */
    private static final int STREAM_KILLS = 5;
    private static final Duration MOST_BETWEEN_KILLS = Duration.ofSeconds(10);
    /** What the mock's run allows for each restart between two kills (about 7 s here). */
    private static final Duration RESTART = Duration.ofSeconds(12);
    /** Simulated time between two runs: more than the alert rule's window of 5 minutes. */
    private static final Duration RUNS_APART = Duration.ofMinutes(10);
    private static final Pattern MOCK_END = Pattern.compile("failed (\\d+), resends (\\d+), orders \\d+; ledger (\\S+)");

    /** How a component fails: SIGKILLed ({@code times} times, restarted after each) or stopped, then left down for {@code down} before the repair. */
    private record Fault(String component, boolean kill, Duration down, int times) {
        Fault(String component, boolean kill, Duration down) {
            this(component, kill, down, 1);
        }

        String describe() {
            return component + (kill ? " SIGKILLed" : down.isZero() ? " restarted" : " stopped") + (times > 1 ? " " + times + " times" : "")
                    + (down.isZero() ? "" : " for " + down.toSeconds() + " s");
        }

        /** The mock run's length: the fault, its outage (every kill's restart and gap, at most) and the traffic after the repair. */
        Duration run() {
            return FAULT_AFTER.plus(down).plus(RESTART.plus(MOST_BETWEEN_KILLS).multipliedBy(times - 1L)).plus(AFTER_REPAIR);
        }
    }

    /** A fault's run as the mock and the launcher saw it; its ledger is compared with Kafka once every run is over. */
    private record Run(String fault, long failed, long resends, double recoverSeconds, List<String> restarted, Path ledger) {
    }

    private record Outcome(String fault, long failed, long missing, long kafkaCopies, long resends, double recoverSeconds, List<String> restarted) {
    }

    /** One mock run each: a fault alone, or faults on independent paths together (no record passes through both). */
    private static final List<List<Fault>> RUNS = List.of(
            List.of(new Fault("kafka", true, OUTAGE)),
            List.of(new Fault("logger-1", true, OUTAGE), new Fault("cdc", true, Duration.ZERO)),
            List.of(new Fault("mariadb", false, Duration.ZERO)),
            List.of(new Fault("redis", false, OUTAGE)),
            List.of(new Fault("hbase", false, OUTAGE), new Fault("elasticsearch", false, OUTAGE)),
            List.of(new Fault("stream", true, Duration.ZERO, STREAM_KILLS)),
            List.of(new Fault("stream", false, Duration.ZERO)));

    private final ByteArrayOutputStream launcherOut = new ByteArrayOutputStream();
    private final Layout layout = new Layout(Path.of(System.getProperty("gmall.root")));
    private final LocalConfig config = LocalConfig.load(layout.configFile(), System.getenv());
    private final Context ctx = new Context(layout, config, new PrintStream(launcherOut, true, StandardCharsets.UTF_8), Context.runningAsRoot());
    private final Stack stack = new Stack(Launcher.components(), ctx);
    private final Pipeline pipeline = new Pipeline(ctx, stack);
    private final Path ledgers = layout.var().resolve("mock/faults");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);

    @Test
    void eachFaultDuringAMockRunLosesNothingAndTheStackRecovers() throws Exception {
        assertThat(pipeline.awaitHealthy(Duration.ofMinutes(4))).as(launcherOut.toString(StandardCharsets.UTF_8)).isTrue();
        String day = PastDays.unused(layout.var().resolve("mock"), ledgers, ZONE);
        System.out.printf("FaultMatrixIT: day %s, kill seed %d%n", day, seed);
        List<Run> runs = new ArrayList<>();
        LocalDateTime clock = LocalDateTime.parse(day + "T09:00:00");
        for (List<Fault> faults : RUNS) {
            runs.add(run(faults, day, clock));
            // Each run's simulated time after the previous one's (simulated time, like real time, only moves forward), and
            // further than the alert window: the runs share their devices, and a device's coupon claims in two runs must
            // not meet in one window, an alert neither run's ledger expects.
            clock = clock.plus(length(faults)).plus(RUNS_APART);
        }
        // Each run's ledger against Kafka, all at once: no run writes any more, so each check's read ends when its
        // topics go quiet, and the checks wait on Kafka side by side.
        List<Outcome> outcomes = new ArrayList<>();
        ExecutorService checking = Executors.newFixedThreadPool(runs.size());
        try {
            List<CompletableFuture<Outcome>> checks = runs.stream().map(r -> CompletableFuture.supplyAsync(() -> {
                try {
                    long[] kafka = pipeline.mockCheck(r.ledger());
                    return new Outcome(r.fault(), r.failed(), kafka[0], kafka[1], r.resends(), r.recoverSeconds(), r.restarted());
                } catch (Exception e) {
                    throw new IllegalStateException(r.fault() + ": ./gmall mock check", e);
                }
            }, checking)).toList();
            for (CompletableFuture<Outcome> check : checks) {
                outcomes.add(check.get(5, TimeUnit.MINUTES));
            }
        } finally {
            checking.shutdownNow();
        }
        print(outcomes);
        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.failed()).as("%s: records the mock gave up on", o.fault()).isZero();
            assertThat(o.missing()).as("%s: acknowledged records missing from Kafka", o.fault()).isZero();
        });
        pipeline.storeCheck(ledgers, 300);
    }

    /** A run's length: its longest fault's. */
    private static Duration length(List<Fault> faults) {
        return faults.stream().map(Fault::run).max(Comparator.naturalOrder()).orElseThrow();
    }

    private Run run(List<Fault> faults, String day, LocalDateTime clock) throws Exception {
        String describe = faults.stream().map(Fault::describe).collect(Collectors.joining(" + "));
        List<String> failed = faults.stream().map(Fault::component).toList();
        Path log = Files.createTempFile("fault-" + String.join("-", failed) + "-mock", ".log");
        Process mock = pipeline.mock(ledgers, log, "--seconds", Long.toString(length(faults).toSeconds()), "--rate", "100", "--clock", clock.toString(),
                "--speed", "1", "--device-prefix", "fault_mid_", "--first-user", "10001", "--duplicates", "0", "--invalid", "0");
        Thread.sleep(FAULT_AFTER.toMillis());
        for (Fault fault : faults) {
            for (int kill = 1; kill < fault.times(); kill++) {
                pipeline.kill(fault.component());
                assertThat(stack.up(List.of(fault.component())).ok()).as("%s, restart %d: %s", fault.describe(), kill, launcherOut.toString(StandardCharsets.UTF_8))
                        .isTrue();
                Thread.sleep(2000 + random.nextLong(MOST_BETWEEN_KILLS.toMillis() - 2000));
            }
        }
        for (Fault fault : faults) {
            if (fault.kill()) {
                pipeline.kill(fault.component());
            } else {
                int before = launcherOut.toString(StandardCharsets.UTF_8).length();
                assertThat(stack.down(List.of(fault.component()))).isTrue();
                String stopped = launcherOut.toString(StandardCharsets.UTF_8).substring(before);
                assertThat(stopped).as("%s: a stop under load ends within its grace period", fault.describe()).doesNotContain("killed after the grace period");
            }
        }
        Thread.sleep(faults.stream().map(Fault::down).max(Comparator.naturalOrder()).orElseThrow().toMillis());
        long repairedAt = System.nanoTime();
        // Everything, not just the failed components: what died with them (a stream whose Kafka went away) comes back too.
        Stack.UpResult up = stack.up(List.of());
        assertThat(up.ok() || pipeline.awaitHealthy(Duration.ofMinutes(4))).as("%s: %s", describe, launcherOut.toString(StandardCharsets.UTF_8))
                .isTrue();
        awaitApi(day);
        double recovered = (System.nanoTime() - repairedAt) / 1e9;

        assertThat(mock.waitFor(6, TimeUnit.MINUTES)).as("%s: the mock run ends", describe).isTrue();
        String end = Pipeline.lastLine(log);
        assertThat(mock.exitValue()).as("%s: %s", describe, Files.readString(log)).isZero();
        Matcher m = MOCK_END.matcher(end);
        assertThat(m.find()).as(end).isTrue();
        return new Run(describe, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), recovered,
                up.started().stream().filter(c -> !failed.contains(c)).toList(), layout.root().resolve(m.group(3)));
    }

    /** Until the API reads the stores again (HBase and Elasticsearch behind it), bounded. */
    private void awaitApi(String day) throws Exception {
        URI uri = URI.create(config.url("serving", "/realtime-total?date=" + day));
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline) {
            try {
                status = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                status = -1;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the API did not answer 200 within 3 min (last status " + status + ")");
    }

    private static void print(List<Outcome> outcomes) {
        StringBuilder b = new StringBuilder(String.format("%n%-58s %6s %12s %12s %8s %10s  %s%n", "fault", "lost", "kafka copies", "store copies",
                "resends", "recover s", "also restarted"));
        for (Outcome o : outcomes) {
            b.append(String.format("%-58s %6d %12d %12s %8d %10.1f  %s%n", o.fault(), o.failed() + o.missing(), o.kafkaCopies(),
                    "0 (check)", o.resends(), o.recoverSeconds(), o.restarted().isEmpty() ? "-" : String.join(", ", o.restarted())));
        }
        System.out.println("FaultMatrixIT:" + b);
    }
}
