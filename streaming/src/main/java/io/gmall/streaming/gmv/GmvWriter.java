package io.gmall.streaming.gmv;

import io.gmall.streaming.CdcRows;
import io.gmall.streaming.store.RowStore;
import io.gmall.streaming.store.StateStore;
import io.gmall.streaming.store.StoreRetry;
import io.gmall.streaming.time.BusinessTime;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies a micro-batch of order changes to the GMV state in Redis and to HBase.
 *
 * <p>GMV of an hour = the orders created in that business hour, each at its latest {@code total_amount};
 * an update replaces the order's amount (never adds to it), a delete removes the order. State: per business
 * day and hour a hash {@code gmall:gmv:<dt>:<hh>} of order id to amount, so the hour's count and sum are
 * recomputed from it and written as absolute values; replaying a batch changes nothing. The days a batch
 * changes wait in {@code gmall:gmv:pending} until HBase has them. A day's hashes expire after the state retention, as
 * DAU's sets do, and a change of an order created before the retention's window leaves its day alone (the nightly
 * reconcile's): recounting the day from hashes that expired, or that a correction left behind, would undo it.
 *
 * <p>HBase: {@code gmall:order_info} row {@code <order id>} (family {@code info}: the order's columns,
 * {@code consignee_tel} masked, plus {@code dt} and {@code hh}); {@code gmall:gmv_hourly} row {@code <dt>}
 * (family {@code m}: {@code count_HH}, {@code amount_HH} for hours 00–23 and the day's {@code order_count} and
 * {@code order_amount}; amounts as plain decimal text with two decimals, never a floating-point number).
 */
public final class GmvWriter {

    public static final String PENDING = "gmall:gmv:pending";
    public static final String ORDER_TABLE = "order_info";
    public static final String HOURLY_TABLE = "gmv_hourly";

    private final StateStore state;
    private final RowStore rows;
    private final BusinessTime time;
    private final ZoneId sourceZone;
    private final StoreRetry retry;
    private final Duration retention;
    private final Clock clock;
    private long tooLate;

    public GmvWriter(StateStore state, RowStore rows, BusinessTime time, ZoneId sourceZone, Duration retention, StoreRetry retry, Clock clock) {
        this.state = state;
        this.rows = rows;
        this.time = time;
        this.sourceZone = sourceZone;
        this.retention = retention;
        this.retry = retry;
        this.clock = clock;
    }

    /** Order changes whose day's state is past the retention, left out of the hourly figures (the nightly reconcile's). */
    public long tooLate() {
        return tooLate;
    }

    public static String hourKey(String dt, String hh) {
        return "gmall:gmv:" + dt + ":" + hh;
    }

    /** {@code 13812345678} → {@code 138****5678}: enough to recognise, not enough to call. */
    public static String maskPhone(String phone) {
        if (phone == null) {
            return null;
        }
        if (phone.length() <= 7) {
            return "*".repeat(phone.length());
        }
        return phone.substring(0, 3) + "*".repeat(phone.length() - 7) + phone.substring(phone.length() - 4);
    }

    /**
     * Replaces day {@code dt}'s order amounts with the given ones (hour to order id to amount): the nightly
     * reconcile's correction, so that a later batch of the day sums the corrected amounts. Absolute.
     */
    public static void restate(StateStore state, String dt, Map<String, Map<String, String>> amountsByHour, Duration retention) {
        state.delete(BusinessTime.HOURS.stream().map(hh -> hourKey(dt, hh)).toList());
        Map<String, Map<String, String>> byKey = new LinkedHashMap<>();
        amountsByHour.forEach((hh, amounts) -> byKey.put(hourKey(dt, hh), amounts));
        state.hashPut(byKey);
        state.expire(byKey.keySet(), retention.toSeconds());
    }

    /** Applies changes given in binlog order per order; returns the days whose hourly figures were rewritten. */
    public List<String> apply(List<OrderChange> changes) {
        Map<String, Set<String>> removals = new LinkedHashMap<>();
        Map<String, Map<String, String>> finals = new LinkedHashMap<>();
        Map<String, Map<String, Object>> latestRow = new LinkedHashMap<>();
        Set<String> touchedDays = new TreeSet<>();
        // The window the day's hashes are kept for, as DAU's (the state of a day is written until the day is this old).
        long oldest = clock.millis() - retention.toMillis() + Duration.ofDays(1).toMillis();
        for (OrderChange c : changes) {
            Map<String, Object> row = c.after() != null ? c.after() : c.before();
            String id = String.valueOf(row.get("id"));
            latestRow.put(id, c.after());
            if (createdMillis(row) < oldest) {
                tooLate++;
                continue;
            }
            if (c.before() != null) {
                String[] b = bucket(c.before());
                removals.computeIfAbsent(hourKey(b[0], b[1]), k -> new LinkedHashSet<>()).add(id);
                touchedDays.add(b[0]);
            }
            finals.values().forEach(m -> m.remove(id));
            if (c.after() != null) {
                String[] a = bucket(c.after());
                finals.computeIfAbsent(hourKey(a[0], a[1]), k -> new LinkedHashMap<>())
                        .put(id, ((BigDecimal) c.after().get("total_amount")).toPlainString());
                touchedDays.add(a[0]);
            }
        }
        // An order that ends in the hour it left (or never left) stays there: only the hours it really left lose it.
        finals.forEach((hour, ids) -> {
            Set<String> left = removals.get(hour);
            if (left != null) {
                left.removeAll(ids.keySet());
            }
        });
        retry.run("Redis", "updating order amounts", () -> {
            state.setAdd(PENDING, touchedDays);
            state.hashDelete(removals);
            state.hashPut(finals);
            state.expire(finals.keySet(), retention.toSeconds());
        });
        Map<String, Map<String, String>> orderRows = new LinkedHashMap<>();
        List<String> deleted = new ArrayList<>();
        latestRow.forEach((id, row) -> {
            if (row == null) {
                deleted.add(id);
            } else {
                orderRows.put(id, orderCells(row));
            }
        });
        retry.run("HBase", "writing orders", () -> {
            rows.put(ORDER_TABLE, "info", orderRows);
            rows.delete(ORDER_TABLE, deleted);
        });
        List<String> days = retry.call("Redis", "reading pending GMV days", () -> state.setMembers(PENDING));
        Map<String, Map<String, String>> hourly = new LinkedHashMap<>();
        retry.run("Redis", "summing GMV by hour", () -> {
            for (String dt : days) {
                hourly.put(dt, hourlyCells(dt));
            }
        });
        retry.run("HBase", "writing hourly GMV", () -> rows.put(HOURLY_TABLE, "m", hourly));
        retry.run("Redis", "clearing pending GMV days", () -> state.setRemove(PENDING, days));
        return days;
    }

    private long createdMillis(Map<String, Object> row) {
        return CdcRows.epochMillis((String) row.get("create_time"), sourceZone);
    }

    private String[] bucket(Map<String, Object> row) {
        long created = createdMillis(row);
        return new String[] {time.day(created), time.hour(created)};
    }

    private Map<String, String> orderCells(Map<String, Object> row) {
        Map<String, String> cells = new LinkedHashMap<>();
        row.forEach((column, value) -> {
            if (value != null) {
                String text = value instanceof BigDecimal d ? d.toPlainString() : value.toString();
                cells.put(column, "consignee_tel".equals(column) ? maskPhone(text) : text);
            }
        });
        String[] b = bucket(row);
        cells.put("dt", b[0]);
        cells.put("hh", b[1]);
        return cells;
    }

    private Map<String, String> hourlyCells(String dt) {
        long[] counts = new long[24];
        BigDecimal[] amounts = new BigDecimal[24];
        List<Map<String, String>> byHour = state.hashGetAll(BusinessTime.HOURS.stream().map(hh -> hourKey(dt, hh)).toList());
        for (int h = 0; h < 24; h++) {
            Map<String, String> orders = byHour.get(h);
            BigDecimal sum = BigDecimal.ZERO;
            for (String a : orders.values()) {
                sum = sum.add(new BigDecimal(a));
            }
            counts[h] = orders.size();
            amounts[h] = sum;
        }
        return hourlyRow(counts, amounts);
    }

    /**
     * A day's row of {@code gmall:gmv_hourly}: {@code count_HH} and {@code amount_HH} for the hours 00–23 and the
     * day's {@code order_count} and {@code order_amount}, amounts with two decimals.
     */
    public static Map<String, String> hourlyRow(long[] counts, BigDecimal[] amounts) {
        Map<String, String> c = new LinkedHashMap<>();
        long count = 0;
        BigDecimal amount = BigDecimal.ZERO.setScale(2);
        for (int h = 0; h < 24; h++) {
            String hh = BusinessTime.HOURS.get(h);
            BigDecimal sum = amounts[h].setScale(Math.max(2, amounts[h].scale()));
            c.put("count_" + hh, Long.toString(counts[h]));
            c.put("amount_" + hh, sum.toPlainString());
            count += counts[h];
            amount = amount.add(sum);
        }
        c.put("order_count", Long.toString(count));
        c.put("order_amount", amount.toPlainString());
        return c;
    }
}
