package io.gmall.reconcile;

import io.gmall.streaming.StreamingApp;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.store.EsDocumentIndex;
import io.gmall.streaming.store.HbaseRowStore;
import io.gmall.streaming.store.RedisStateStore;
import io.gmall.streaming.time.BusinessTime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./gmall reconcile --date D [--dry-run] [--force]}; with spark-submit, the class of gmall-reconcile.jar. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Recompute a business day from the Delta lake, compare it with HBase and Elasticsearch, and correct what differs.")
public final class ReconcileMain implements Callable<Integer> {

    @Option(names = "--date", required = true, description = "the business day, yyyy-MM-dd (in the configured business zone)")
    private String date;

    @Option(names = "--dry-run", description = "compute and report the differences; write nothing")
    private boolean dryRun;

    @Option(names = "--force", description = "run for a day that has not ended plus the grace period (its data may still arrive)")
    private boolean force;

    @Option(names = "--config", description = "a properties file overriding the defaults (the streaming application's keys)")
    private Path configFile;

    @Option(names = "--step", defaultValue = "all", description = "one task of the nightly graph: ${COMPLETION-CANDIDATES} "
            + "(default ${DEFAULT-VALUE}: every metric and its report, then compact and vacuum)")
    private Step step;

    @Option(names = "--run-id", description = "the run id the audit records (default: a fresh one); the tasks of one nightly run share it")
    private String runId;

    /** Exit status of {@code --step wait-bronze} while bronze is behind Kafka: try again later (sysexits' EX_TEMPFAIL). */
    public static final int NOT_YET = 75;

    /** The tasks of the nightly graph (orchestration/nightly.json names them by these values). */
    enum Step {
        all, wait_bronze, dau, gmv, alerts, sale, report, compact, vacuum;

        @Override
        public String toString() {
            return name().replace('_', '-');
        }
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new ReconcileMain()).setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(Step.class, v -> Step.valueOf(v.replace('-', '_')));
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        StreamingConfig config = StreamingConfig.load(configFile, System.getenv(), System.getProperties());
        Clock clock = Clock.systemUTC();
        String refusal = refusal(date, config, clock, force);
        if (refusal != null && step == Step.wait_bronze && malformed(date) == null) {
            // A run that fires before the day's data can be complete waits, as it would for bronze.
            System.out.println("not yet: " + refusal);
            return NOT_YET;
        }
        if (refusal != null) {
            System.err.println("reconcile: " + refusal);
            return 2;
        }
        if (step == Step.report && runId == null) {
            System.err.println("reconcile: --step report publishes one run's report: give its --run-id");
            return 2;
        }
        if (step == Step.wait_bronze) {
            Instant ready = ready(LocalDate.parse(date), config);
            Instant cut = clock.instant().isBefore(ready) ? clock.instant() : ready;
            BronzeCompleteness.Gap gap = BronzeCompleteness.check(config, cut);
            if (!gap.complete()) {
                System.out.println("bronze is behind what reached Kafka before " + cut + " (records per topic): " + gap.behindByTopic());
                return NOT_YET;
            }
            System.out.println("bronze holds every record that reached Kafka before " + cut + ": " + date + " is complete");
            return 0;
        }
        SparkSession spark = StreamingApp.session("gmall-reconcile " + step + " " + date);
        try (HbaseRowStore hbase = new HbaseRowStore(config.hbaseQuorum, config.hbasePort, config.hbaseNamespace);
             RedisStateStore redis = new RedisStateStore(config.redisUrl, "")) {
            List<Reconcile.Metric> metrics = switch (step) {
                case all -> Reconcile.Metric.ALL;
                case dau -> List.of(Reconcile.Metric.DAU);
                case gmv -> List.of(Reconcile.Metric.GMV);
                case alerts -> List.of(Reconcile.Metric.ALERTS);
                case sale -> List.of(Reconcile.Metric.SALE);
                default -> List.of();
            };
            if (!metrics.isEmpty()) {
                long started = System.nanoTime();
                Reconcile reconcile = new Reconcile(spark, config, hbase, new HbaseSparkRows(spark, config), new EsDocumentIndex(config.esUrl), redis, Clock.systemUTC());
                Reconcile.Outcome outcome = reconcile.run(date, metrics, runId != null ? runId : UUID.randomUUID().toString(), dryRun);
                System.out.print(Report.of(outcome));
                System.out.printf(Locale.ROOT, "recomputed and compared in %.1f s%n", seconds(started));
                if (step == Step.all && !dryRun) {
                    System.out.println("published " + new RunReport(spark, config).publish(outcome));
                }
            }
            if (step == Step.report) {
                return report(spark, config);
            }
            Maintenance maintenance = new Maintenance(spark, config);
            if (!dryRun && (step == Step.all || step == Step.compact)) {
                long started = System.nanoTime();
                int compacted = maintenance.compact(date).size();
                System.out.printf(Locale.ROOT, "compacted %s in %d bronze tables in %.1f s%n", date, compacted, seconds(started));
            }
            if (!dryRun && (step == Step.all || step == Step.vacuum)) {
                long started = System.nanoTime();
                int vacuumed = maintenance.vacuum().size();
                System.out.printf(Locale.ROOT, "vacuumed %d tables (retention %d h) in %.1f s%n", vacuumed, config.vacuumRetention.toHours(), seconds(started));
            }
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** Publishes the run's report when every metric task recorded its part, else fails naming those that did not. */
    private int report(SparkSession spark, StreamingConfig config) throws java.io.IOException {
        RunReport report = new RunReport(spark, config);
        RunReport.Gathered run = report.gather(date, runId);
        System.out.print(Report.of(run.outcome()));
        if (!run.missing().isEmpty()) {
            System.err.println("reconcile: run " + runId + " of " + date + " has no audit of " + run.missing()
                    + ": their tasks did not complete under this run id; run them, then the report");
            return 1;
        }
        if (!dryRun) {
            System.out.println("published " + report.publish(run.outcome()));
        }
        return 0;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** Why {@code date} is no day, or null. */
    private static String malformed(String date) {
        try {
            LocalDate.parse(date);
            return null;
        } catch (DateTimeParseException e) {
            return "--date must be a day as yyyy-MM-dd, not '" + date + "'";
        }
    }

    /** When {@code day}'s data is complete: the day's end in the business zone plus the grace period for late records. */
    static Instant ready(LocalDate day, StreamingConfig config) {
        return Instant.ofEpochMilli(new BusinessTime(config.businessZone).hourBounds(day.toString())[24]).plus(config.reconcileGrace);
    }

    /** Why a run for {@code date} must not go ahead, or null: not a date, or a day whose data may still be arriving. */
    static String refusal(String date, StreamingConfig config, Clock clock, boolean force) {
        String malformed = malformed(date);
        if (malformed != null) {
            return malformed;
        }
        LocalDate day = LocalDate.parse(date);
        Instant ready = ready(day, config);
        if (!force && clock.instant().isBefore(ready)) {
            return day + " (" + config.businessZone + ") has not ended plus the grace period of " + config.reconcileGrace.toMinutes()
                    + " min: late data may still arrive until " + ready + ". Run it after that, or pass --force.";
        }
        return null;
    }
}
