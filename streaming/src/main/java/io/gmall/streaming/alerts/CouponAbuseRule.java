package io.gmall.streaming.alerts;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.window;

import io.gmall.ingestion.contract.LogFields;
import io.gmall.streaming.time.BusinessTime;
import java.io.Serializable;
import java.time.Duration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The coupon-abuse rule (DESIGN.md), defined once for the stream and the nightly reconcile: in an event-time
 * window of {@code window} sliding by {@code slide}, a device on which at least {@code minUsers} distinct
 * users claimed coupons and which clicked no item raises one alert, identified by the device and the
 * window's end minute (so a replay overwrites it and a device has at most one alert per minute).
 *
 * <p>Input: parsed event logs with {@code event_time} (timestamp); on a stream, watermarked by the caller.
 * Output columns: {@code alert_id, mid, uids, item_ids, events, window_start, window_end, alert_time, dt}
 * (times in epoch ms; {@code alert_time} is the window's end, the moment the rule is decided in event time,
 * so replays write identical documents; {@code dt} the business day in which the window ends).
 */
public final class CouponAbuseRule implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The array fields of an alert document (Elasticsearch does not say which fields are arrays: a reader must). */
    public static final String[] ARRAY_FIELDS = {"uids", "item_ids", "events"};

    /** The fields of an event log the rule reads. */
    public static final String[] FIELDS = {"mid", "uid", "evid", "itemid", "ts"};

    private final Duration window;
    private final Duration slide;
    private final int minUsers;
    private final BusinessTime time;

    public CouponAbuseRule(Duration window, Duration slide, int minUsers, BusinessTime time) {
        this.window = window;
        this.slide = slide;
        this.minUsers = minUsers;
        this.time = time;
    }

    /** The document id of an alert: device and window end (epoch ms of a whole minute), independent of any time zone. */
    public static org.apache.spark.sql.Column alertId(org.apache.spark.sql.Column mid, org.apache.spark.sql.Column windowEndMillis) {
        return concat(mid, lit("|"), windowEndMillis.cast("string"));
    }

    /**
     * The devices that may raise an alert among {@code events}: at least {@code minUsers} distinct users claimed
     * coupons on them within one window, clicks left aside. A necessary condition of {@link #alerts}, decided on the
     * coupon claims alone (a small share of the events), so a batch over a whole day can apply the rule to those
     * devices' events only and get the same alerts. Column: {@code mid}.
     */
    public Dataset<Row> suspects(Dataset<Row> events) {
        return events.filter(col("evid").equalTo(LogFields.EVID_COUPON))
                .groupBy(col("mid"), slidingWindow())
                .agg(countDistinct(col("uid")).as("users"))
                .filter(col("users").geq(minUsers))
                .select("mid").distinct();
    }

    private org.apache.spark.sql.Column slidingWindow() {
        return window(col(BusinessTime.EVENT_TIME), window.toSeconds() + " seconds", slide.toSeconds() + " seconds");
    }

    public Dataset<Row> alerts(Dataset<Row> events) {
        Dataset<Row> windows = events
                .groupBy(col("mid"), slidingWindow())
                .agg(
                        array_sort(collect_set(when(col("evid").equalTo(LogFields.EVID_COUPON), col("uid")))).as("uids"),
                        array_sort(collect_set(when(col("evid").equalTo(LogFields.EVID_COUPON), col("itemid").cast("string")))).as("item_ids"),
                        array_sort(collect_set(col("evid"))).as("events"),
                        max(when(col("evid").equalTo(LogFields.EVID_CLICK_ITEM), lit(1)).otherwise(lit(0))).as("clicked"));
        return windows
                .filter(size(col("uids")).geq(minUsers).and(col("clicked").equalTo(0)))
                .select(
                        col("mid"), col("uids"), col("item_ids"), col("events"),
                        unix_millis(col("window.start")).as("window_start"),
                        unix_millis(col("window.end")).as("window_end"))
                .withColumn("alert_time", col("window_end"))
                .withColumn("dt", time.dayOf(col("window_end").minus(1)))
                .withColumn("alert_id", alertId(col("mid"), col("window_end")))
                .select("alert_id", "mid", "uids", "item_ids", "events", "window_start", "window_end", "alert_time", "dt");
    }
}
