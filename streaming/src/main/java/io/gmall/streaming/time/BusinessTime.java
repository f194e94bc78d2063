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
import java.time.temporal.ChronoUnit;
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
    /**
     * The last day and hour looked up, with the instants that bound them: records come mostly in time order, so most
     * lookups are a comparison instead of a time-zone conversion and a formatting. Immutable, so threads may share it.
     */
    private transient volatile Bucket lastDay;
    private transient volatile Bucket lastHour;

    private record Bucket(long from, long until, String label) {
        boolean holds(long epochMillis) {
            return epochMillis >= from && epochMillis < until;
        }
    }

    public BusinessTime(ZoneId zone) {
        this.zone = zone.getId();
    }

    /** {@code yyyy-MM-dd} of an epoch-ms instant in the business zone. */
    public String day(long epochMillis) {
        Bucket last = lastDay;
        if (last == null || !last.holds(epochMillis)) {
            LocalDate date = Instant.ofEpochMilli(epochMillis).atZone(ZoneId.of(zone)).toLocalDate();
            last = new Bucket(date.atStartOfDay(ZoneId.of(zone)).toInstant().toEpochMilli(),
                    date.plusDays(1).atStartOfDay(ZoneId.of(zone)).toInstant().toEpochMilli(), DateTimeFormatter.ISO_LOCAL_DATE.format(date));
            lastDay = last;
        }
        return last.label();
    }

    /** {@code 00}–{@code 23}: the hour of an epoch-ms instant in the business zone. */
    public String hour(long epochMillis) {
        Bucket last = lastHour;
        if (last == null || !last.holds(epochMillis)) {
            ZonedDateTime start = Instant.ofEpochMilli(epochMillis).atZone(ZoneId.of(zone)).truncatedTo(ChronoUnit.HOURS);
            // The next local hour, not an hour later: a shift of half an hour makes an hour of 30 or 90 minutes.
            ZonedDateTime next = start.toLocalDateTime().truncatedTo(ChronoUnit.HOURS).plusHours(1).atZone(ZoneId.of(zone));
            last = new Bucket(start.toInstant().toEpochMilli(), next.toInstant().toEpochMilli(), HOURS.get(start.getHour()));
            lastHour = last;
        }
        return last.label();
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
