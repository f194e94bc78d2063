package io.gmall.serving.realtime;

import java.util.Arrays;
import java.util.Optional;

/**
 * The realtime figures, in the order {@code /realtime-total} lists them, with where the stream keeps each:
 * an HBase row {@code <dt>} per day holding a cell per business hour and the day's total.
 */
public enum Metric {
    DAU("dau", "Active devices", "dau_hourly", "dau_", "dau"),
    NEW_MID("new_mid", "New devices", "dau_hourly", "new_", "new_mid"),
    ORDER_AMOUNT("order_amount", "GMV", "gmv_hourly", "amount_", "order_amount");

    public final String id;
    public final String title;
    public final String table;
    public final String hourPrefix;
    public final String totalColumn;

    Metric(String id, String title, String table, String hourPrefix, String totalColumn) {
        this.id = id;
        this.title = title;
        this.table = table;
        this.hourPrefix = hourPrefix;
        this.totalColumn = totalColumn;
    }

    public static Optional<Metric> byId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }

    public static String ids() {
        return String.join(", ", Arrays.stream(values()).map(m -> m.id).toList());
    }
}
