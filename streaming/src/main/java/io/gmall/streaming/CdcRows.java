package io.gmall.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.udf;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** CDC envelopes ({@code op, table, pk, before, after, binlog, ts}) parsed from Kafka values with a table's row schema. */
public final class CdcRows {

    public static final StructType ORDER_INFO = new StructType()
            .add("id", DataTypes.LongType)
            .add("consignee", DataTypes.StringType)
            .add("consignee_tel", DataTypes.StringType)
            .add("total_amount", DataTypes.createDecimalType(16, 2))
            .add("order_status", DataTypes.StringType)
            .add("user_id", DataTypes.LongType)
            .add("payment_way", DataTypes.StringType)
            .add("delivery_address", DataTypes.StringType)
            .add("province", DataTypes.StringType)
            .add("create_time", DataTypes.StringType)
            .add("operate_time", DataTypes.StringType);

    public static final StructType ORDER_DETAIL = new StructType()
            .add("id", DataTypes.LongType)
            .add("order_id", DataTypes.LongType)
            .add("sku_id", DataTypes.LongType)
            .add("sku_name", DataTypes.StringType)
            .add("order_price", DataTypes.createDecimalType(10, 2))
            .add("sku_num", DataTypes.IntegerType)
            .add("create_time", DataTypes.StringType);

    public static final StructType USER_INFO = new StructType()
            .add("id", DataTypes.LongType)
            .add("user_level", DataTypes.StringType)
            .add("birthday", DataTypes.StringType)
            .add("gender", DataTypes.StringType)
            .add("create_time", DataTypes.StringType)
            .add("operate_time", DataTypes.StringType);

    private CdcRows() {
    }

    /** The envelope schema with {@code before} and {@code after} typed as {@code row}. */
    public static StructType envelope(StructType row) {
        return new StructType()
                .add("op", DataTypes.StringType)
                .add("table", DataTypes.StringType)
                .add("before", row)
                .add("after", row)
                .add("binlog", new StructType().add("file", DataTypes.StringType).add("position", DataTypes.LongType))
                .add("ts", DataTypes.LongType);
    }

    /**
     * Envelopes of one table with their Kafka position ({@code topic, partition, offset}): a key's changes
     * share a partition, so ordering by offset within it is binlog order.
     */
    public static Dataset<Row> parse(Dataset<Row> kafkaRows, StructType row) {
        return kafkaRows
                .select(col("topic"), col("partition"), col("offset"), from_json(col("value").cast("string"), envelope(row)).as("e"))
                .select(col("topic"), col("partition"), col("offset"), col("e.*"))
                .filter(col("op").isin("c", "u", "d"));
    }

    /**
     * The rows of a micro-batch's {@link #parse} in binlog order (Kafka partition, then offset), collected. A batch's
     * changes are few and end on the driver anyway: sorting them there spares the range-partitioning job and the
     * shuffle of a Spark sort, which cost seconds a batch on a busy machine.
     */
    public static List<Row> collectInBinlogOrder(Dataset<Row> parsed) {
        List<Row> rows = new ArrayList<>(parsed.collectAsList());
        rows.sort(Comparator.<Row>comparingInt(r -> r.getAs("partition")).thenComparingLong(r -> r.getAs("offset")));
        return rows;
    }

    /** Epoch ms of a DATETIME as the CDC relay writes it (ISO local date-time in the source zone). */
    public static long epochMillis(String dateTime, ZoneId sourceZone) {
        return LocalDateTime.parse(dateTime).atZone(sourceZone).toInstant().toEpochMilli();
    }

    /** {@link #epochMillis} of a DATETIME column, for batch jobs over the CDC tables. */
    public static Column epochMillisOf(Column dateTime, ZoneId sourceZone) {
        String zone = sourceZone.getId();
        return udf((UDF1<String, Long>) t -> t == null ? null : epochMillis(t, ZoneId.of(zone)), DataTypes.LongType).apply(dateTime);
    }

    /** A row struct as a column-to-value map (null for a null struct). */
    public static java.util.Map<String, Object> values(Row struct) {
        if (struct == null) {
            return null;
        }
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (String field : struct.schema().fieldNames()) {
            m.put(field, struct.getAs(field));
        }
        return m;
    }
}
