package io.gmall.streaming.time;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.udf;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Event-time buckets in the business time zone. Every metric is bucketed by the event's own epoch-ms
 * time in one configured zone; Spark's date functions would use the session zone instead, which
 * differs between a laptop, the driver and the executors, so the zone is applied here explicitly.
 */
public final class BusinessTime implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String EVENT_TIME = "event_time";
    public static final String DT = "dt";
    public static final String HOUR = "hh";

    /** The hour labels of a business day, {@code 00}–{@code 23}: the suffixes of the hourly HBase columns. */
    public static final java.util.List<String> HOURS = java.util.stream.IntStream.range(0, 24)
            .mapToObj(h -> h < 10 ? "0" + h : Integer.toString(h)).toList();

    private final String zone;

    public BusinessTime(ZoneId zone) {
        this.zone = zone.getId();
    }

    /** {@code yyyy-MM-dd} of an epoch-ms instant in the business zone. */
    public String day(long epochMillis) {
        return DateTimeFormatter.ISO_LOCAL_DATE.format(Instant.ofEpochMilli(epochMillis).atZone(ZoneId.of(zone)));
    }

    /** {@code 00}–{@code 23}: the hour of an epoch-ms instant in the business zone. */
    public String hour(long epochMillis) {
        return HOURS.get(Instant.ofEpochMilli(epochMillis).atZone(ZoneId.of(zone)).getHour());
    }

    /** The 25 instants (epoch ms) that bound the hours {@code 00}–{@code 23} of a business day; the last is the next day's start. */
    public long[] hourBounds(String day) {
        LocalDate date = LocalDate.parse(day);
        long[] bounds = new long[25];
        for (int h = 0; h < 24; h++) {
            bounds[h] = ZonedDateTime.of(date, LocalTime.of(h, 0), ZoneId.of(zone)).toInstant().toEpochMilli();
        }
        bounds[24] = date.plusDays(1).atStartOfDay(ZoneId.of(zone)).toInstant().toEpochMilli();
        return bounds;
    }

    /** The business day of an epoch-ms column. */
    public Column dayOf(Column epochMillis) {
        return dayFunction().apply(epochMillis);
    }

    /** The business hour ({@code 00}–{@code 23}) of an epoch-ms column. */
    public Column hourOf(Column epochMillis) {
        return hourFunction().apply(epochMillis);
    }

    /**
     * Adds {@code event_time} (timestamp, for watermarks and windows), {@code dt} and {@code hh}
     * (business-zone day and hour) computed from the epoch-ms column {@code tsColumn}.
     */
    public Dataset<Row> withBuckets(Dataset<Row> events, String tsColumn) {
        return events
                .withColumn(EVENT_TIME, timestamp_millis(col(tsColumn)))
                .withColumn(DT, dayOf(col(tsColumn)))
                .withColumn(HOUR, hourOf(col(tsColumn)));
    }

    private UserDefinedFunction dayFunction() {
        BusinessTime self = this;
        return udf((UDF1<Long, String>) ts -> ts == null ? null : self.day(ts), DataTypes.StringType);
    }

    private UserDefinedFunction hourFunction() {
        BusinessTime self = this;
        return udf((UDF1<Long, String>) ts -> ts == null ? null : self.hour(ts), DataTypes.StringType);
    }
}
