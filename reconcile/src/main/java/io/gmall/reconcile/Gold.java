package io.gmall.reconcile;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_millis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.streaming.CdcRows;
import io.gmall.streaming.LogRows;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.alerts.CouponAbuseRule;
import io.gmall.streaming.dau.DauQuery;
import io.gmall.streaming.dau.DauWriter;
import io.gmall.streaming.gmv.GmvWriter;
import io.gmall.streaming.sale.SaleJoiner;
import io.gmall.streaming.sale.SaleRow;
import io.gmall.streaming.time.BusinessTime;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A business day's metrics recomputed from silver with the streaming queries' own definitions: the same first
 * visit per device ({@link DauQuery#firstVisitsOf}) and the same HBase row layouts ({@link DauWriter#hourlyRow},
 * {@link GmvWriter#hourlyRow}), so a difference is a difference in data, never in definition.
 */
public final class Gold {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A day's first visits, their counts per hour ({@code dt, hh, dau, new_mid}) and the {@code gmall:dau_hourly} row they give. */
    public record Dau(Dataset<Row> firstVisits, Dataset<Row> hourly, Map<String, String> hourlyRow) {
    }

    /** A day's orders, their counts and amounts per hour ({@code dt, hh, order_count, order_amount}) and the {@code gmall:gmv_hourly} row. */
    public record Gmv(Dataset<Row> orders, Dataset<Row> hourly, Map<String, String> hourlyRow) {
    }

    private final Silver silver;
    private final StreamingConfig config;
    private final BusinessTime time;
    private final CouponAbuseRule rule;

    public Gold(Silver silver, StreamingConfig config) {
        this.silver = silver;
        this.config = config;
        this.time = new BusinessTime(config.businessZone);
        this.rule = new CouponAbuseRule(config.alertWindow, config.alertSlide, config.alertMinUsers, time);
    }

    /**
     * The coupon-abuse alerts of the windows that end in {@code dt}, by the stream's own rule over every event of
     * those windows, the late ones the stream's watermark dropped included. {@code events}: silver events of
     * {@code dt} and of the day before from {@link #alertsReach} on (a window ending after midnight began the day before).
     */
    public Dataset<Row> alerts(String dt, Dataset<Row> events) {
        long reach = alertsReach(dt);
        // The rule reads the event time only (it takes an alert's day from its window).
        Dataset<Row> inWindows = events.filter(col("ts").geq(reach)).drop(BusinessTime.DT)
                .withColumn(BusinessTime.EVENT_TIME, timestamp_millis(col("ts")));
        // The rule's sliding windows multiply every event; over a whole day, only the devices that can raise an alert need them.
        Dataset<Row> suspects = rule.suspects(inWindows).withColumnRenamed("mid", "suspect");
        Dataset<Row> ofSuspects = inWindows.join(suspects, inWindows.col("mid").equalTo(suspects.col("suspect")), "left_semi");
        return rule.alerts(ofSuspects).filter(col(BusinessTime.DT).equalTo(dt));
    }

    /** The earliest event time the alerts of {@code dt} depend on: the start of the first window ending in the day. */
    public long alertsReach(String dt) {
        return time.hourBounds(dt)[0] - config.alertWindow.toMillis();
    }

    /**
     * Each device's first visit of {@code dt} from the day's silver startups, {@code is_new} when the device has no
     * startup on any earlier day (a startup's day is its own time's, so no later day can hold an earlier one), and
     * {@code first_ever}, its earliest startup on any day.
     */
    public Dau dau(String dt, Dataset<Row> startups) {
        Dataset<Row> seenBefore = LogRows.parse(silver.bronze(config.startupTopic).filter(col(BusinessTime.DT).lt(dt)))
                .groupBy("mid").agg(min("ts").as("first_before"));
        Dataset<Row> visits = DauQuery.firstVisitsOf(startups)
                .join(seenBefore, "mid", "left")
                .withColumn("is_new", col("first_before").isNull())
                .withColumn("first_ever", coalesce(col("first_before"), col("ts"))).drop("first_before")
                .withColumn(BusinessTime.HOUR, time.hourOf(col("ts")))
                .persist();
        Dataset<Row> hourly = visits.groupBy(BusinessTime.DT, BusinessTime.HOUR)
                .agg(count(lit(1)).as("dau"), sum(col("is_new").cast("long")).as("new_mid"))
                .persist();
        long[] active = new long[24];
        long[] fresh = new long[24];
        for (Row r : hourly.collectAsList()) {
            int h = BusinessTime.HOURS.indexOf(r.<String>getAs(BusinessTime.HOUR));
            active[h] = r.getAs("dau");
            fresh[h] = r.getAs("new_mid");
        }
        return new Dau(visits, hourly, DauWriter.hourlyRow(active, fresh));
    }

    /**
     * The sale-detail documents of the orders created in {@code dt}: every detail of each order (their latest state)
     * joined with the order and the user version in effect at the order's creation, built by the stream's own
     * {@link SaleJoiner#rowsOf} from the user's whole CDC history (a delete starts the history over, as in the stream).
     * {@code orders}: the day's {@link #orders}.
     */
    public List<SaleRow> sale(Dataset<Row> orders) throws JsonProcessingException {
        Dataset<Row> details = silver.state(config.detailTopic, CdcRows.ORDER_DETAIL)
                .join(orders.select(col("id").as("order_id")), "order_id");
        Map<String, List<String>> linesByOrder = new HashMap<>();
        for (Row d : details.collectAsList()) {
            linesByOrder.computeIfAbsent(String.valueOf(d.<Long>getAs("order_id")), k -> new ArrayList<>()).add(SaleJoiner.json(CdcRows.values(d)));
        }
        Dataset<Row> userChanges = silver.changes(config.userTopic, CdcRows.USER_INFO)
                .join(orders.select(col("user_id").as("key")).distinct(), "key")
                .orderBy("binlog_file", "binlog_position", "partition", "offset");
        Map<String, Map<String, Long>> versionsByUser = new HashMap<>();
        for (Row c : userChanges.collectAsList()) {
            Map<String, Long> versions = versionsByUser.computeIfAbsent(String.valueOf(c.<Long>getAs("key")), k -> new HashMap<>());
            Map<String, Object> after = CdcRows.values(c.getAs("after"));
            if (after == null) {
                versions.clear();
            } else {
                SaleJoiner.addVersions(versions, new SaleJoiner.Change(String.valueOf(c.<Long>getAs("key")), CdcRows.values(c.getAs("before")), after),
                        config.sourceZone);
            }
        }
        List<SaleRow> rows = new ArrayList<>();
        for (Row o : orders.collectAsList()) {
            List<String> lines = linesByOrder.get(String.valueOf(o.<Long>getAs("id")));
            if (lines == null) {
                continue;
            }
            long created = o.getAs("created_ms");
            String user = versionAt(versionsByUser.getOrDefault(String.valueOf(o.<Long>getAs("user_id")), Map.of()), created);
            rows.addAll(SaleJoiner.rowsOf(JSON.readTree(SaleJoiner.json(CdcRows.values(o))), created, user, lines, time, config.businessZone));
        }
        return rows;
    }

    /** The version in effect at {@code at}: the latest that took effect by then, else the earliest known (as the stream's store). */
    private static String versionAt(Map<String, Long> versions, long at) {
        Comparator<Map.Entry<String, Long>> order = Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey());
        return versions.entrySet().stream().filter(e -> e.getValue() <= at).max(order)
                .or(() -> versions.entrySet().stream().min(order)).map(Map.Entry::getKey).orElse(null);
    }

    /** The orders created in {@code dt} (business zone), at their latest state, with {@code created_ms}, the day and the hour. */
    public Dataset<Row> orders(String dt, Dataset<Row> orderState) {
        return orderState
                .withColumn("created_ms", CdcRows.epochMillisOf(col("create_time"), config.sourceZone))
                .withColumn(BusinessTime.DT, time.dayOf(col("created_ms")))
                .filter(col(BusinessTime.DT).equalTo(dt))
                .withColumn(BusinessTime.HOUR, time.hourOf(col("created_ms")));
    }

    /** The {@link #orders} of {@code dt} and their counts and amounts per hour. */
    public Gmv gmv(String dt, Dataset<Row> orderState) {
        Dataset<Row> orders = orders(dt, orderState).persist();
        long[] counts = new long[24];
        BigDecimal[] amounts = new BigDecimal[24];
        Arrays.fill(amounts, BigDecimal.ZERO);
        Dataset<Row> hourly = orders.groupBy(BusinessTime.DT, BusinessTime.HOUR)
                .agg(count(lit(1)).as("order_count"), sum("total_amount").as("order_amount"))
                .persist();
        for (Row r : hourly.collectAsList()) {
            int h = BusinessTime.HOURS.indexOf(r.<String>getAs(BusinessTime.HOUR));
            counts[h] = r.getAs("order_count");
            amounts[h] = r.getAs("order_amount");
        }
        return new Gmv(orders, hourly, GmvWriter.hourlyRow(counts, amounts));
    }
}
