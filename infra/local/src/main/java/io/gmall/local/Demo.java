package io.gmall.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gmall demo}: the stack up (stream and API included), a mock run across the end of a simulated
 * business day on a clean stack (so the dashboard's "yesterday" and "today" both have data), then the API's answers compared
 * with the ledgers of every mock run since the last clean, and the dashboard's address.
 */
@Command(name = "demo",
        description = "Starts the stack, runs the mock, waits for the stream and compares the API's answers with the ledgers.")
public final class Demo implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * How far past the run its closing event goes: the stream's alert window (5 min), its watermark (2 min)
     * and a slide (1 min), so every alert window of the run closes and is judged.
     */
    private static final int CLOSE_WINDOWS_MINUTES = 8;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    @Option(names = "--minutes", defaultValue = "3", description = "minutes the mock runs (default ${DEFAULT-VALUE})")
    int minutes;

    @Option(names = "--clock", description = "the mock's simulated start, a local time in the business zone "
            + "(default: half the run before today's midnight, so the run crosses into today, or just after the earlier runs' latest time)")
    String clock;

    @Option(names = "--wait", defaultValue = "240", description = "seconds to wait for the stream to catch up (default ${DEFAULT-VALUE})")
    int waitSeconds;

    @Override
    public Integer call() throws Exception {
        if (minutes < 1 || minutes > 120) {
            throw new IllegalArgumentException("--minutes takes 1 to 120, not " + minutes);
        }
        if (waitSeconds < 0) {
            throw new IllegalArgumentException("--wait takes 0 or more seconds, not " + waitSeconds);
        }
        Layout layout = Launcher.layout();
        Launcher.lockStack(layout);
        Stack stack = Launcher.stack();
        Stack.UpResult up = stack.up(List.of());
        if (!up.ok()) {
            System.out.println("stack NOT up: " + String.join(", ", up.failures().keySet()) + " failed; see ./gmall status");
            return 1;
        }
        LocalConfig config = LocalConfig.load(layout.configFile(), System.getenv());
        Context ctx = new Context(layout, config, System.out, Context.runningAsRoot());
        ZoneId zone = ZoneId.of(config.get("business.zone"));
        String start = clock != null ? clock : defaultStart(layout.var().resolve("mock"), zone).format(LOCAL);
        System.out.println("demo: the mock runs " + minutes + " min from simulated " + start + " (" + zone + ")");
        List<String> mock = new ArrayList<>(ctx.jvm("512m"));
        mock.addAll(List.of("-Dgmall.root=" + layout.root(), "-jar", layout.root().resolve("ingestion/mock/target/gmall-mock.jar").toString(),
                "--minutes", Integer.toString(minutes), "--clock", start, "--zone", zone.getId(),
                "--close-windows-minutes", Integer.toString(CLOSE_WINDOWS_MINUTES)));
        if (run(mock, ctx) != 0) {
            System.out.println("demo: the mock run failed");
            return 1;
        }
        String api = config.url("serving", "");
        System.out.println("demo: waiting for the stream, then comparing the API's answers with the ledgers");
        int verdict = run(SparkJvm.jobCommand(ctx, SparkJvm.JobKind.ONE_OFF, "1g", List.of(), "io.gmall.streaming.check.ApiCheck",
                List.of("--wait", Integer.toString(waitSeconds), "--api", api)), ctx);
        LocalDateTime end = LocalDateTime.parse(start, LOCAL).plusMinutes(minutes);
        System.out.println("dashboard: " + api + "/?date=" + end.toLocalDate());
        return verdict == 0 ? 0 : 1;
    }

    /**
     * Half the run before today's midnight, so it crosses into today; but never before what earlier runs since
     * the last clean already simulated: simulated time only moves forward, as real time does, so a second demo
     * is not judged behind the stream's watermark nor against user versions of a later time.
     */
    LocalDateTime defaultStart(Path ledgers, ZoneId zone) throws IOException {
        LocalDateTime acrossMidnight = LocalDate.now(zone).atStartOfDay().minus(Duration.ofSeconds(minutes * 30L));
        long latest = Long.MIN_VALUE;
        if (Files.isDirectory(ledgers)) {
            try (Stream<Path> files = Files.list(ledgers)) {
                for (Path f : files.filter(p -> p.getFileName().toString().matches("ledger-.+\\.json")).toList()) {
                    latest = Math.max(latest, JSON.readTree(f.toFile()).path("max_event_ts").asLong(Long.MIN_VALUE));
                }
            }
        }
        if (latest == Long.MIN_VALUE) {
            return acrossMidnight;
        }
        LocalDateTime afterEarlierRuns = LocalDateTime.ofInstant(Instant.ofEpochMilli(latest).plusSeconds(1), zone).withNano(0);
        return afterEarlierRuns.isAfter(acrossMidnight) ? afterEarlierRuns : acrossMidnight;
    }

    private static int run(List<String> command, Context ctx) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO().directory(ctx.layout().root().toFile());
        pb.environment().putAll(SparkJvm.env(ctx));
        return pb.start().waitFor();
    }
}
