package io.gmall.reconcile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.gmall.streaming.CdcRows;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.dau.DauWriter;
import io.gmall.streaming.gmv.GmvWriter;
import io.gmall.streaming.alerts.CouponAbuseRule;
import io.gmall.streaming.store.DocumentIndex;
import io.gmall.streaming.store.RowStore;
import io.gmall.streaming.time.BusinessTime;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One business day recomputed from the lake and set against the realtime stores: silver and gold written for
 * the day; each hourly row of HBase compared cell by cell with its recomputed row and, where any cell differs,
 * replaced by it (an absolute put); the day's alert documents compared by id and content, the missing or wrong
 * ones written and the ones that should not exist deleted. A second run finds nothing to do. Every metric and
 * hour goes to the audit. A dry run computes and reports the same, and writes nothing.
 */
public final class Reconcile {

    static final List<HourlyComparison.Metric> DAU_METRICS = List.of(
            new HourlyComparison.Metric("dau", "dau_"), new HourlyComparison.Metric("new_mid", "new_"));
    static final List<HourlyComparison.Metric> GMV_METRICS = List.of(
            new HourlyComparison.Metric("order_count", "count_"), new HourlyComparison.Metric("order_amount", "amount_"));

    /** What a run found in one realtime table and whether it corrected it. */
    public record TableOutcome(String table, List<HourlyComparison.Line> lines, boolean corrected) {
        public long differing() {
            return lines.stream().filter(HourlyComparison.Line::differs).count();
        }
    }

    public record Outcome(String runId, String dt, boolean dryRun, List<TableOutcome> tables) {
        public long differing() {
            return tables.stream().mapToLong(TableOutcome::differing).sum();
        }
    }

    private final SparkSession spark;
    private final StreamingConfig config;
    private final RowStore rows;
    private final DocumentIndex index;
    private final BusinessTime time;
    private final Clock clock;
    private final Silver silver;
    private final Gold gold;
    private final Audit audit;

    public Reconcile(SparkSession spark, StreamingConfig config, RowStore rows, DocumentIndex index, Clock clock) {
        this.spark = spark;
        this.config = config;
        this.rows = rows;
        this.index = index;
        this.time = new BusinessTime(config.businessZone);
        this.clock = clock;
        this.silver = new Silver(spark, config);
        this.gold = new Gold(silver, config);
        this.audit = new Audit(spark, config);
    }

    /** The metrics a run can reconcile, each a task of the nightly graph: independent of one another. */
    public enum Metric {
        DAU, GMV, ALERTS;

        public static final List<Metric> ALL = List.of(values());
    }

    /** Reconciles every metric of {@code dt} under a fresh run id. */
    public Outcome run(String dt, boolean dryRun) {
        return run(dt, Metric.ALL, UUID.randomUUID().toString(), dryRun);
    }

    /** Reconciles {@code metrics} of {@code dt}; the tasks of one nightly run share its {@code runId} in the audit. */
    public Outcome run(String dt, List<Metric> metrics, String runId, boolean dryRun) {
        long runAt = clock.millis();
        List<TableOutcome> tables = new ArrayList<>();
        for (Metric m : metrics) {
            tables.add(switch (m) {
                case DAU -> dau(dt, dryRun);
                case GMV -> gmv(dt, dryRun);
                case ALERTS -> alerts(dt, dryRun);
            });
            spark.sqlContext().clearCache();
        }
        if (!dryRun) {
            List<Row> auditRows = new ArrayList<>();
            for (TableOutcome t : tables) {
                auditRows.addAll(Audit.rows(runId, runAt, dt, t.table(), t.lines(), t.corrected()));
            }
            audit.append(auditRows);
        }
        return new Outcome(runId, dt, dryRun, tables);
    }

    private TableOutcome dau(String dt, boolean dryRun) {
        Dataset<Row> startups = silver.logs(config.startupTopic, dt).persist();
        Gold.Dau dau = gold.dau(dt, startups);
        if (!dryRun) {
            Lake.replaceDay(startups, path("silver", "startup"), dt);
            Lake.replaceDay(dau.firstVisits(), path("gold", "dau_first_visit"), dt);
            Lake.replaceDay(dau.hourly(), path("gold", "dau_hourly"), dt);
        }
        return settle(DauWriter.HOURLY_TABLE, dt, DAU_METRICS, dau.hourlyRow(), dryRun);
    }

    private TableOutcome gmv(String dt, boolean dryRun) {
        Dataset<Row> orderState = silver.state(config.orderTopic, CdcRows.ORDER_INFO).persist();
        Gold.Gmv gmv = gold.gmv(dt, orderState);
        if (!dryRun) {
            Lake.replaceAll(orderState, path("silver", "order_info"));
            Lake.replaceDay(gmv.orders(), path("gold", "gmv_order"), dt);
            Lake.replaceDay(gmv.hourly(), path("gold", "gmv_hourly"), dt);
        }
        return settle(GmvWriter.HOURLY_TABLE, dt, GMV_METRICS, gmv.hourlyRow(), dryRun);
    }

    private TableOutcome alerts(String dt, boolean dryRun) {
        Dataset<Row> events = silver.logs(config.eventTopic, List.of(LocalDate.parse(dt).minusDays(1).toString(), dt)).persist();
        Dataset<Row> alerts = gold.alerts(dt, events).persist();
        if (!dryRun) {
            Lake.replaceDay(events.filter(col(BusinessTime.DT).equalTo(dt)), path("silver", "event"), dt);
            Lake.replaceDay(alerts, path("gold", "coupon_alert"), dt);
        }
        return settleAlerts(dt, alerts, dryRun);
    }

    /** Compares a realtime hourly row with its recomputed row and, unless dry, replaces it when any cell differs. */
    private TableOutcome settle(String table, String dt, List<HourlyComparison.Metric> metrics, Map<String, String> recomputed, boolean dryRun) {
        Map<String, String> realtime = rows.get(table, "m", dt);
        List<HourlyComparison.Line> lines = HourlyComparison.compare(metrics, realtime, recomputed);
        boolean correct = !dryRun && lines.stream().anyMatch(HourlyComparison.Line::differs);
        if (correct) {
            rows.put(table, "m", Map.of(dt, recomputed));
        }
        return new TableOutcome(table, lines, correct);
    }

    /** Writes the recomputed alerts that are missing or different in Elasticsearch and deletes those that should not exist. */
    private TableOutcome settleAlerts(String dt, Dataset<Row> recomputed, boolean dryRun) {
        List<Row> realtime = index.documents(spark, config.alertIndex, CouponAbuseRule.ARRAY_FIELDS)
                .map(docs -> docs.filter(col(BusinessTime.DT).equalTo(dt)).collectAsList())
                .orElse(List.of());
        AlertDocuments.Plan plan = AlertDocuments.plan(realtime, recomputed.collectAsList(), time);
        boolean correct = !dryRun && (!plan.write().isEmpty() || !plan.delete().isEmpty());
        if (correct) {
            // Marked, so a backfilled alert can be told from one the stream raised (Kibana, the audit).
            index.index(config.alertIndex, recomputed.filter(col("alert_id").isin(plan.write().toArray())).withColumn("source", lit("reconcile")),
                    "alert_id");
            index.delete(config.alertIndex, plan.delete());
        }
        return new TableOutcome(config.alertIndex, plan.lines(), correct);
    }

    private String path(String layer, String name) {
        return config.table(layer, name).toString();
    }
}
