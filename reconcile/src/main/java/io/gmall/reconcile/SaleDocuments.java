package io.gmall.reconcile;

import io.gmall.streaming.sale.SaleRow;
import io.gmall.streaming.time.BusinessTime;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Row;

/**
 * Sale-detail documents as compared: id {@code order_detail_id}, counted in the business hour of the order's
 * creation; content every field the API shows (the time as an instant, the price as the double Elasticsearch holds).
 */
final class SaleDocuments {

    private SaleDocuments() {
    }

    static List<DocumentComparison.Doc> ofRows(List<SaleRow> rows, BusinessTime time) {
        return rows.stream().map(r -> doc(r.orderDetailId(), r.orderId(), r.orderStatus(),
                OffsetDateTime.parse(r.createTime()).toInstant().toEpochMilli(), r.userId(), r.userGender(), r.userAge(), r.userLevel(),
                r.skuId(), r.skuName(), r.skuPrice() == null ? null : r.skuPrice().doubleValue(), r.skuNum(), r.area(), r.dt(), time)).toList();
    }

    static List<DocumentComparison.Doc> ofDocuments(List<Row> docs, BusinessTime time) {
        return docs.stream().map(d -> doc(d.getAs("order_detail_id"), d.getAs("order_id"), d.getAs("order_status"),
                DocumentComparison.millis(d.getAs("create_time")), d.getAs("user_id"), d.getAs("user_gender"),
                d.isNullAt(d.fieldIndex("user_age")) ? null : ((Number) d.getAs("user_age")).intValue(), d.getAs("user_level"),
                d.getAs("sku_id"), d.getAs("sku_name"), d.isNullAt(d.fieldIndex("sku_price")) ? null : ((Number) d.getAs("sku_price")).doubleValue(),
                ((Number) d.getAs("sku_num")).intValue(), d.getAs("area"), d.getAs("dt"), time)).toList();
    }

    private static DocumentComparison.Doc doc(String id, String orderId, String status, long created, String userId, String gender,
                                              Integer age, String level, String skuId, String skuName, Double price, int skuNum,
                                              String area, String dt, BusinessTime time) {
        String content = String.join("|", orderId, Objects.toString(status), Long.toString(created), userId, Objects.toString(gender),
                Objects.toString(age), Objects.toString(level), skuId, Objects.toString(skuName),
                price == null ? "null" : BigDecimal.valueOf(price).stripTrailingZeros().toPlainString(), Integer.toString(skuNum),
                Objects.toString(area), dt);
        return new DocumentComparison.Doc(id, time.hour(created), content);
    }
}
