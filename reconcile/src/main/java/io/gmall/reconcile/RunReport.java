package io.gmall.reconcile;

import static org.apache.spark.sql.functions.col;

import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.time.BusinessTime;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The nightly graph's report task: the audit rows every metric task of one run appended, gathered from the Delta
 * audit into one report of the day, published as {@code <lake>/reports/reconcile/<D>.txt} (the day's latest run
 * replaces it; every run stays in the audit). A run missing a metric's rows is not reported as complete: the
 * task fails naming the metrics whose task wrote nothing under that run id.
 */
final class RunReport {

    /** What one run recorded: its outcome per table, and the metrics it recorded nothing for. */
    record Gathered(Reconcile.Outcome outcome, List<Reconcile.Metric> missing) {
    }

    private final SparkSession spark;
    private final StreamingConfig config;

    RunReport(SparkSession spark, StreamingConfig config) {
        this.spark = spark;
        this.config = config;
    }

    Gathered gather(String dt, String runId) {
        Map<String, List<HourlyComparison.Line>> lines = new LinkedHashMap<>();
        Map<String, Boolean> corrected = new LinkedHashMap<>();
        String audit = Audit.path(config);
        if (Files.isDirectory(Path.of(audit))) {
            List<Row> rows = spark.read().format("delta").load(audit)
                    .filter(col(BusinessTime.DT).equalTo(dt).and(col("run_id").equalTo(runId)))
                    .select("table", "metric", BusinessTime.HOUR, "realtime", "recomputed", "mismatched", "corrected")
                    .orderBy("table", "metric", BusinessTime.HOUR).collectAsList();
            for (Row r : rows) {
                lines.computeIfAbsent(r.getString(0), t -> new ArrayList<>()).add(new HourlyComparison.Line(r.getString(1), r.getString(2),
                        r.isNullAt(3) ? null : new BigDecimal(r.getString(3)), new BigDecimal(r.getString(4)), r.getLong(5)));
                corrected.merge(r.getString(0), r.getBoolean(6), Boolean::logicalOr);
            }
        }
        List<Reconcile.TableOutcome> tables = new ArrayList<>();
        List<Reconcile.Metric> missing = new ArrayList<>();
        for (Reconcile.Metric metric : Reconcile.Metric.ALL) {
            String table = metric.table(config);
            if (lines.containsKey(table)) {
                tables.add(new Reconcile.TableOutcome(table, lines.get(table), corrected.get(table)));
            } else {
                missing.add(metric);
            }
        }
        return new Gathered(new Reconcile.Outcome(runId, dt, false, tables), missing);
    }

    /** Writes the report of {@code outcome} where the day's report is read, replacing an earlier run's in one move. */
    Path publish(Reconcile.Outcome outcome) throws IOException {
        Path dir = config.table("reports", "reconcile");
        Files.createDirectories(dir);
        Path report = dir.resolve(outcome.dt() + ".txt");
        Path partial = Files.createTempFile(dir, "." + outcome.dt(), ".tmp");
        Files.writeString(partial, Report.of(outcome), StandardCharsets.UTF_8);
        return Files.move(partial, report, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
