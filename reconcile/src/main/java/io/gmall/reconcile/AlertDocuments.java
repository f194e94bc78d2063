package io.gmall.reconcile;

import io.gmall.streaming.time.BusinessTime;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/** Coupon-abuse alert documents as compared: id {@code mid|window end}, counted in the hour their window ends. */
final class AlertDocuments {

    private AlertDocuments() {
    }

    static List<DocumentComparison.Doc> of(List<Row> alerts, BusinessTime time) {
        return alerts.stream().map(r -> {
            long end = DocumentComparison.millis(r.getAs("window_end"));
            String content = String.join("|", r.getAs("mid"), Long.toString(DocumentComparison.millis(r.getAs("window_start"))),
                    Long.toString(end), list(r, "uids"), list(r, "item_ids"), list(r, "events"));
            // The instant just before the window's end: the hour, like the alert's dt, is the one the window ends in.
            return new DocumentComparison.Doc(r.getAs("alert_id"), time.hour(end - 1), content);
        }).toList();
    }

    private static String list(Row r, String field) {
        int i = r.fieldIndex(field);
        return r.isNullAt(i) ? "" : String.join(",", new TreeSet<String>(r.<String>getList(i)));
    }
}
