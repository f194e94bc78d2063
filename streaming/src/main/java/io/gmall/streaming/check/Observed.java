package io.gmall.streaming.check;

import java.util.Map;

/**
 * What a reader of the stream's results (the stores themselves, or the API over them) shows of the metrics the
 * ledgers judge: the hourly figures, the alerts found as {@link Truth#alertKey} → business day, and the
 * sale-detail documents found by order detail id.
 */
record Observed(Hours hours, Map<String, String> alerts, Map<String, SaleDoc> sale) {

    /** A sale-detail document's judged fields. */
    record SaleDoc(String orderStatus, String userGender, Integer userAge, String userLevel, int skuNum, double skuPrice) {
    }

    /** How a reader shows the hourly figures. */
    interface Hours {
        /**
         * One day's hourly values of a metric ({@code dau}, {@code new_mid}, {@code order_count}, {@code order_amount}), by
         * hour {@code 00}-{@code 23} as decimal text (an absent hour is 0); null when this reader cannot show the metric.
         */
        Map<String, String> of(String metric, String dt);
    }
}
