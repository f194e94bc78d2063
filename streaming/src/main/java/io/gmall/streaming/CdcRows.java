package io.gmall.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** The envelope operations that change a row (a snapshot read or a heartbeat does not). */
    private static final Set<String> CHANGE_OPS = Set.of("c", "u", "d");

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

    /** The Kafka value parsed as an envelope of {@code row}s. */
    private static Column envelopeOf(StructType row) {
        return from_json(col("value").cast("string"), envelope(row));
    }

    /**
     * Envelopes of one table with their Kafka position ({@code topic, partition, offset}): a key's changes
     * share a partition, so ordering by offset within it is binlog order.
     */
    public static Dataset<Row> parse(Dataset<Row> kafkaRows, StructType row) {
        return kafkaRows
                .select(col("topic"), col("partition"), col("offset"), envelopeOf(row).as("e"))
                .select(col("topic"), col("partition"), col("offset"), col("e.*"))
                .filter(col("op").isin(CHANGE_OPS.toArray()));
    }

    /**
     * The changes ({@code c, u, d} envelopes) of each topic of a micro-batch, by topic, each topic's in binlog order
     * (Kafka partition, then offset: a key's changes share a partition). One job reads the batch once, whatever the
     * number of tables: a batch's changes are few and end on the driver anyway, and each further job over the batch
     * (a cache, a filtered collect a table, a Spark sort) cost a busy machine a second a batch.
     */
    public static Map<String, List<Row>> collectInBinlogOrder(Dataset<Row> kafkaRows, Map<String, StructType> rowSchemaOfTopic) {
        List<String> topics = List.copyOf(rowSchemaOfTopic.keySet());
        List<Column> columns = new ArrayList<>(List.of(col("topic"), col("partition"), col("offset")));
        for (int i = 0; i < topics.size(); i++) {
            String topic = topics.get(i);
            columns.add(when(col("topic").equalTo(topic), envelopeOf(rowSchemaOfTopic.get(topic))).as("e" + i));
        }
        List<Row> rows = new ArrayList<>(kafkaRows.select(columns.toArray(Column[]::new)).collectAsList());
        rows.sort(Comparator.<Row>comparingInt(r -> r.getInt(1)).thenComparingLong(r -> r.getLong(2)));
        Map<String, List<Row>> changes = new LinkedHashMap<>();
        topics.forEach(topic -> changes.put(topic, new ArrayList<>()));
        for (Row r : rows) {
            int table = topics.indexOf(r.getString(0));
            Row envelope = table < 0 ? null : r.getStruct(3 + table);
            String op = envelope == null ? null : envelope.getAs("op");
            if (op != null && CHANGE_OPS.contains(op)) {
                changes.get(topics.get(table)).add(envelope);
            }
        }
        return changes;
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
    public static Map<String, Object> values(Row struct) {
        if (struct == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (String field : struct.schema().fieldNames()) {
            m.put(field, struct.getAs(field));
        }
        return m;
    }
}
