package io.gmall.reconcile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gmall.streaming.CdcRows;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.alerts.CouponAbuseRule;
import io.gmall.streaming.dau.DauWriter;
import io.gmall.streaming.gmv.GmvWriter;
import io.gmall.streaming.sale.SaleRow;
import io.gmall.streaming.store.DocumentIndex;
import io.gmall.streaming.store.RowStore;
import io.gmall.streaming.store.StateStore;
import io.gmall.streaming.time.BusinessTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One business day recomputed from the lake and set against the realtime stores: silver and gold written for
 * the day; each hourly row of HBase compared cell by cell with its recomputed row and, where any cell differs,
 * replaced by it (an absolute put) and the stream's Redis state of the day restated to match, so its next batch of the
 * day recounts from the corrected state; the day's alert and sale-detail documents compared by id and content, the
 * missing or wrong ones written (the late joins backfilled) and the ones that should not exist deleted. A second run finds nothing to do. Every metric and
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
    private final RowReader reader;
    private final DocumentIndex index;
    private final StateStore state;
    private final BusinessTime time;
    private final Clock clock;
    private final Silver silver;
    private final Gold gold;
    private final Audit audit;

    /** {@code rows} takes the corrections of HBase; {@code reader} reads what it holds (through hbase-spark on the stack). */
    public Reconcile(SparkSession spark, StreamingConfig config, RowStore rows, RowReader reader, DocumentIndex index, StateStore state,
            Clock clock) {
        this.spark = spark;
        this.config = config;
        this.rows = rows;
        this.reader = reader;
        this.index = index;
        this.state = state;
        this.time = new BusinessTime(config.businessZone);
        this.clock = clock;
        this.silver = new Silver(spark, config);
        this.gold = new Gold(silver, config);
        this.audit = new Audit(spark, config, index);
    }

    /** The metrics a run can reconcile, each a task of the nightly graph: independent of one another. */
    public enum Metric {
        DAU, GMV, ALERTS, SALE;

        public static final List<Metric> ALL = List.of(values());

        /** The realtime table (HBase) or index (Elasticsearch) the metric corrects, and its audit rows name. */
        public String table(StreamingConfig config) {
            return switch (this) {
                case DAU -> DauWriter.HOURLY_TABLE;
                case GMV -> GmvWriter.HOURLY_TABLE;
                case ALERTS -> config.alertIndex;
                case SALE -> config.saleIndex;
            };
        }
    }

    /** Reconciles every metric of {@code dt} under a fresh run id. */
    public Outcome run(String dt, boolean dryRun) throws JsonProcessingException {
        return run(dt, Metric.ALL, UUID.randomUUID().toString(), dryRun);
    }

    /** Reconciles {@code metrics} of {@code dt}; the tasks of one nightly run share its {@code runId} in the audit. */
    public Outcome run(String dt, List<Metric> metrics, String runId, boolean dryRun) throws JsonProcessingException {
        long runAt = clock.millis();
        List<TableOutcome> tables = new ArrayList<>();
        for (Metric m : metrics) {
            tables.add(switch (m) {
                case DAU -> dau(dt, dryRun);
                case GMV -> gmv(dt, dryRun);
                case ALERTS -> alerts(dt, dryRun);
                case SALE -> sale(dt, dryRun);
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
        return settle(Metric.DAU.table(config), dt, DAU_METRICS, dau.hourlyRow(), dryRun, () -> {
            Map<String, Long> firstVisits = new HashMap<>();
            Map<String, Long> firstEver = new HashMap<>();
            for (Row v : dau.firstVisits().select("mid", "ts", "first_ever").collectAsList()) {
                firstVisits.put(v.getString(0), v.getLong(1));
                firstEver.put(v.getString(0), v.getLong(2));
            }
            DauWriter.restate(state, dt, firstVisits, firstEver, config.stateRetention);
        });
    }

    private TableOutcome gmv(String dt, boolean dryRun) {
        Dataset<Row> orderState = silver.state(config.orderTopic, CdcRows.ORDER_INFO).persist();
        Gold.Gmv gmv = gold.gmv(dt, orderState);
        if (!dryRun) {
            Lake.replaceAll(orderState, path("silver", "order_info"));
            Lake.replaceDay(gmv.orders(), path("gold", "gmv_order"), dt);
            Lake.replaceDay(gmv.hourly(), path("gold", "gmv_hourly"), dt);
        }
        return settle(Metric.GMV.table(config), dt, GMV_METRICS, gmv.hourlyRow(), dryRun, () -> {
            Map<String, Map<String, String>> amounts = new HashMap<>();
            for (Row o : gmv.orders().select(col("id").cast("string"), col(BusinessTime.HOUR), col("total_amount")).collectAsList()) {
                amounts.computeIfAbsent(o.getString(1), h -> new HashMap<>()).put(o.getString(0), o.getDecimal(2).toPlainString());
            }
            GmvWriter.restate(state, dt, amounts, config.stateRetention);
        });
    }

    /**
     * Whether the stream still keeps day {@code dt}'s state in Redis (its retention), so that a correction of the HBase
     * row must correct that state too: a later batch of the day recounts from it. An older day's state is gone and
     * the stream leaves the day alone.
     */
    private boolean stateKept(String dt) {
        return time.hourBounds(dt)[24] > clock.millis() - config.stateRetention.toMillis();
    }

    private TableOutcome alerts(String dt, boolean dryRun) {
        Dataset<Row> events = silver.logs(config.eventTopic, dt, gold.alertsReach(dt)).persist();
        Dataset<Row> alerts = gold.alerts(dt, events).persist();
        if (!dryRun) {
            Lake.replaceDay(events.filter(col(BusinessTime.DT).equalTo(dt)), path("silver", "event"), dt);
            Lake.replaceDay(alerts, path("gold", "coupon_alert"), dt);
        }
        return settleAlerts(dt, alerts, dryRun);
    }

    /**
     * Compares a realtime hourly row with its recomputed row and, unless dry, replaces it when any cell differs, after
     * {@code restateStream} has corrected the stream's Redis state of the day (when the stream still keeps it). That
     * order makes a crash between the two harmless: the row still differs, so a re-run restates again (absolute) and
     * replaces it. The other order would leave a corrected row over stale state, which a re-run finds nothing wrong
     * with and the stream's next batch of the day recounts from.
     */
    private TableOutcome settle(String table, String dt, List<HourlyComparison.Metric> metrics, Map<String, String> recomputed,
                                boolean dryRun, Runnable restateStream) {
        Map<String, String> realtime = reader.row(table, "m", HourlyComparison.cells(metrics), dt);
        List<HourlyComparison.Line> lines = HourlyComparison.compare(metrics, realtime, recomputed);
        boolean correct = !dryRun && lines.stream().anyMatch(HourlyComparison.Line::differs);
        if (correct) {
            if (stateKept(dt)) {
                restateStream.run();
            }
            rows.put(table, "m", Map.of(dt, recomputed));
        }
        return new TableOutcome(table, lines, correct);
    }

    /**
     * The sale detail of the orders of {@code dt}: the documents the stream never joined (an order or detail past the
     * join's TTL, a stream that was down) are backfilled, wrong ones rewritten, those of deleted details removed.
     */
    private TableOutcome sale(String dt, boolean dryRun) throws JsonProcessingException {
        Dataset<Row> orders = gold.orders(dt, silver.state(config.orderTopic, CdcRows.ORDER_INFO)).persist();
        List<SaleRow> recomputed = gold.sale(orders);
        Dataset<Row> rowsOfDay = spark.createDataFrame(recomputed.stream().map(SaleRow::toRow).toList(), SaleRow.SCHEMA);
        if (!dryRun) {
            Lake.replaceDay(rowsOfDay, path("gold", "sale_detail"), dt);
        }
        List<Row> realtime = index.documents(spark, config.saleIndex)
                .map(docs -> docs.filter(col(BusinessTime.DT).equalTo(dt)).collectAsList())
                .orElse(List.of());
        DocumentComparison.Plan plan = DocumentComparison.plan("sale_detail", SaleDocuments.ofDocuments(realtime, time),
                SaleDocuments.ofRows(recomputed, time));
        boolean correct = !dryRun && (!plan.write().isEmpty() || !plan.delete().isEmpty());
        if (correct) {
            index.index(config.saleIndex, rowsOfDay.filter(col(SaleRow.ID).isin(plan.write().toArray())), SaleRow.ID);
            index.delete(config.saleIndex, plan.delete());
        }
        return new TableOutcome(Metric.SALE.table(config), plan.lines(), correct);
    }

    /** Writes the recomputed alerts that are missing or different in Elasticsearch and deletes those that should not exist. */
    private TableOutcome settleAlerts(String dt, Dataset<Row> recomputed, boolean dryRun) {
        List<Row> realtime = index.documents(spark, config.alertIndex, CouponAbuseRule.ARRAY_FIELDS)
                .map(docs -> docs.filter(col(BusinessTime.DT).equalTo(dt)).collectAsList())
                .orElse(List.of());
        DocumentComparison.Plan plan = DocumentComparison.plan("alerts", AlertDocuments.of(realtime, time),
                AlertDocuments.of(recomputed.collectAsList(), time));
        boolean correct = !dryRun && (!plan.write().isEmpty() || !plan.delete().isEmpty());
        if (correct) {
            // Marked, so a backfilled alert can be told from one the stream raised (Kibana, the audit).
            index.index(config.alertIndex, recomputed.filter(col("alert_id").isin(plan.write().toArray())).withColumn("source", lit("reconcile")),
                    "alert_id");
            index.delete(config.alertIndex, plan.delete());
        }
        return new TableOutcome(Metric.ALERTS.table(config), plan.lines(), correct);
    }

    private String path(String layer, String name) {
        return config.table(layer, name).toString();
    }
}
