package io.gmall.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Endpoints;
import io.gmall.local.Launcher;
import io.gmall.local.SparkJvm;
import io.gmall.local.Stack;
import io.gmall.local.component.SparkStreaming;
import io.gmall.local.component.StreamStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the whole-pipeline tests do to the stack: mock runs, SIGKILLs and the store check. */
final class Pipeline {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LEDGER = Pattern.compile("; ledger (\\S+)");

    private final Context ctx;
    private final Stack stack;

    Pipeline(Context ctx, Stack stack) {
        this.ctx = ctx;
        this.stack = stack;
    }

    static Component component(String name) {
        return Launcher.components().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** Starts the mock with {@code args} (a run's options, or a subcommand and its own), ledgers in {@code ledgers}, its output in {@code log}. */
    Process mock(Path ledgers, Path log, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--ledger-dir", ledgers.toString(), "--no-progress"));
        all.addAll(List.of(args));
        return mockJar(all).redirectOutput(log.toFile()).start();
    }

    /**
     * The ledger of a mock run or tool started by {@link #mock}, once it ended well within {@code within}: the JSON of the
     * file its last line names.
     */
    JsonNode ledger(Process mock, Path log, Duration within) throws Exception {
        assertThat(mock.waitFor(within.toSeconds(), TimeUnit.SECONDS)).as("the mock ends within " + within).isTrue();
        assertThat(mock.exitValue()).as(Files.readString(log)).isZero();
        Matcher ledger = LEDGER.matcher(lastLine(log));
        assertThat(ledger.find()).as(lastLine(log)).isTrue();
        return JSON.readTree(ctx.layout().root().resolve(ledger.group(1)).toFile());
    }

    /** The mock's jar with {@code args}, its output and errors together, pointed at the stack. */
    private ProcessBuilder mockJar(List<String> args) {
        List<String> command = new ArrayList<>(List.of(ctx.java(), "-Xmx512m", "-Dgmall.root=" + ctx.layout().root(), "-jar",
                ctx.layout().root().resolve("ingestion/mock/target/gmall-mock.jar").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(ctx.layout().root().toFile());
        pb.environment().putAll(Endpoints.of(ctx.config()).asEnv());
        return pb;
    }

    /**
     * {@code ./gmall mock check} of one ledger: the acknowledged records of its startup and event topics missing
     * from Kafka, and the copies beyond the first that reached Kafka (resends, injected duplicates).
     */
    long[] mockCheck(Path ledger) throws Exception {
        Process check = mockJar(List.of("check", "--ledger", ledger.toString())).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(3, TimeUnit.MINUTES)).isTrue();
        long missing = 0;
        long copies = 0;
        int rows = 0;
        for (String line : out.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 5 && (f[0].equals("gmall.log.startup") || f[0].equals("gmall.log.event"))) {
                missing += Long.parseLong(f[3]);
                copies += Long.parseLong(f[4]);
                rows++;
            }
        }
        assertThat(rows).as(out).isEqualTo(2);
        return new long[] {missing, copies};
    }

    /** SIGKILL: the process gets no chance to finish anything. Returns its pid. */
    long kill(String name) throws Exception {
        ProcessHandle victim = stack.running(component(name)).orElseThrow(() -> new AssertionError(name + " is not running"));
        victim.destroyForcibly();
        assertThat(victim.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
        return victim.pid();
    }

    /** {@code ./gmall check} over {@code ledgers}: its report, after asserting it found every store equal to them. */
    String storeCheck(Path ledgers, int waitSeconds) throws Exception {
        ProcessBuilder check = new ProcessBuilder(SparkJvm.jobCommand(ctx, SparkJvm.JobKind.ONE_OFF, "1g", List.of(), "io.gmall.streaming.check.StoreCheck",
                List.of("--ledgers", ledgers.toString(), "--wait", Integer.toString(waitSeconds)))).redirectErrorStream(true)
                .directory(ctx.layout().root().toFile());
        check.environment().putAll(SparkJvm.env(ctx));
        Process judged = check.start();
        String report = new String(judged.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(judged.waitFor(waitSeconds + 120L, TimeUnit.SECONDS)).isTrue();
        System.out.println(report);
        assertThat(judged.exitValue()).as(report).isZero();
        assertThat(report).contains("every store figure agrees with the ledgers").contains("bronze_duplicates");
        return report;
    }

    /**
     * Until every component of the stack reports healthy, bounded; whether it did. A stream whose micro-batch was
     * reading from Kafka when Kafka died reports no progress until that batch ends (its fetch times out and the write
     * is retried), which can outlast the health check's limit for a while after everything else is back.
     */
    boolean awaitHealthy(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        boolean healthy = stack.up(List.of()).ok();
        while (!healthy && System.nanoTime() < deadline) {
            Thread.sleep(5000);
            healthy = stack.up(List.of()).ok();
        }
        return healthy;
    }

    /**
     * Until every query of the stream reported progress with no Kafka lag later than {@code after}, bounded: then
     * whatever reached its topics before {@code after} is in the stores.
     */
    void awaitStreamCaughtUp(Instant after, Duration within) throws Exception {
        SparkStreaming stream = new SparkStreaming();
        long deadline = System.nanoTime() + within.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            long since = Duration.between(after, Instant.now()).toSeconds();
            if (since > 0) {
                try {
                    StreamStatus status = stream.status(ctx, Duration.ofSeconds(5));
                    last = status.toString();
                    if (status.caughtUpWithin(since - 1)) {
                        return;
                    }
                } catch (Exception e) {
                    last = e.toString();
                }
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the stream did not catch up within " + within + "; last /status:\n" + last);
    }

    static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
