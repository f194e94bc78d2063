package io.gmall.streaming.sale;

import java.math.BigDecimal;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One order detail joined with its order and the user as of the order's time: a document of
 * {@code gmall_sale_detail} (infra/elasticsearch/templates/gmall_sale_detail.json), id {@code order_detail_id}.
 */
public record SaleRow(String orderDetailId, String orderId, String orderStatus, String createTime, String userId, String userGender,
                      Integer userAge, String userLevel, String skuId, String skuName, BigDecimal skuPrice, int skuNum, String area,
                      String dt) {

    public static final String ID = "order_detail_id";

    public static final StructType SCHEMA = new StructType()
            .add(ID, DataTypes.StringType)
            .add("order_id", DataTypes.StringType)
            .add("order_status", DataTypes.StringType)
            .add("create_time", DataTypes.StringType)
            .add("user_id", DataTypes.StringType)
            .add("user_gender", DataTypes.StringType)
            .add("user_age", DataTypes.IntegerType)
            .add("user_level", DataTypes.StringType)
            .add("sku_id", DataTypes.StringType)
            .add("sku_name", DataTypes.StringType)
            // Elasticsearch has no exact decimal among the core types: the price is a double there, exact in Delta and MariaDB.
            .add("sku_price", DataTypes.DoubleType)
            .add("sku_num", DataTypes.IntegerType)
            .add("area", DataTypes.StringType)
            .add("dt", DataTypes.StringType);

    public Row toRow() {
        return RowFactory.create(orderDetailId, orderId, orderStatus, createTime, userId, userGender, userAge, userLevel, skuId, skuName,
                skuPrice == null ? null : skuPrice.doubleValue(), skuNum, area, dt);
    }
}
