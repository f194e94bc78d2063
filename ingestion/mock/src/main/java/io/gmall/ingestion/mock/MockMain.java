package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.LogJson;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gmall mock}: simulated users on devices send behaviour logs through the collector and buy in
 * MariaDB, while a ledger records the ground truth. Example: {@code ./gmall mock --minutes 2}; replaying
 * yesterday in two minutes: {@code ./gmall mock --clock 2026-11-23T00:00 --speed 720 --minutes 2}.
 */
@Command(name = "gmall mock", mixinStandardHelpOptions = true, sortOptions = false, subcommands = {LedgerCheck.class, LateOrder.class},
        description = "Simulated users: behaviour logs to the collector, orders to MariaDB, a ground-truth ledger.")
public final class MockMain implements Callable<Integer> {

    @Option(names = "--rate", defaultValue = "200", description = "log records per second, on average (default ${DEFAULT-VALUE})")
    double rate;
    @Option(names = "--minutes", description = "run this many wall-clock minutes")
    Double minutes;
    @Option(names = "--seconds", description = "run this many wall-clock seconds")
    Double seconds;
    @Option(names = "--count", description = "send this many log records (instead of a duration)")
    Long count;
    @Option(names = "--users", defaultValue = "500", description = "users 1..N (default ${DEFAULT-VALUE})")
    int users;
    @Option(names = "--first-user", defaultValue = "1", description = "users are <first-user> .. <first-user> + --users - 1 (default ${DEFAULT-VALUE})")
    int firstUser;
    @Option(names = "--devices", defaultValue = "500", description = "devices mid_1..mid_N (default ${DEFAULT-VALUE})")
    int devices;
    @Option(names = "--clock", defaultValue = "now", description = "simulated start: now, an instant (2026-11-23T16:00:00Z) or a local time in --zone (2026-11-24T00:00)")
    String clock;
    @Option(names = "--speed", defaultValue = "1", description = "simulated seconds per real second (default ${DEFAULT-VALUE})")
    double speed;
    @Option(names = "--seed", description = "makes the run's content deterministic (default: random, printed)")
    Long seed;
    @Option(names = "--batch-size", defaultValue = "100", description = "records per request (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--coupon-percent", defaultValue = "10", description = "coupon claims among events, percent (default ${DEFAULT-VALUE})")
    int couponPercent;
    @Option(names = "--device-prefix", defaultValue = "mid_", description = "device names are <prefix><n>: runs with another prefix count other devices (default ${DEFAULT-VALUE})")
    String devicePrefix;
    @Option(names = "--abuse-devices", defaultValue = "2", description = "devices with injected coupon abuse (default ${DEFAULT-VALUE})")
    int abuseDevices;
    @Option(names = "--late", defaultValue = "0.02", description = "fraction of records sent late (default ${DEFAULT-VALUE})")
    double late;
    @Option(names = "--late-max-minutes", defaultValue = "120", description = "how old a late record can be (default ${DEFAULT-VALUE})")
    long lateMaxMinutes;
    @Option(names = "--duplicates", defaultValue = "0.01", description = "fraction of records sent twice (default ${DEFAULT-VALUE})")
    double duplicates;
    @Option(names = "--invalid", defaultValue = "0.01", description = "fraction of extra malformed records (default ${DEFAULT-VALUE})")
    double invalid;
    @Option(names = "--buy-percent", defaultValue = "30", description = "sessions with a cart add that order, percent (default ${DEFAULT-VALUE})")
    int buyPercent;
    @Option(names = "--close-windows-minutes", defaultValue = "0",
            description = "end with one item favourite on device <prefix>closer this many simulated minutes after the run, so the stream's "
                    + "watermark passes the run's alert windows and they can be judged (default ${DEFAULT-VALUE}: none)")
    int closeWindowsMinutes;
    @Option(names = "--zone", defaultValue = "${env:GMALL_BUSINESS_ZONE:-Asia/Shanghai}", description = "business time zone of the ledger (default ${DEFAULT-VALUE})")
    String zone;
    @Option(names = "--stream-metrics", defaultValue = "${env:GMALL_STREAM_METRICS_URL:-}",
            description = "the stream's /metrics, read at start for the alerts watermark the ledger is judged against (default ${DEFAULT-VALUE})")
    String streamMetrics;
    @Option(names = "--collector", defaultValue = "${env:GMALL_COLLECTOR_URL:-http://127.0.0.1:8080/api/v1/logs}", description = "collector URL (default ${DEFAULT-VALUE})")
    URI collector;
    @Option(names = "--jdbc-url", defaultValue = "${env:GMALL_MARIADB_URL:-jdbc:mariadb://127.0.0.1:13306/gmall}")
    String jdbcUrl;
    @Option(names = "--jdbc-user", defaultValue = "${env:GMALL_MARIADB_USER:-gmall}")
    String jdbcUser;
    @Option(names = "--jdbc-password", defaultValue = "${env:GMALL_MARIADB_PASSWORD:-gmall}")
    String jdbcPassword;
    @Option(names = "--ledger-dir", defaultValue = "var/mock", description = "where ledgers go (default ${DEFAULT-VALUE}, under the project root)")
    Path ledgerDir;
    @Option(names = "--no-progress", description = "print a line every 10 s instead of a progress bar")
    boolean noProgress;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MockMain()).execute(args));
    }

    MockConfig config(ZoneId businessZone, long runSeed, Instant now) {
        Duration duration = minutes != null ? Duration.ofMillis((long) (minutes * 60_000)) : seconds != null ? Duration.ofMillis((long) (seconds * 1000)) : null;
        if (minutes != null && seconds != null) {
            throw new IllegalArgumentException("give --minutes or --seconds, not both");
        }
        if (duration == null && count == null) {
            throw new IllegalArgumentException("give a duration (--minutes or --seconds) or --count");
        }
        Instant start = parseClock(clock, businessZone, now);
        MockConfig config = new MockConfig(runSeed, rate, duration, count == null ? 0 : count, users, devices, start, speed, batchSize,
                couponPercent, abuseDevices, late, Duration.ofMinutes(lateMaxMinutes), duplicates, invalid, buyPercent, businessZone, devicePrefix,
                Duration.ofMinutes(closeWindowsMinutes), firstUser);
        Instant lastSimulated = duration == null ? start.plusMillis((long) (count / rate * 1000 * speed))
                : config.simulatedEnd().plus(config.closeWindows());
        if (lastSimulated.isAfter(now.plus(Duration.ofHours(12)))) {
            throw new IllegalArgumentException("the simulated clock would reach " + lastSimulated + ", more than 12 h ahead of now; "
                    + "the collector refuses client times over a day ahead: lower --speed or the duration, or start --clock earlier");
        }
        if (start.isBefore(now.minus(Duration.ofDays(29)).plus(Duration.ofMinutes(lateMaxMinutes)))) {
            throw new IllegalArgumentException("--clock " + clock + " is too far back: the collector refuses client times over 30 days old");
        }
        return config;
    }

    static Instant parseClock(String clock, ZoneId zone, Instant now) {
        if (clock.equals("now")) {
            return now;
        }
        try {
            return Instant.parse(clock);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return LocalDateTime.parse(clock).atZone(zone).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--clock takes now, an instant like 2026-11-23T16:00:00Z or a local time like 2026-11-24T00:00, not " + clock);
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        ZoneId businessZone = ZoneId.of(zone);
        long runSeed = seed != null ? seed : new java.security.SecureRandom().nextLong();
        Instant now = Instant.now();
        MockConfig config;
        try {
            config = config(businessZone, runSeed, now);
        } catch (IllegalArgumentException e) {
            System.err.println("gmall mock: " + e.getMessage());
            return 2;
        }
        String runId = UUID.randomUUID().toString().substring(0, 8);
        Path root = Path.of(System.getProperty("gmall.root", "."));
        Ledger ledger = new Ledger(businessZone);
        Simulation simulation = new Simulation(config, runId);
        long expected = config.count() > 0 ? config.count() : (long) (config.rate() * config.duration().toMillis() / 1000.0);
        System.out.printf("mock run %s: seed %d, %s records/s, start %s, speed %s, collector %s%n", runId, runSeed, rate, config.start(), speed, collector);
        ObjectNode run = LogJson.MAPPER.createObjectNode();
        run.put("id", runId);
        run.put("seed", runSeed);
        run.put("started_at", now.toString());
        run.put("simulated_start", config.start().toString());
        run.put("speed", speed);
        run.put("rate", rate);
        run.put("collector", collector.toString());
        // Absent when the stream could not be asked: the check then falls back to judging lateness by the wall clock.
        StreamWatermark.ofAlerts(streamMetrics).ifPresent(w -> run.put("stream_alert_watermark_at_start", w));
        LedgerWriter writer = new LedgerWriter(ledger, root.resolve(ledgerDir), run, simulation.abuseWindows(), LedgerWriter.EVERY);
        writer.start();
        AtomicLong done = new AtomicLong();
        try (BusinessDb db = new BusinessDb(jdbcUrl, jdbcUser, jdbcPassword); Progress progress = new Progress(expected, !noProgress && System.console() != null, ledger)) {
            new MockRun(config, simulation, collector, db, ledger, System.out, n -> progress.step(done.addAndGet(n))).run();
        } catch (Exception e) {
            writer.finish(LedgerWriter.State.FAILED);
            throw e;
        }
        Path file = writer.finish(LedgerWriter.State.FINISHED);
        long seconds = Duration.between(now, Instant.now()).toSeconds();
        System.out.printf("mock run %s done in %d s: sent %d, accepted %d, rejected %d, failed %d, resends %d, orders %d; ledger %s%n",
                runId, seconds, ledger.counted("sent"), ledger.counted("accepted"), ledger.counted("rejected"), ledger.counted("failed"),
                ledger.counted("resends"), ledger.counted("orders"), root.relativize(file.toAbsolutePath()));
        return ledger.counted("failed") == 0 ? 0 : 1;
    }

    /** A progress bar on a terminal; a line every 10 s otherwise (CI logs). */
    static final class Progress implements AutoCloseable {
        private final ProgressBar bar;
        private final Ledger ledger;
        private final long expected;
        private long lastLine = System.nanoTime();

        Progress(long expected, boolean interactive, Ledger ledger) {
            this.ledger = ledger;
            this.expected = expected;
            this.bar = interactive ? new ProgressBarBuilder().setTaskName("mock").setInitialMax(expected).setUnit(" rec", 1).showSpeed().build() : null;
        }

        synchronized void step(long total) {
            String extra = "accepted " + ledger.counted("accepted") + ", rejected " + ledger.counted("rejected");
            if (bar != null) {
                bar.stepTo(total);
                bar.setExtraMessage(extra);
            } else if (System.nanoTime() - lastLine > 10_000_000_000L) {
                lastLine = System.nanoTime();
                System.out.printf("mock: %d of ~%d records sent, %s%n", total, expected, extra);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
